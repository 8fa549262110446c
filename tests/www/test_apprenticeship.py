"""Apprenticeship contracts in the front office (seeds 002 and 004): entry in the order of the
CERFA, its checks next to the fields with nothing saved, the pay lines, the CFA's pre-entry and
the company's validation, the mandate, the rupture and the avenant, and who may do what."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.apprenticeship.pay import add_years
from monespace.dossiers.models import ApprenticeshipContract, ContractRupture, Dossier
from monespace.notifications.models import Notification
from tests.factories import (
    ContractFactory,
    DelegationFactory,
    EstablishmentFactory,
    MembershipFactory,
    nir_for,
    ready_to_transmit,
)
from tests.helpers import start_draft

pytestmark = pytest.mark.django_db


def text(response):
    """The page as read (entities decoded: « d'apprentissage », not « d&#x27;… »)."""
    return html.unescape(response.content.decode())


UAI = "0751234J"


def day(days):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    member = MembershipFactory(company=establishment.company, apprenticeship=True)
    return {"establishment": establishment, "user": member.user}


@pytest.fixture
def cfa(company):
    """A CFA in the directory, attached to the company by a delegation (apprenticeship, no
    mandate), with one user."""
    establishment = EstablishmentFactory(
        provider=True, uai=UAI, company__name="CFA DES METIERS", name="CFA DES METIERS"
    )
    delegation = DelegationFactory(
        company=company["establishment"].company,
        delegate=establishment.company,
        kind="cfa",
        can_view_training=False,
        apprenticeship=True,
    )
    user = MembershipFactory(
        company=establishment.company, profile="provider", apprenticeship=True
    ).user
    return {"establishment": establishment, "user": user, "delegation": delegation}


def new_contract(client, establishment):
    return start_draft(
        client, reverse("www:dossier_new_kind", args=["contrat-apprentissage"]), establishment
    )


def step_url(dossier, step):
    return reverse("www:dossier_step", args=[dossier.pk, step])


APPRENTICE = {
    "apprentice_last_name": "MARTIN",
    "apprentice_first_name": "Léa",
    "apprentice_sex": "F",
    "apprentice_street": "3 RUE DU PONT",
    "apprentice_postal_code": "75012",
    "apprentice_city": "PARIS",
    "apprentice_email": "lea@exemple.fr",
    "apprentice_birth_department": "75",
    "apprentice_birth_city": "PARIS",
    "apprentice_nationality": "1",
    "apprentice_social_regime": "2",
    "apprentice_situation": "1",
    "apprentice_diploma_prepared": "33",
    "apprentice_last_class": "01",
    "apprentice_highest_diploma": "25",
}


# --- Entry -------------------------------------------------------------------------------------


def test_a_new_contract_starts_with_what_the_portal_knows_of_the_employer(client, company):
    client.force_login(company["user"])
    page = text(client.get(reverse("www:dossiers")))
    assert "Créer un contrat d'apprentissage" in page
    dossier = new_contract(client, company["establishment"])
    contract = dossier.apprenticeship
    assert (dossier.kind, contract.cerfa_version) == ("apprenticeship", "10103*14")
    assert contract.employer_name == company["establishment"].display_name
    assert (contract.employer_postal_code, contract.idcc, contract.naf) == (
        "75011",
        "0843",
        "10.71C",
    )
    assert not contract.entered_by_cfa
    page = text(client.get(step_url(dossier, "employeur")))
    # The CERFA's sections and code lists of its version.
    for expected in ("1 - Employeur", "2 - Apprenti(e)", "Type d'employeur", "Association"):
        assert expected in page
    assert "Représentant légal" not in page  # not needed for now


def test_the_apprentice_step_refuses_a_malformed_or_inconsistent_nir_and_saves_nothing(
    client, company
):
    client.force_login(company["user"])
    dossier = new_contract(client, company["establishment"])
    birth = add_years(timezone.localdate(), -17) - timedelta(days=30)
    data = {**APPRENTICE, "apprentice_birth_date": birth.isoformat()}
    for nir, message in [
        ("2" + "0" * 15, "15 caractères"),  # 16 digits
        (nir_for(birth.replace(year=birth.year - 1)), "date de naissance"),
        (nir_for(birth, sex="M"), "sexe"),
    ]:
        response = client.post(step_url(dossier, "apprenti"), {**data, "apprentice_nir": nir})
        assert response.status_code == 200
        assert message in text(response)
        # What was typed stays in the form; nothing is saved.
        assert 'value="MARTIN"' in text(response)
        dossier.apprenticeship.refresh_from_db()
        assert dossier.apprenticeship.apprentice_last_name == ""
    response = client.post(
        step_url(dossier, "apprenti"), {**data, "apprentice_nir": nir_for(birth), "validate": "1"}
    )
    # A minor: the legal representative's step comes next.
    assert response["Location"] == step_url(dossier, "representant-legal")
    dossier.apprenticeship.refresh_from_db()
    assert dossier.apprenticeship.apprentice_nir == nir_for(birth)
    dossier.refresh_from_db()
    assert dossier.title == "MARTIN Léa"
    page = text(client.get(step_url(dossier, "apprenti")))
    assert nir_for(birth) not in page  # shown masked once saved
    assert "•• ••• ••• ••" in page


def test_the_cfa_is_taken_from_the_directory_and_a_wrong_uai_is_refused(client, company, cfa):
    client.force_login(company["user"])
    dossier = new_contract(client, company["establishment"])
    page = text(client.get(step_url(dossier, "formation"), {"q": UAI}))
    assert "CFA DES METIERS" in page
    response = client.post(step_url(dossier, "formation"), {"choose_cfa": "999999"})
    assert response.status_code == 302  # a forged id: a message, nothing chosen
    dossier.refresh_from_db()
    assert dossier.provider_establishment is None
    client.post(step_url(dossier, "formation"), {"choose_cfa": str(cfa["establishment"].pk)})
    dossier.refresh_from_db()
    assert dossier.provider_establishment == cfa["establishment"]
    assert dossier.apprenticeship.cfa_uai == UAI
    response = client.post(
        step_url(dossier, "formation"),
        {"provider_name": "CFA DES METIERS", "cfa_uai": "0751234K", "rncp": "38362"},
    )
    assert "lettre de contrôle incorrecte" in text(response)
    dossier.apprenticeship.refresh_from_db()
    assert dossier.apprenticeship.rncp == ""


def test_the_contract_step_checks_the_dates_and_the_pay_and_saves_only_what_is_right(
    client, company
):
    client.force_login(company["user"])
    dossier = new_contract(client, company["establishment"])
    contract = dossier.apprenticeship
    start = day(30)
    contract.apprentice_birth_date = add_years(start, -17) - timedelta(days=60)
    contract.save()
    data = {
        "contract_mode": "1",
        "contract_type": "11",
        "conclusion_date": day(20).isoformat(),
        "start_date": start.isoformat(),
        "practical_training_start": (start + timedelta(days=100)).isoformat(),
        "end_date": (add_years(start, 2) - timedelta(days=1)).isoformat(),
        "weekly_hours": "35",
        "pension_fund": "AG2R",
    }
    response = client.post(step_url(dossier, "contrat"), data)
    assert "au plus tard 3 mois après le début du contrat" in text(response)
    dossier.refresh_from_db()
    assert dossier.start_date is None
    data["practical_training_start"] = start.isoformat()
    # The minimum of each line is computed; a rate under it is refused with its reason.
    response = client.post(step_url(dossier, "contrat"), {**data, "rate_1_1": "20"})
    page = text(response)
    assert "Ligne 1.1" in page and "27 % du SMIC au minimum" in page and "20 %" in page
    assert 'value="20"' in page
    assert not contract.pay_lines.exists()
    response = client.post(
        step_url(dossier, "contrat"), {**data, "rate_1_1": "30,5", "validate": "1"}
    )
    assert response.status_code == 302
    lines = list(contract.pay_lines.all())
    assert [line.order for line in lines][:2] == ["1.1", "1.2"]
    assert lines[0].rate == Decimal("30.5") and lines[0].minimum_rate == Decimal("27")
    contract.refresh_from_db()
    assert contract.hiring_salary == lines[0].monthly_amount
    # The fragment computes the lines as the dates are typed.
    fragment = text(
        client.get(
            reverse("www:apprenticeship_pay_lines", args=[dossier.pk]),
            {
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=400)).isoformat(),
            },
        )
    )
    assert "2.1" in fragment and "1.1" in fragment
    assert "<html" not in fragment


def test_transmission_lists_what_is_missing_then_numbers_the_contract(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], created_by=company["user"])
    page = text(client.get(step_url(dossier, "signatures")))
    assert "CERFA signé" in page and "la rémunération" in page
    response = client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    ready_to_transmit(dossier, company["user"])
    response = client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    assert response["Location"] == reverse("www:dossier", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == "submitted" and dossier.number.startswith(
        f"{timezone.localdate().year}-CA-"
    )
    assert dossier.apprenticeship.complete_on == timezone.localdate()
    # A second click changes nothing (the contract is no longer a draft).
    again = client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    assert again.status_code == 302
    assert Dossier.objects.filter(number=dossier.number).count() == 1


# --- The CFA: pre-entry, validation, mandate ----------------------------------------------------


def test_a_cfa_without_mandate_pre_enters_and_the_company_validates(client, company, cfa):
    client.force_login(cfa["user"])
    created = new_contract(client, company["establishment"])
    assert created.apprenticeship.entered_by_cfa
    assert created.provider_establishment == cfa["establishment"]
    assert created.apprenticeship.cfa_uai == UAI
    # A complete pre-entry (as the CFA would have entered it).
    dossier = ContractFactory(
        establishment=company["establishment"],
        created_by=cfa["user"],
        provider_establishment=cfa["establishment"],
    )
    ready_to_transmit(dossier, cfa["user"])
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Envoyer à l'entreprise pour validation" in page
    assert "Transmettre le contrat" not in page
    assert client.post(step_url(dossier, "signatures"), {"transmit": "1"}).status_code == 403
    mail.outbox.clear()
    client.post(step_url(dossier, "signatures"), {"send_to_employer": "1"})
    dossier.refresh_from_db()
    assert dossier.state == "awaiting_employer"
    assert Notification.objects.filter(recipient=company["user"], title__contains="à valider")
    assert [m.to for m in mail.outbox] == [[company["user"].email]]
    # The company sees it in its drafts, and sends it back with a comment…
    client.force_login(company["user"])
    page = text(client.get(reverse("www:dossiers"), {"group": "brouillons"}))
    assert "À valider par l'employeur" in page
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Renvoyer au CFA" in page and "pré-saisi par le CFA" in page
    response = client.post(step_url(dossier, "signatures"), {"return_to_cfa": "1", "comment": ""})
    assert "Ce champ est obligatoire" in text(response)
    client.post(
        step_url(dossier, "signatures"), {"return_to_cfa": "1", "comment": "Le NIR manque."}
    )
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    assert Notification.objects.filter(recipient=cfa["user"], body="Le NIR manque.").exists()
    # … the CFA sends it again, the company transmits it; both are in the history.
    client.force_login(cfa["user"])
    client.post(step_url(dossier, "signatures"), {"send_to_employer": "1"})
    client.force_login(company["user"])
    client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    kinds = [(e.kind, e.actor) for e in dossier.events.order_by("pk")]
    assert ("sent_to_employer", cfa["user"]) in kinds
    assert ("returned", company["user"]) in kinds
    assert ("submitted", company["user"]) in kinds


def test_a_cfa_under_mandate_transmits(client, company, cfa):
    cfa["delegation"].apprenticeship_mandate = True
    cfa["delegation"].save()
    client.force_login(cfa["user"])
    dossier = ContractFactory(
        establishment=company["establishment"], provider_establishment=cfa["establishment"]
    )
    ready_to_transmit(dossier, cfa["user"])
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Transmettre le contrat" in page
    client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_the_cfa_sees_the_transmitted_contracts_naming_it(client, company, cfa):
    cfa["delegation"].delete()
    named = ContractFactory(
        establishment=company["establishment"],
        submitted=True,
        provider_establishment=cfa["establishment"],
    )
    draft = ContractFactory(
        establishment=company["establishment"], provider_establishment=cfa["establishment"]
    )
    client.force_login(cfa["user"])
    assert client.get(reverse("www:dossier", args=[named.pk])).status_code == 200
    assert client.get(reverse("www:dossier", args=[draft.pk])).status_code == 404
    page = text(client.get(reverse("www:dossiers")))
    assert named.number in page


# --- Who may ----------------------------------------------------------------------------------


def test_outsiders_get_404_and_insiders_without_the_right_403(client, company, cfa):
    dossier = ContractFactory(establishment=company["establishment"])
    urls = [
        reverse("www:dossier", args=[dossier.pk]),
        step_url(dossier, "employeur"),
        step_url(dossier, "contrat"),
        reverse("www:apprenticeship_pay_lines", args=[dossier.pk]),
        reverse("www:dossier_cerfa", args=[dossier.pk]),
    ]
    outsider = MembershipFactory(
        company=EstablishmentFactory(member=True).company, apprenticeship=True
    ).user
    training_only = MembershipFactory(
        company=company["establishment"].company, can_view_training=True, can_edit_training=True
    ).user
    no_delegation = MembershipFactory(
        company=EstablishmentFactory(provider=True).company, profile="provider", apprenticeship=True
    ).user
    for user in (outsider, training_only, no_delegation):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    viewer = MembershipFactory(
        company=company["establishment"].company, can_view_apprenticeship=True
    ).user
    client.force_login(viewer)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 403
    assert client.get(urls[3]).status_code == 403
    assert (
        client.get(reverse("www:dossier_new_kind", args=["contrat-apprentissage"])).status_code
        == 403
    )
    assert client.get(reverse("www:dossier_new_kind", args=["inconnu"])).status_code == 404


# --- After the decision: rupture and avenant -------------------------------------------------


def test_the_company_declares_a_rupture_once_with_a_date_within_the_contract(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    url = reverse("www:contract_rupture", args=[dossier.pk])
    data = {
        "rupture-rupture_date": (dossier.start_date - timedelta(days=1)).isoformat(),
        "rupture-reason": "agreement",
        "rupture-initiated_by": "both",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ne peut pas précéder le début du contrat" in text(response)
    assert not ContractRupture.objects.exists()
    response = client.post(url, {**data, "rupture-rupture_date": "0202-01-01"})
    assert response.status_code == 400
    data["rupture-rupture_date"] = (dossier.start_date + timedelta(days=30)).isoformat()
    assert client.post(url, data).status_code == 302
    assert dossier.events.filter(kind="rupture_declared").exists()
    assert "déjà déclarée" in text(client.post(url, data))
    assert ContractRupture.objects.count() == 1


def test_an_avenant_is_a_new_version_showing_what_it_changes(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    url = reverse("www:contract_amendment", args=[dossier.pk])
    response = client.post(url, {"avenant-contract_type": "36"})
    assert "pas encore de numéro de dépôt" in text(response)
    assert response.status_code == 400
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    assert "Sélectionnez un choix valide" in text(client.post(url, {"avenant-contract_type": "11"}))
    response = client.post(url, {"avenant-contract_type": "36"})
    amendment = Dossier.objects.latest("pk")
    assert response["Location"] == step_url(amendment, "contrat")
    contract = amendment.apprenticeship
    assert (contract.amends_id, contract.contract_type, contract.previous_contract_number) == (
        dossier.pk,
        "36",
        "075202609NC0012",
    )
    # The new maître (type 36): the page shows what changes.
    ApprenticeshipContract.objects.filter(dossier=amendment).update(master1_last_name="DURAND")
    page = text(client.get(reverse("www:dossier", args=[amendment.pk])))
    assert "Ce que l'avenant change" in page and "<mark>DURAND</mark>" in page
    history = text(client.get(reverse("www:dossier", args=[dossier.pk]) + "?onglet=historique"))
    assert "Versions du contrat" in history and "Avenant (type 36)" in history


# --- Queries -----------------------------------------------------------------------------------


def test_query_counts_of_the_contract_pages(client, company, django_assert_num_queries):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    ready_to_transmit(dossier)
    client.get(reverse("www:dossier", args=[dossier.pk]))  # warm the process caches
    with django_assert_num_queries(6):
        client.get(reverse("www:dossier", args=[dossier.pk]))
    draft = ContractFactory(establishment=company["establishment"])
    client.get(step_url(draft, "contrat"))
    with django_assert_num_queries(6):
        client.get(step_url(draft, "contrat"))


def test_pre_entered_contracts_are_in_the_company_to_do_list_and_lists_filter_by_dispositif(
    client, company, cfa
):
    ContractFactory(establishment=company["establishment"], state="awaiting_employer")
    training = ContractFactory(establishment=company["establishment"], submitted=True)
    client.force_login(company["user"])
    home = text(client.get(reverse("www:home")))
    assert "1 contrat saisi par votre CFA ou organisme de formation à valider" in home
    page = text(client.get(reverse("www:dossiers"), {"dispositif": "apprenticeship"}))
    assert training.number in page and "Contrat d'apprentissage" in page
    page = text(client.get(reverse("www:dossiers"), {"dispositif": "training_action"}))
    assert training.number not in page
    # The CFA waits for the company: nothing to do on its side.
    client.force_login(cfa["user"])
    assert "à valider" not in text(client.get(reverse("www:home")))


def test_a_cfa_sees_only_the_contracts_naming_it_not_another_cfa_s(client, company, cfa):
    """Two CFAs attached to the same company: each sees, enters and transmits (with the
    mandate) the contracts naming it only — never the other's apprentices."""
    cfa["delegation"].apprenticeship_mandate = True
    cfa["delegation"].save()
    other = EstablishmentFactory(provider=True, company__name="AUTRE CFA")
    DelegationFactory(
        company=company["establishment"].company,
        delegate=other.company,
        kind="cfa",
        can_view_training=False,
        mandate=True,
    )
    theirs = ContractFactory(
        establishment=company["establishment"],
        provider_establishment=other,
        state="awaiting_employer",
    )
    mine = ContractFactory(
        establishment=company["establishment"], provider_establishment=cfa["establishment"]
    )
    client.force_login(cfa["user"])
    for url in (
        reverse("www:dossier", args=[theirs.pk]),
        step_url(theirs, "apprenti"),
        step_url(theirs, "signatures"),
        reverse("www:dossier_cerfa", args=[theirs.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(step_url(theirs, "signatures"), {"return_to_cfa": "1"}).status_code == 404
    assert client.get(step_url(mine, "apprenti")).status_code == 200
    assert "à valider" not in text(client.get(reverse("www:home")))
    page = text(client.get(reverse("www:dossiers")))
    assert str(mine.pk) in page and f"/dossiers/{theirs.pk}/" not in page


def test_a_pre_entry_does_not_change_under_the_company(client, company, cfa):
    """While the company validates, the CFA without mandate reads it but cannot edit it."""
    dossier = ContractFactory(
        establishment=company["establishment"],
        provider_establishment=cfa["establishment"],
        state="awaiting_employer",
    )
    client.force_login(cfa["user"])
    response = client.post(step_url(dossier, "apprenti"), {"apprentice_last_name": "AUTRE"})
    assert response.status_code == 302
    dossier.apprenticeship.refresh_from_db()
    assert dossier.apprenticeship.apprentice_last_name == "MARTIN"
    client.force_login(company["user"])
    assert client.get(step_url(dossier, "apprenti")).status_code == 200


# --- Found by review ----------------------------------------------------------------------------


def test_odd_input_on_the_contract_step_never_fails(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"])
    for data in (
        {"start_date": "9999-12-01", "end_date": "9999-12-31"},
        {"headcount": "9" * 20},
        {"weekly_hours": "-3", "weekly_minutes": "75"},
        {"contract_type": "36"},  # an avenant's type on a contract
        {"rate_1_1": "abc"},
    ):
        step = "employeur" if "headcount" in data else "contrat"
        response = client.post(step_url(dossier, step), data)
        assert response.status_code == 200, data
    fragment = client.get(
        reverse("www:apprenticeship_pay_lines", args=[dossier.pk]),
        {"start_date": "9999-12-01", "end_date": "9999-12-31"},
    )
    assert fragment.status_code == 200
    dossier.refresh_from_db()
    assert dossier.start_date != timezone.localdate().replace(year=9999)


def test_the_pay_lines_fragment_of_a_contract_transmitted_meanwhile(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], submitted=True)
    response = client.get(reverse("www:apprenticeship_pay_lines", args=[dossier.pk]))
    assert response.status_code == 200
    assert "seul votre conseiller" in text(response)


def test_one_avenant_at_a_time_and_none_after_a_rupture(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    url = reverse("www:contract_amendment", args=[dossier.pk])
    client.post(url, {"avenant-contract_type": "36"})
    again = client.post(url, {"avenant-contract_type": "36"})
    assert "déjà en cours" in text(again)
    assert ApprenticeshipContract.objects.filter(amends=dossier).count() == 1
    other = ContractFactory(establishment=company["establishment"], approved=True)
    ApprenticeshipContract.objects.filter(dossier=other).update(deca_number="075202609NC0013")
    ContractRupture.objects.create(
        dossier=other, rupture_date=other.start_date, reason="agreement", initiated_by="both"
    )
    response = client.post(
        reverse("www:contract_amendment", args=[other.pk]), {"avenant-contract_type": "36"}
    )
    assert "rupture" in text(response)


def test_an_avenant_of_an_old_contract_gets_its_pay_lines(client, company):
    """A contract started in 2023: the SMIC of that date is known (since 2019)."""
    from datetime import date

    from monespace.dossiers.apprenticeship.services import pay_lines_save

    dossier = ContractFactory(
        establishment=company["establishment"],
        approved=True,
        start_date=date(2023, 9, 1),
        end_date=date(2025, 8, 31),
    )
    lines = pay_lines_save(dossier=dossier, rates=None)
    assert lines and lines[0].monthly_amount > 0
    assert lines[0].minimum_rate * Decimal("1747.20") / 100 <= lines[0].monthly_amount


def test_the_cerfa_shows_the_nir_in_full_to_those_who_enter_it_only(client, company):
    import subprocess

    dossier = ContractFactory(establishment=company["establishment"], submitted=True)
    nir = dossier.apprenticeship.apprentice_nir
    grouped = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"

    def pdf_text(user):
        client.force_login(user)
        response = client.get(reverse("www:dossier_cerfa", args=[dossier.pk]))
        assert response.status_code == 200
        out = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        )
        return " ".join(out.stdout.decode().split())

    assert grouped in pdf_text(company["user"])
    viewer = MembershipFactory(
        company=company["establishment"].company, can_view_apprenticeship=True
    ).user
    shown = pdf_text(viewer)
    assert grouped not in shown and "••" in shown


def test_a_contract_prints_as_its_cerfa(client, company):
    client.force_login(company["user"])
    dossier = ContractFactory(establishment=company["establishment"])
    response = client.get(reverse("www:dossier_print", args=[dossier.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_versions_list_only_what_the_reader_sees(client, company, cfa):
    cfa["delegation"].delete()
    dossier = ContractFactory(
        establishment=company["establishment"],
        approved=True,
        provider_establishment=cfa["establishment"],
    )
    ContractFactory(
        establishment=company["establishment"], provider_establishment=cfa["establishment"]
    )  # another draft
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    client.force_login(company["user"])
    client.post(
        reverse("www:contract_amendment", args=[dossier.pk]), {"avenant-contract_type": "36"}
    )
    history = reverse("www:dossier", args=[dossier.pk]) + "?onglet=historique"
    assert "Avenant (type 36)" in text(client.get(history))
    client.force_login(cfa["user"])  # the CFA, under its provider profile
    assert "Avenant (type 36)" not in text(client.get(history))
