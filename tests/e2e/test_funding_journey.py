"""The prise en charge in Chromium (issue 12): a CFA follows the échéancier of an accepted
contract from « Mes factures »; a company sees the estimate change as it types « Formation »;
a manager adds a dated rate and the commitment taken before keeps its figure."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monespace.dossiers.apprenticeship.services import contract_approve
from monespace.dossiers.models import ApprenticeshipContract, FundingCommitment
from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
    npec_for,
    ready_to_transmit,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene():
    npec_for(amount="7300.00")
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    company_user = MembershipFactory(company=establishment.company, apprenticeship=True).user
    cfa = EstablishmentFactory(provider=True, uai="0751234J", name="CFA DES METIERS")
    cfa_user = MembershipFactory(
        company=cfa.company, profile="provider", can_view_apprenticeship=True
    ).user
    dossier = ContractFactory(
        establishment=establishment, submitted=True, provider_establishment=cfa
    )
    ready_to_transmit(dossier)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(complete_on=timezone.localdate())
    return {
        "dossier": dossier,
        "establishment": establishment,
        "company_user": company_user,
        "cfa_user": cfa_user,
        "advisor": StaffProfileFactory().user,
        "manager": StaffProfileFactory(manager=True).user,
    }


def test_the_cfa_follows_the_schedule_of_an_accepted_contract(live_server, page, scene):
    dossier = scene["dossier"]
    sign_in(page, live_server, scene["advisor"].email)
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    expect(
        page.get_by_text(re.compile("Estimation de la prise en charge par l'OPCO"))
    ).to_be_visible()
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(page.get_by_text("Le dossier est accordé")).to_be_visible()
    expect(page.get_by_text(re.compile("Prise en charge engagée par l'OPCO"))).to_be_visible()
    assert_accessible(page)
    sign_out(page)
    sign_in(page, live_server, scene["cfa_user"].email)
    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Échéanciers des contrats d'apprentissage").click()
    expect(page.get_by_role("status")).to_contain_text("8 échéances, 14\u202f600,00\xa0€ au total")
    assert_accessible(page)
    page.get_by_label("Échéances").select_option(label="Toutes")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name=dossier.number).first.click()
    expect(page.get_by_role("heading", name="Échéancier des paiements au CFA")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("E1 Année 1 — Avance"))).to_contain_text(
        "2\u202f920,00\xa0€"
    )
    assert_accessible(page)


def test_the_company_sees_the_estimate_change_as_it_types(live_server, page, scene):
    draft = ContractFactory(establishment=scene["establishment"])
    sign_in(page, live_server, scene["company_user"].email)
    page.goto(f"{live_server.url}/dossiers/{draft.pk}/etape/formation/")
    estimate = page.locator("#estimate-body")
    expect(estimate).to_contain_text("14\u202f600,00\xa0€")
    page.get_by_label("Dont heures de formation à distance").fill("1200")
    page.get_by_label("Dont heures de formation à distance").press("Tab")
    expect(estimate).to_contain_text("Minoration formation à distance")
    expect(estimate).to_contain_text("11\u202f680,00\xa0€")
    page.get_by_label("Nombre de repas").fill("100")
    page.get_by_label("Nombre de repas").press("Tab")
    expect(estimate).to_contain_text("100 repas × 3,00\xa0€")
    expect(estimate).to_contain_text("11\u202f980,00\xa0€")
    assert_accessible(page)


def test_a_dated_rate_leaves_an_earlier_commitment_as_it_was(live_server, page, scene):
    dossier = scene["dossier"]
    ApprenticeshipContract.objects.filter(dossier=dossier).update(meals=100)
    contract_approve(actor=scene["advisor"], dossier=dossier)
    before = FundingCommitment.objects.get(dossier=dossier).total
    sign_in(page, live_server, scene["manager"].email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Règles de financement").first.click()
    assert_accessible(page)
    page.get_by_label("Règle").first.select_option(label="Frais annexes : repas (€ par repas)")
    page.get_by_label("IDCC").first.fill("0843")
    page.get_by_label("En vigueur à partir du").fill("2020-01-01")
    page.get_by_role("textbox", name="Valeur").fill("abc")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Saisissez un nombre.")).to_be_visible()
    page.get_by_role("textbox", name="Valeur").fill("4,50")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text(re.compile("La valeur 4,50 est en vigueur"))).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    expect(page.get_by_text(re.compile("Prise en charge engagée par l'OPCO"))).to_contain_text(
        "14\u202f900,00\xa0€"
    )
    assert FundingCommitment.objects.get(dossier=dossier).total == before
