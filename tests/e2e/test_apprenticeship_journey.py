"""Apprenticeship contracts in Chromium (seeds 002 and 004): the company enters a minor's
contract in the order of the CERFA, fails a date rule and fixes it, sees its pay lines and
transmits; a CFA pre-enters one that the company validates with the keyboard only; a CFA under
mandate transmits; the advisor accepts one with its deposit number and refuses another; the
company declares a rupture the OPCO records; an avenant of type 36."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monespace.accounts.models import StaffProfile
from monespace.dossiers.apprenticeship.pay import add_years
from monespace.dossiers.models import ApprenticeshipContract, Dossier
from tests.e2e.conftest import assert_accessible, sign_in, sign_out, tab_to
from tests.factories import (
    ContractFactory,
    DelegationFactory,
    EstablishmentFactory,
    MembershipFactory,
    UserFactory,
    nir_for,
    ready_to_transmit,
)

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
UAI = "0751234J"


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
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(company=establishment.company, apprenticeship=True).user
    cfa = EstablishmentFactory(
        provider=True, uai=UAI, company__name="CFA DES METIERS", name="CFA DES METIERS"
    )
    return {"establishment": establishment, "user": user, "cfa": cfa}


def test_the_company_enters_a_minor_s_contract_and_transmits_it(
    live_server, page, tmp_path, company
):
    start = timezone.localdate() + timedelta(days=30)
    birth = add_years(start, -17) - timedelta(days=45)
    sign_in(page, live_server, company["user"].email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("link", name="Créer un contrat d'apprentissage").click()
    expect(
        page.get_by_role("heading", name="Nouvelle demande — Contrat d'apprentissage")
    ).to_be_visible()
    page.get_by_role("button", name="Commencer la saisie").click()

    # 1 - Employeur: what the OPCO knows is there already.
    expect(page.get_by_role("heading", name="Contrat d'apprentissage")).to_be_visible()
    expect(page.get_by_label("Nom et prénom ou dénomination")).not_to_have_value("")
    page.get_by_label("Type d'employeur").select_option(
        label="Entreprise inscrite uniquement au registre du commerce et des sociétés"
    )
    page.get_by_label("Employeur spécifique").select_option(label="Aucun de ces cas")
    page.get_by_label("Effectif total salariés de l'entreprise").fill("12")
    page.get_by_label("Courriel").fill("rh@boulangerie.fr")
    assert_accessible(page)
    validate_step(page)

    # 2 - Apprenti(e): a minor; the legal representative's step appears.
    expect(page.get_by_role("navigation", name="Étapes de la demande")).not_to_contain_text(
        "Représentant légal"
    )
    page.get_by_label("Nom de naissance de l'apprenti(e)").fill("MARTIN")
    page.get_by_label("Le premier prénom selon l'état civil").fill("Léa")
    page.get_by_label("Numéro de sécurité sociale (NIR)").fill(nir_for(birth))
    page.get_by_label("Voie").fill("3 RUE DU PONT")
    page.get_by_label("Code postal").fill("75012")
    page.get_by_label("Commune", exact=True).fill("PARIS")
    page.get_by_label("Courriel").fill("lea.martin@exemple.fr")
    page.get_by_label("Date de naissance").fill(iso(birth))
    page.get_by_label("Sexe").select_option("F")
    page.get_by_label("Département de naissance").fill("75")
    page.get_by_label("Commune de naissance").fill("PARIS")
    page.get_by_label("Nationalité").select_option(label="Française")
    page.get_by_label("Régime social").select_option(label="URSSAF")
    page.get_by_label("Situation avant ce contrat").select_option(label="Scolaire")
    page.get_by_label("Dernier diplôme ou titre préparé", exact=True).select_option(label="CAP")
    page.get_by_label("Dernière classe / année suivie").select_option(
        label="1re année du cycle validée"
    )
    page.get_by_label("Diplôme ou titre le plus élevé obtenu").select_option(
        label="Diplôme national du brevet"
    )
    assert_accessible(page)
    validate_step(page)

    # 3 - Représentant légal.
    expect(page.get_by_role("navigation", name="Étapes de la demande")).to_contain_text(
        "3 - Représentant légal"
    )
    page.get_by_label("Nom de naissance et prénom").fill("MARTIN Sophie")
    page.get_by_label("Même adresse que l'apprenti(e)").check()
    validate_step(page)

    # 4 - Maître(s) d'apprentissage.
    page.get_by_label("Nom de naissance").first.fill("BERNARD")
    page.get_by_label("Prénom").first.fill("Paul")
    page.get_by_label("Date de naissance").first.fill("1980-04-02")
    page.get_by_label("Emploi occupé").first.fill("Chef boulanger")
    page.get_by_label("Diplôme ou titre le plus élevé obtenu").first.fill("Brevet de maîtrise")
    page.get_by_label("Niveau de diplôme ou titre le plus élevé obtenu").first.select_option(
        label="Baccalauréat"
    )
    page.get_by_label(re.compile("^L'employeur atteste sur l'honneur")).check()
    assert_accessible(page)
    validate_step(page)

    # 5 - Contrat: the pay lines appear as the dates are typed; a date rule fails, then passes.
    page.get_by_label("Mode contractuel de l'apprentissage").select_option(label="À durée limitée")
    page.get_by_label("Type de contrat ou d'avenant").select_option(
        label="Premier contrat d'apprentissage de l'apprenti"
    )
    page.get_by_label("Date de conclusion (date des signatures du présent contrat)").fill(
        iso(start - timedelta(days=10))
    )
    page.get_by_label("Date de début d'exécution du contrat").fill(iso(start))
    page.get_by_label("Date de début de formation pratique chez l'employeur").fill(
        iso(start + timedelta(days=120))
    )
    page.get_by_label("Date de fin du contrat ou de la période d'apprentissage").fill(
        iso(add_years(start, 2) - timedelta(days=1))
    )
    page.get_by_label("Durée hebdomadaire du travail (heures)").fill("35")
    page.get_by_label("Caisse de retraite complémentaire").fill("AG2R")
    pay = page.locator("#pay-lines")
    expect(pay.get_by_role("rowheader", name="1.1")).to_be_visible()
    expect(pay).to_contain_text("27 % du SMIC")
    page.get_by_role("button", name="Valider l'étape").click()
    expect(
        page.get_by_text(re.compile("au plus tard 3 mois après le début du contrat"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date de début de formation pratique chez l'employeur").fill(iso(start))
    validate_step(page)

    # 6 - Formation: the CFA from the directory by its UAI.
    page.get_by_label("Rechercher le CFA dans le répertoire (SIRET, UAI ou nom)").fill(UAI)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Choisir CFA DES METIERS").click()
    expect(page.get_by_text("Le CFA CFA DES METIERS est repris du répertoire.")).to_be_visible()
    page.get_by_label("Diplôme ou titre visé par l'apprenti(e)").select_option(label="BTS")
    page.get_by_label("Intitulé précis").fill("BTS Management commercial opérationnel")
    page.get_by_label("Code RNCP").fill("RNCP38362")
    page.get_by_label("Date de début de formation en CFA").fill(iso(start + timedelta(days=7)))
    page.get_by_label("Date prévue de fin des épreuves ou examens").fill(
        iso(add_years(start, 2) - timedelta(days=30))
    )
    page.get_by_label("Durée de la formation (heures)").fill("1350")
    assert_accessible(page)
    validate_step(page)

    # 7 - Signatures: the pieces, then transmission.
    page.get_by_label("Fait à").fill("PARIS")
    page.get_by_label(re.compile("^L'employeur atteste disposer")).check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("CERFA signé — à joindre")).to_be_visible()
    attach(page, tmp_path, "CERFA signé", "CERFA signé")
    attach(page, tmp_path, "Convention de formation signée des trois parties", "Convention")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label(re.compile("^Je certifie l'exactitude")).check()
    page.get_by_role("button", name="Transmettre le contrat").click()
    expect(
        page.get_by_text(re.compile(r"transmis à l'OPCO sous le numéro \d{4}-CA-"))
    ).to_be_visible()
    expect(page.get_by_text("1.1")).to_be_visible()
    assert_accessible(page)
    dossier = Dossier.objects.get(kind="apprenticeship")
    assert dossier.state == "submitted"
    assert dossier.apprenticeship.guardian_name == "MARTIN Sophie"


def test_a_cfa_pre_enters_and_the_company_validates_with_the_keyboard(live_server, page, company):
    DelegationFactory(
        company=company["establishment"].company,
        delegate=company["cfa"].company,
        kind="cfa",
        can_view_training=False,
        apprenticeship=True,
    )
    cfa_user = MembershipFactory(
        company=company["cfa"].company, profile="provider", apprenticeship=True
    ).user
    dossier = ContractFactory(
        establishment=company["establishment"],
        created_by=cfa_user,
        provider_establishment=company["cfa"],
    )
    ApprenticeshipContract.objects.filter(dossier=dossier).update(entered_by_cfa=True)
    ready_to_transmit(dossier, cfa_user)

    sign_in(page, live_server, cfa_user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/signatures/")
    expect(page.get_by_role("button", name="Transmettre le contrat")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer à l'entreprise pour validation").click()
    expect(page.get_by_text("Le contrat est envoyé à l'entreprise")).to_be_visible()
    sign_out(page)

    # The company, with the keyboard only: the to-do list, the contract, its transmission.
    sign_in(page, live_server, company["user"].email)
    todo = page.get_by_role(
        "link", name="1 contrat saisi par votre CFA ou organisme de formation à valider"
    )
    tab_to(page, todo)
    page.keyboard.press("Enter")
    row_link = page.locator("tbody tr").first.get_by_role("link").first  # the draft's title
    tab_to(page, row_link)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("Contrat pré-saisi par le CFA"))).to_be_visible()
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name=re.compile("Signatures$")))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label(re.compile("^Je certifie l'exactitude")))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Transmettre le contrat"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("transmis à l'OPCO sous le numéro"))).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"


def test_a_cfa_under_mandate_transmits(live_server, page, company):
    DelegationFactory(
        company=company["establishment"].company,
        delegate=company["cfa"].company,
        kind="cfa",
        can_view_training=False,
        mandate=True,
    )
    cfa_user = MembershipFactory(
        company=company["cfa"].company, profile="provider", apprenticeship=True
    ).user
    dossier = ContractFactory(
        establishment=company["establishment"], provider_establishment=company["cfa"]
    )
    ready_to_transmit(dossier, cfa_user)
    sign_in(page, live_server, cfa_user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/signatures/")
    page.get_by_label(re.compile("^Je certifie l'exactitude")).check()
    page.get_by_role("button", name="Transmettre le contrat").click()
    expect(page.get_by_text(re.compile("transmis à l'OPCO sous le numéro"))).to_be_visible()
    assert_accessible(page)


def test_the_advisor_accepts_one_with_its_deposit_number_and_refuses_another(
    live_server, page, company
):
    accepted = ContractFactory(establishment=company["establishment"], submitted=True)
    refused = ContractFactory(establishment=company["establishment"], submitted=True)
    for dossier in (accepted, refused):
        ready_to_transmit(dossier)
    advisor = StaffProfile.objects.create(user=UserFactory(staff=True), role="advisor").user
    sign_in(page, live_server, advisor.email)
    page.goto(f"{live_server.url}/backoffice/dossiers/?kind=apprenticeship&sort=echeance")
    assert_accessible(page)
    page.get_by_role("link", name=accepted.number).click()
    expect(page.get_by_role("heading", name="Contrôles")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("N° de dépôt (DECA)").fill("075202609NC001")
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(
        page.get_by_text(re.compile("^Le numéro de contrat \\(dépôt\\) comporte 15"))
    ).to_be_visible()
    page.get_by_label("N° de dépôt (DECA)").fill("075202609NC0012")
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(page.get_by_text("Le dossier est accordé")).to_be_visible()
    expect(page.get_by_text("075202609NC0012", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/backoffice/dossiers/{refused.pk}/")
    page.get_by_label("Motif du refus").fill(
        "Le maître d'apprentissage ne remplit pas les conditions."
    )
    page.get_by_role("button", name="Refuser et envoyer le courrier de refus").click()
    expect(page.get_by_text("Le dossier est refusé")).to_be_visible()
    assert_accessible(page)
    sign_out(page)
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/dossiers/{accepted.pk}/?onglet=documents")
    expect(page.get_by_role("link", name="Courrier d'accord")).to_be_visible()


def test_the_company_declares_a_rupture_that_the_opco_records(live_server, page, company):
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_text("Déclarer une rupture du contrat").click()
    page.get_by_label("Date de la rupture").fill(iso(dossier.start_date - timedelta(days=3)))
    page.get_by_label("Motif").select_option(label="Rupture d'un commun accord")
    page.get_by_label("À l'initiative de").select_option(label="les deux parties")
    page.get_by_role("button", name="Déclarer la rupture").click()
    expect(page.get_by_text(re.compile("ne peut pas précéder le début du contrat"))).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date de la rupture").fill(iso(dossier.start_date + timedelta(days=40)))
    page.get_by_role("button", name="Déclarer la rupture").click()
    expect(page.get_by_text("La rupture est déclarée à l'OPCO")).to_be_visible()
    expect(page.get_by_text("Rupture du contrat déclarée")).to_be_visible()
    sign_out(page)
    advisor = StaffProfile.objects.create(user=UserFactory(staff=True), role="advisor").user
    sign_in(page, live_server, advisor.email)
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    page.get_by_role("button", name="Enregistrer la rupture").click()
    expect(page.get_by_text("La rupture est enregistrée")).to_be_visible()
    expect(page.locator(".details").first).to_contain_text("Rompu")
    assert_accessible(page)


def test_an_avenant_of_type_36_changes_the_maitre(live_server, page, company):
    dossier = ContractFactory(establishment=company["establishment"], approved=True)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    sign_in(page, live_server, company["user"].email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
    page.get_by_text("Créer un avenant").click()
    page.get_by_label("Type d'avenant").select_option("36")
    page.get_by_role("button", name="Créer l'avenant").click()
    expect(page.get_by_text("L'avenant est créé")).to_be_visible()
    expect(page.get_by_label(re.compile("^Numéro du contrat précédent"))).to_have_value(
        "075202609NC0012"
    )
    page.get_by_label("Si avenant, date d'effet").fill(iso(dossier.start_date + timedelta(days=90)))
    validate_step(page)
    page.get_by_role("link", name=re.compile("Maître\\(s\\) d'apprentissage$")).click()
    page.get_by_label("Nom de naissance").first.fill("DURAND")
    page.get_by_label("Prénom").first.fill("Anne")
    validate_step(page)
    amendment = Dossier.objects.exclude(pk=dossier.pk).get()
    page.goto(f"{live_server.url}/dossiers/{amendment.pk}/")
    changes = page.get_by_role("table", name="Ce que l'avenant change")
    expect(changes).to_contain_text("DURAND")
    expect(changes).to_contain_text("BERNARD")
    assert_accessible(page)
    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_text("Avenant (type 36)")).to_be_visible()
    assert_accessible(page)
