"""Professionalisation contracts and Pro-A in Chromium (issue 12; seeds 003 and 004): the
company enters a contract in the order of the EJ20, fails the pay rule and fixes it, sees its
estimate change as it types the hours, attaches the pieces and transmits; the advisor accepts
it; a manager adds a branch forfait and the commitment keeps its figure; a training
organisation's entry is validated by the company; a Pro-A refuses a CDD."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monespace.dossiers.apprenticeship.pay import add_months
from monespace.dossiers.models import Dossier, FundingCommitment
from monespace.dossiers.professionalisation.services import contract_approve
from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import (
    DelegationFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
    StaffProfileFactory,
    _years_before,
    nir_for,
    pieces_attached,
)

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def iso(day):
    return day.isoformat()


def attach(page, tmp_path, piece_label, title):
    path = tmp_path / f"{title}.pdf"
    path.write_bytes(PDF)
    page.get_by_label("Fichier").set_input_files(str(path))
    page.get_by_label("Type de pièce").select_option(label=piece_label)
    page.get_by_label("Titre du document").fill(title)
    page.get_by_role("button", name="Joindre le fichier").click()
    expect(page.get_by_text("Le document est joint au dossier.")).to_be_visible()


def validate_step(page):
    page.get_by_role("button", name="Valider l'étape").click()
    expect(page.get_by_text("L'étape est enregistrée.")).to_be_visible()


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True, company__name="MAGASINS DU CENTRE")
    user = MembershipFactory(company=establishment.company, professionalisation=True).user
    provider = EstablishmentFactory(provider=True, company__name="FORMAPRO", name="FORMAPRO")
    return {"establishment": establishment, "user": user, "provider": provider}


def test_the_company_enters_a_contract_sees_its_estimate_and_the_advisor_accepts_it(
    live_server, page, tmp_path, company
):
    start = timezone.localdate() + timedelta(days=30)
    end = add_months(start, 11) - timedelta(days=1)
    birth = _years_before(start, 22, 40)
    sign_in(page, live_server, company["user"].email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("link", name="Nouvelle demande — Contrat de professionnalisation").click()
    page.get_by_role("button", name="Commencer la saisie").click()

    # 1 - Employeur: what the OPCO knows is there already.
    expect(page.get_by_role("heading", name="Contrat de professionnalisation")).to_be_visible()
    expect(page.get_by_label("Nom et prénom ou dénomination")).not_to_have_value("")
    page.get_by_label("Courriel").fill("rh@magasins.fr")
    page.get_by_label("Effectif salarié").fill("40")
    page.get_by_label("Caisse de retraite complémentaire").fill("AG2R")
    assert_accessible(page)
    validate_step(page)

    # 2 - Salarié(e).
    page.get_by_label("Nom de naissance").fill("DURAND")
    page.get_by_label("Prénom").fill("Hugo")
    page.get_by_label("Numéro de sécurité sociale (NIR)").fill(nir_for(birth, sex="M"))
    page.get_by_label("Date de naissance").fill(iso(birth))
    page.get_by_label("Sexe").select_option("M")
    page.get_by_label("Voie").fill("3 RUE DU PONT")
    page.get_by_label("Code postal").fill("75012")
    page.get_by_label("Commune").fill("PARIS")
    page.get_by_label("Situation avant ce contrat").select_option(
        label="Scolaire, étudiant(e) ou apprenti(e)"
    )
    page.get_by_label("Diplôme ou titre le plus élevé obtenu").select_option(
        label="Niveau 4 (baccalauréat, brevet professionnel)"
    )
    assert_accessible(page)
    validate_step(page)

    # 3 - Tuteur.
    page.get_by_label("Nom de naissance").fill("BERNARD")
    page.get_by_label("Prénom").first.fill("Paul")
    page.get_by_label("Date de naissance").first.fill(iso(_years_before(start, 46)))
    page.get_by_label("Emploi occupé").first.fill("Chef d'équipe")
    page.get_by_label(re.compile("^Années d'expérience")).fill("10")
    validate_step(page)

    # 4 - Contrat: the pay below the minimum is refused next to the field, then fixed.
    page.get_by_label("Type de contrat ou d'avenant").select_option(label="1 - Contrat initial")
    page.get_by_label("Nature du contrat").select_option(label="CDD")
    page.get_by_label("Date de conclusion").fill(iso(start - timedelta(days=5)))
    page.get_by_label(re.compile("^Date de début du contrat")).fill(iso(start))
    page.get_by_label(re.compile("^Date de fin du contrat")).fill(iso(end))
    page.get_by_label("Emploi occupé pendant le contrat").fill("Vendeur conseil")
    page.get_by_label("Durée hebdomadaire du travail (heures)").fill("35")
    page.get_by_label("Rémunération (% du SMIC)").fill("60")
    page.get_by_label("Salaire brut mensuel à l'embauche").fill("1 500,00")
    page.get_by_role("button", name="Valider l'étape").click()
    expect(page.get_by_text("La rémunération est d'au moins 80\u202f% du SMIC")).to_be_visible()
    expect(page.get_by_label("Emploi occupé pendant le contrat")).to_have_value("Vendeur conseil")
    assert_accessible(page)
    page.get_by_label("Rémunération (% du SMIC)").fill("80")
    validate_step(page)

    # 5 - Formation: the organisation from the directory; the estimate follows the hours.
    page.get_by_role("textbox", name=re.compile("^Rechercher l'organisme")).fill("FORMAPRO")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Choisir FORMAPRO").click()
    expect(page.get_by_text("L'organisme FORMAPRO est repris du répertoire.")).to_be_visible()
    page.get_by_label("Qualification visée", exact=True).select_option(
        label="Diplôme ou titre inscrit au RNCP"
    )
    page.get_by_label("Intitulé précis").fill("Titre professionnel Vendeur conseil en magasin")
    page.get_by_label("Code RNCP").fill("RNCP37098")
    page.get_by_label("Date de début de la formation").fill(iso(start + timedelta(days=7)))
    page.get_by_label("Date de fin de la formation").fill(iso(end - timedelta(days=14)))
    estimate = page.locator("#estimate-body")
    expect(estimate).to_contain_text("permet l'estimation")
    page.get_by_label("Durée totale de la formation (heures)").fill("300")
    expect(estimate).to_contain_text("2\u202f745,00\xa0€")
    page.get_by_label("Durée totale de la formation (heures)").fill("400")
    expect(estimate).to_contain_text("3\u202f660,00\xa0€")
    expect(estimate).to_contain_text("tuteur de 45 ans ou plus")
    assert_accessible(page)
    validate_step(page)

    # 6 - Signatures: the pieces, then transmission.
    page.get_by_label("Fait à").fill("PARIS")
    page.get_by_label(re.compile("^L'employeur atteste disposer")).check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    attach(page, tmp_path, "CERFA signé", "CERFA EJ20 signé")
    attach(page, tmp_path, "Programme détaillé", "Programme")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label(re.compile("^Je certifie l'exactitude")).check()
    page.get_by_role("button", name="Transmettre le contrat").click()
    expect(
        page.get_by_text(re.compile(r"transmis à l'OPCO sous le numéro \d{4}-CP-"))
    ).to_be_visible()
    expect(page.get_by_text("sans réponse, le contrat est réputé accepté")).to_be_visible()
    assert_accessible(page)
    dossier = Dossier.objects.get(kind="professionalisation")
    assert dossier.state == "submitted"
    sign_out(page)

    # The advisor reads the checklist and accepts it; the company sees the commitment.
    advisor = StaffProfileFactory().user
    sign_in(page, live_server, advisor.email)
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    expect(
        page.get_by_role("heading", name=re.compile("Contrat de professionnalisation"))
    ).to_be_visible()
    expect(
        page.get_by_text("le silence vaut acceptation").or_(page.get_by_text("Décision avant le"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(page.get_by_text("Le dossier est accordé")).to_be_visible()
    sign_out(page)
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/?onglet=financement")
    expect(page.get_by_text(re.compile("Prise en charge engagée par l'OPCO"))).to_contain_text(
        "5\u202f730,00\xa0€"
    )
    expect(page.get_by_role("heading", name="Échéancier des paiements")).to_be_visible()
    assert_accessible(page)


def test_a_branch_forfait_added_later_leaves_the_commitment_as_it_was(live_server, page, company):
    dossier = ProContractFactory(establishment=company["establishment"], submitted=True)
    pieces_attached(dossier)
    advisor = StaffProfileFactory().user
    contract_approve(actor=advisor, dossier=dossier)
    before = FundingCommitment.objects.get(dossier=dossier).total
    manager = StaffProfileFactory(manager=True).user
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Règles de financement").first.click()
    page.get_by_label("Règle").first.select_option(
        label="Forfait horaire contrat de professionnalisation / Pro-A (€)"
    )
    page.get_by_label("IDCC").first.fill("0843")
    page.get_by_label("En vigueur à partir du").fill("2020-01-01")
    page.get_by_role("textbox", name="Valeur").fill("12")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text(re.compile("La valeur 12,00 est en vigueur"))).to_be_visible()
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    expect(page.get_by_text(re.compile("Prise en charge engagée par l'OPCO"))).to_contain_text(
        "5\u202f730,00\xa0€"
    )
    assert FundingCommitment.objects.get(dossier=dossier).total == before
    # The branch's Pro-A list, kept by the manager.
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Certifications éligibles à Pro-A").click()
    page.get_by_label("IDCC de la branche").fill("0843")
    page.get_by_label("Code RNCP de la certification").fill("RNCP37098")
    page.get_by_label("Intitulé").fill("Titre professionnel Vendeur conseil en magasin")
    page.get_by_label("Éligible à partir du").fill("2026-01-01")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("RNCP37098 est éligible à Pro-A pour l'IDCC 0843.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="RNCP37098")).to_be_visible()
    assert_accessible(page)
    # A new contract of the branch is estimated on the new forfait.
    draft = ProContractFactory(establishment=company["establishment"])
    sign_out(page)
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/dossiers/{draft.pk}/etape/formation/")
    expect(page.locator("#estimate-body")).to_contain_text("4\u202f800,00\xa0€")


def test_an_organisation_enters_and_the_company_validates_then_a_pro_a_refuses_a_cdd(
    live_server, page, company
):
    provider_user = MembershipFactory(
        company=company["provider"].company, profile="provider", professionalisation=True
    ).user
    DelegationFactory(
        company=company["establishment"].company,
        delegate=company["provider"].company,
        kind="training_organisation",
        can_view_training=False,
        professionalisation=True,
    )
    dossier = ProContractFactory(
        establishment=company["establishment"],
        created_by=provider_user,
        provider_establishment=company["provider"],
    )
    pieces_attached(dossier, provider_user)
    sign_in(page, live_server, provider_user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/signatures/")
    expect(page.get_by_role("button", name="Transmettre le contrat")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer à l'entreprise pour validation").click()
    expect(page.get_by_text("Le contrat est envoyé à l'entreprise")).to_be_visible()
    sign_out(page)
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role(
        "button", name=re.compile("^Ouvrir Contrat de professionnalisation à valider")
    ).click()
    expect(page.get_by_role("link", name="Reprendre la saisie")).to_be_visible()
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/signatures/")
    expect(
        page.get_by_text(re.compile("Contrat saisi par l'organisme de formation"))
    ).to_be_visible()
    page.get_by_label(re.compile("^Je certifie l'exactitude")).check()
    page.get_by_role("button", name="Transmettre le contrat").click()
    expect(page.get_by_text(re.compile(r"sous le numéro \d{4}-CP-"))).to_be_visible()

    # A Pro-A: the amended contract must be a CDI (or the like).
    page.goto(f"{live_server.url}/dossiers/nouvelle-demande/pro-a/")
    page.get_by_role("button", name="Commencer la saisie").click()
    # The draft is born with its first step saved (the employer, known to the portal).
    page.get_by_role("button", name="Valider l'étape").click()
    page.get_by_label("Contrat de travail du salarié").select_option(label="Autre CDD")
    page.get_by_role("button", name="Valider l'étape").click()
    expect(page.get_by_text(re.compile("pas à un autre CDD"))).to_be_visible()
    assert_accessible(page)
