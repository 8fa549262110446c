"""« Collecte » (issue 13): the OPCO's contributions file imported by a command — rows rejected
with their reason, nothing half-imported, the same file twice changes nothing — and shown
read-only to the company's people with the financial right."""

import html
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from monespace.invoices.contributions import import_contributions
from monespace.invoices.models import Contribution
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db
HEADER = "siren;annee;nature;assiette;taux;montant_appele;montant_verse;date_echeance\n"


def text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def write(tmp_path, rows):
    path = tmp_path / "collecte.csv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_the_file_is_imported_with_its_rejections_and_twice_changes_nothing(tmp_path):
    company = CompanyFactory()
    siren = company.siren
    path = write(
        tmp_path,
        [
            f"{siren};2026;legale;412 500,00;1,00;4 125,00;2 062,50;2027-03-01",
            f"{siren};2026;Conventionnelle;412 500,00;0,20;825,00;0;01/03/2027",
            "123456789;2026;legale;;;10;0;",  # SIREN key wrong
            "552100554;2026;legale;;;10;0;",  # valid SIREN, unknown to the directory
            f"{siren};1999;legale;;;10;0;",
            f"{siren};2026;taxe;;;10;0;",
            f"{siren};2025;legale;;;dix;0;",
            f"{siren};2025;legale;;;-10;0;",
            f"{siren};2025;legale;;300;10;0;",
            f"{siren};2025;legale;;;;0;",
            f"{siren};2024;legale;;;20 000 000 000,00;0;",
        ],
    )
    result = import_contributions(path)
    assert (result.read, result.imported) == (11, 2)
    reasons = dict(result.rejected)
    assert set(reasons) == {4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert "hors limites" in reasons[12]
    assert "SIREN inconnu" in reasons[5] and "année invalide" in reasons[6]
    assert "nature inconnue" in reasons[7] and "illisible" in reasons[8]
    assert "hors limites" in reasons[9] and "supérieur à 100" in reasons[10]
    assert "manquante" in reasons[11]
    legal = Contribution.objects.get(nature="legal")
    assert (legal.base, legal.rate, legal.called, legal.paid, legal.outstanding) == (
        Decimal("412500.00"),
        Decimal("1.000"),
        Decimal("4125.00"),
        Decimal("2062.50"),
        Decimal("2062.50"),
    )
    assert Contribution.objects.get(nature="conventional").due_on.isoformat() == "2027-03-01"
    import_contributions(path)
    assert Contribution.objects.count() == 2
    # The command reports the same.
    out = StringIO()
    call_command("import_contributions", str(path), stdout=out, stderr=out)
    assert "2" in out.getvalue()


def test_the_company_reads_its_contributions(client, tmp_path):
    company = CompanyFactory(name="BOULANGERIE DES LILAS")
    import_contributions(
        write(tmp_path, [f"{company.siren};2026;legale;412 500,00;1;4 125,00;2 062,50;"])
    )
    reader = MembershipFactory(company=company, can_view_invoices=True).user
    client.force_login(reader)
    page = text(client.get(reverse("www:contributions")))
    assert "Contributions 2026" in page and "4 125,00 €" in page and "2 062,50 €" in page
    assert "Contribution légale" in page
    # Without the financial right: 403; another company's administrator reads only its own.
    client.force_login(MembershipFactory(company=company).user)
    assert client.get(reverse("www:contributions")).status_code == 403
    client.force_login(MembershipFactory(is_admin=True).user)
    page = text(client.get(reverse("www:contributions")))
    assert "4 125,00" not in page and "Aucune contribution" in page
    # Asking for a company one does not read shows one's own.
    page = text(client.get(reverse("www:contributions"), {"entreprise": company.pk}))
    assert "4 125,00" not in page


def test_an_amount_called_is_told_by_the_theme_chosen(tmp_path, django_capture_on_commit_callbacks):
    from django.core import mail

    from monespace.notifications.models import Notification

    company = CompanyFactory()
    wants = MembershipFactory(
        company=company, can_view_invoices=True, user__notification_themes=["contribution"]
    ).user
    quiet = MembershipFactory(company=company, is_admin=True).user
    row = f"{company.siren};2026;legale;;;4 125,00;0;"
    with django_capture_on_commit_callbacks(execute=True):
        import_contributions(write(tmp_path, [row]))
    assert {m.to[0] for m in mail.outbox} == {wants.email}
    assert Notification.objects.filter(recipient=quiet).count() == 1  # in the portal, always
    assert "4 125,00 €" in mail.outbox[0].body.replace("\u202f", " ").replace("\xa0", " ")
    # The same file again: nothing new is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_contributions(write(tmp_path, [row]))
    assert not mail.outbox


def test_one_notice_per_import_and_none_for_a_lower_call(
    tmp_path, django_capture_on_commit_callbacks
):
    from django.core import mail

    company = CompanyFactory()
    MembershipFactory(company=company, is_admin=True, user__notification_themes=["contribution"])
    rows = [
        f"{company.siren};2026;legale;;;100;0;",
        f"{company.siren};2026;conventionnelle;;;200;0;",
        f"{company.siren};2026;legale;;;150;0;",  # the same row again, later in the file
    ]
    with django_capture_on_commit_callbacks(execute=True):
        import_contributions(write(tmp_path, rows), batch_size=1)
    assert len(mail.outbox) == 1  # one notice for the whole import
    body = mail.outbox[0].body.replace("\u202f", " ").replace("\xa0", " ")
    assert "150,00 €" in body and "100,00 €" not in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_contributions(write(tmp_path, [f"{company.siren};2026;legale;;;120;0;"]))
    assert not mail.outbox  # a lower amount called is not announced
