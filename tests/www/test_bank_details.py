"""« Déposer un RIB » and the fraud guard (issue 13, first part): IBAN and BIC checked as typed,
the document checked by content, every administrator told at once, nothing used before an
advisor validates it against its document, the RIB in force kept in the history, the IBAN
masked outside the RIB pages, and who may."""

import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monespace.invoices.models import BankAccount
from monespace.notifications.models import Notification
from tests.factories import EstablishmentFactory, MembershipFactory, StaffProfileFactory
from tests.helpers import read_streaming

pytestmark = pytest.mark.django_db

CA = "FR7630006000011234567890189"  # Crédit Agricole, BIC AGRIFRPP
BNP = "FR7630004000030001234567897"  # BNP Paribas, BIC BNPAFRPP
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def text(response):
    return html.unescape(response.content.decode())


def rib(name="rib.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    other_admin = MembershipFactory(company=establishment.company, is_admin=True).user
    manager = MembershipFactory(company=establishment.company, can_manage_bank_details=True).user
    return {
        "establishment": establishment,
        "company": establishment.company,
        "admin": admin,
        "other_admin": other_admin,
        "manager": manager,
    }


def target(company, establishment=None):
    return f"{company['company'].pk}:member:{establishment.pk if establishment else 0}"


def deposit(client, company, iban=CA, bic="AGRIFRPP", **extra):
    data = {
        "target": target(company),
        "holder": "BOULANGERIE DES LILAS",
        "iban": iban,
        "bic": bic,
        "file": rib(),
        **extra,
    }
    return client.post(reverse("www:bank_details_deposit"), data)


def test_a_deposit_waits_for_the_opco_and_every_administrator_is_told(client, company):
    client.force_login(company["manager"])
    response = deposit(client, company, iban="fr76 3000 6000 0112 3456 7890 189")
    assert response.status_code == 302
    account = BankAccount.objects.get()
    assert (account.iban, account.bic, account.state, account.bank_name) == (
        CA,
        "AGRIFRPP",
        "pending",
        "CREDIT AGRICOLE SA",
    )
    told = {message.to[0] for message in mail.outbox}
    assert told == {company["admin"].email, company["other_admin"].email}
    assert "Nouvelles coordonnées bancaires" in mail.outbox[0].subject
    assert "FR76 •••• … 0189" in mail.outbox[0].body and CA not in mail.outbox[0].body
    assert Notification.objects.filter(recipient=company["admin"]).count() == 1
    # « Mes factures » shows it masked; the RIB page in full, with its document.
    page = text(client.get(reverse("www:invoices")))
    assert "FR76 •••• … 0189" in page and "FR76 3000" not in page
    page = text(client.get(reverse("www:bank_details")))
    assert "FR76 3000 6000 0112 3456 7890 189" in page
    assert "En attente de validation par l'OPCO" in page
    document = client.get(reverse("www:bank_details_document", args=[account.pk]))
    assert document.status_code == 200 and read_streaming(document) == PDF
    # A second deposit while one waits is refused, nothing saved.
    response = deposit(client, company, iban=BNP, bic="BNPAFRPP")
    assert response.status_code == 400 and "déjà en attente" in text(response)
    assert BankAccount.objects.count() == 1


def test_the_advisor_validates_and_the_old_rib_is_kept(client, company):
    advisor = StaffProfileFactory().user
    client.force_login(company["admin"])
    deposit(client, company)
    first = BankAccount.objects.get()
    client.force_login(advisor)
    assert "Premier RIB" in text(client.get(reverse("backoffice:bank_account", args=[first.pk])))
    client.post(reverse("backoffice:bank_account", args=[first.pk]), {"validate": "1"})
    first.refresh_from_db()
    assert first.state == "active" and first.decided_by == advisor
    client.force_login(company["admin"])
    response = deposit(client, company)  # the same RIB again: nothing changes
    assert "déjà celui en vigueur" in text(response)
    deposit(client, company, iban=BNP, bic="BNPAFRPP")
    second = BankAccount.objects.latest("pk")
    client.force_login(advisor)
    page = text(client.get(reverse("backoffice:bank_account", args=[second.pk])))
    assert "Changement de coordonnées bancaires" in page and "FR76 3000 6000" in page
    client.post(reverse("backoffice:bank_account", args=[second.pk]), {"validate": "1"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("replaced", "active")
    client.force_login(company["manager"])
    page = text(client.get(reverse("www:bank_details")))
    assert "Remplacé" in page and "Historique" in page


def test_the_advisor_refuses_with_a_reason(client, company):
    client.force_login(company["manager"])
    deposit(client, company)
    account = BankAccount.objects.get()
    client.force_login(StaffProfileFactory().user)
    url = reverse("backoffice:bank_account", args=[account.pk])
    response = client.post(url, {"reject": "1", "reason": ""})
    assert response.status_code == 400
    client.post(url, {"reject": "1", "reason": "Le RIB n'est pas au nom de l'entreprise."})
    account.refresh_from_db()
    assert account.state == "rejected"
    assert any("RIB refusé" in m.subject for m in mail.outbox)
    assert client.post(url, {"validate": "1"}).status_code == 302  # treated already: a message
    account.refresh_from_db()
    assert account.state == "rejected"


def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(client, company):
    client.force_login(company["manager"])
    cases = [
        ({"iban": "FR7630006000011234567890188"}, "La clé de l'IBAN ne correspond pas"),
        ({"iban": "FR0630006000011234567890188"}, "La clé RIB ne correspond pas"),
        ({"iban": "FR76300060000112345678901"}, "pas la bonne longueur"),
        ({"iban": "XX7630006000011234567890189"}, "code du pays"),
        ({"iban": ""}, "Ce champ est obligatoire"),
        ({"iban": "FR76 ////"}, "Cet IBAN n'est pas valide"),
        ({"bic": "AG1"}, "8 ou 11 caractères"),
        ({"bic": "AGRIFRPPX"}, "8 ou 11 caractères"),  # 9 characters
        ({"bic": "BNPAFRPP"}, "pas celui de la banque de l'IBAN"),
        ({"holder": " "}, "Ce champ est obligatoire"),
        ({"file": rib("rib.pdf", b"MZ\x90\x00 not a pdf")}, "type de fichier"),
        ({"file": rib("rib.pdf", b"")}, "vide"),
        ({"target": "999:member:0"}, "Sélectionnez un choix valide"),
        ({"target": "n'importe quoi"}, "Sélectionnez un choix valide"),
    ]
    for extra, message in cases:
        response = deposit(client, company, **extra)
        assert response.status_code == 400, extra
        assert message in text(response), (extra, message)
    assert 'value="AG1"' in text(deposit(client, company, bic="AG1"))
    assert not BankAccount.objects.exists()
    fragment = client.get(reverse("www:bank_details_bank"), {"iban": CA})
    assert "CREDIT AGRICOLE SA" in text(fragment)
    fragment = text(client.get(reverse("www:bank_details_bank"), {"iban": "FR76<b>"}))
    assert "pas valide" in fragment and "<b>" not in fragment


def test_who_may_deposit_and_read(client, company):
    client.force_login(company["manager"])
    deposit(client, company)
    account = BankAccount.objects.get()
    document = reverse("www:bank_details_document", args=[account.pk])
    # Another company's administrator: nothing of it, the document is a 404.
    outsider = MembershipFactory(company=EstablishmentFactory(member=True).company, is_admin=True)
    client.force_login(outsider.user)
    assert CA not in text(client.get(reverse("www:bank_details")))
    assert client.get(document).status_code == 404
    assert (
        client.post(
            reverse("www:bank_details_deposit"),
            {
                "target": target(company),
                "holder": "X",
                "iban": CA,
                "bic": "AGRIFRPP",
                "file": rib(),
            },
        ).status_code
        == 400
    )  # the company is not among its choices
    # A member without the rights: 403 to deposit, no RIB shown.
    plain = MembershipFactory(company=company["company"], can_view_training=True).user
    client.force_login(plain)
    assert client.get(reverse("www:bank_details_deposit")).status_code == 403
    assert client.get(document).status_code == 404
    # « Consulter les factures » reads, does not deposit.
    reader = MembershipFactory(company=company["company"], can_view_invoices=True).user
    client.force_login(reader)
    response = client.get(document)
    assert response.status_code == 200 and read_streaming(response) == PDF
    assert client.get(reverse("www:bank_details_deposit")).status_code == 403
    # A member scoped to one establishment deposits for it only.
    other = EstablishmentFactory(company=company["company"])
    scoped = MembershipFactory(company=company["company"], can_manage_bank_details=True)
    scoped.establishments.set([other])
    client.force_login(scoped.user)
    page = text(client.get(reverse("www:bank_details_deposit")))
    assert other.siret in page and "tous les établissements" not in page
    # Staff only in the back office; support staff read but do not decide.
    client.force_login(company["admin"])
    assert client.get(reverse("backoffice:bank_details")).status_code == 404
    client.force_login(StaffProfileFactory(support=True).user)
    url = reverse("backoffice:bank_account", args=[account.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"validate": "1"}).status_code == 403
    assert client.get(reverse("backoffice:bank_account", args=[999999])).status_code == 404


def test_query_counts(client, company, django_assert_num_queries):
    client.force_login(company["manager"])
    deposit(client, company)
    deposit(client, company, iban=BNP, bic="BNPAFRPP")
    client.get(reverse("www:bank_details"))
    with django_assert_num_queries(5):
        client.get(reverse("www:bank_details"))
    client.force_login(StaffProfileFactory().user)
    client.get(reverse("backoffice:bank_details"))
    with django_assert_num_queries(4):
        client.get(reverse("backoffice:bank_details"))
