"""A training-action request in Chromium: four steps, draft, out-of-order entry, transmission,
documents, print, the 30-trainee limit and duplication, a view-only user, the provider's view."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from monespace.dossiers.models import Dossier, Employee, Trainee
from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def add_trainee(page, last_name):
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom", exact=True).fill("Claire")
    page.get_by_label("Date de naissance").fill("1988-03-14")
    page.get_by_label("Heures sur le temps de travail").last.fill("21")
    page.get_by_role("button", name="Créer et inscrire").click()
    expect(page.get_by_text("Le salarié est inscrit")).to_be_visible()


def attach(page, tmp_path, piece_label, title):
    path = tmp_path / f"{title}.pdf"
    path.write_bytes(PDF)
    page.get_by_label("Fichier").set_input_files(str(path))
    page.get_by_label("Type de pièce").select_option(label=piece_label)
    page.get_by_label("Titre du document").fill(title)
    page.get_by_role("button", name="Joindre le fichier").click()
    expect(page.get_by_text("Le document est joint au dossier.")).to_be_visible()


def test_request_from_draft_to_transmitted(live_server, page, tmp_path):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    provider = EstablishmentFactory(
        provider=True, company__name="FORMAPRO CONSEIL", name="FORMAPRO CONSEIL", city="BORDEAUX"
    )
    editor = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    of_user = MembershipFactory(company=provider.company, profile="provider", is_admin=True).user
    viewer = MembershipFactory(company=establishment.company, can_view_training=True).user

    sign_in(page, live_server, editor.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name="Nouvelle demande").click()
    assert_accessible(page)
    page.get_by_role("button", name="Commencer la saisie").click()

    # Step 1: the provider is found by SIRET in the directory.
    expect(page.get_by_role("heading", name="Action de formation")).to_be_visible()
    page.get_by_label("Rechercher un organisme de formation (nom ou SIRET)").fill(provider.siret)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("button", name="Choisir FORMAPRO CONSEIL").click()
    expect(page.get_by_label("Nom de l'organisme")).to_have_value("FORMAPRO CONSEIL")
    assert_accessible(page)
    page.get_by_label("Intitulé de la formation").fill("PILOTER LA FORMATION")
    page.get_by_role("button", name="Enregistrer et quitter").click()

    # Resume from Brouillons, then fill the steps out of order: trainees before the dates.
    expect(page.get_by_role("link", name=re.compile(r"Brouillons \(1\)"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="PILOTER LA FORMATION", exact=True).click()  # the title links
    page.get_by_role("link", name="3 - Salariés").click()
    for name in ["MARTIN", "DURAND", "PETIT"]:
        add_trainee(page, name)
    assert_accessible(page)
    page.get_by_role("link", name="1 - Formation").click()
    page.get_by_label("Durée (heures)").fill("21")
    start = date.today() + timedelta(days=60)
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au", exact=True).fill((start + timedelta(days=30)).isoformat())
    page.get_by_label("Modalité").select_option(label="Présentiel")
    page.get_by_label("Coûts pédagogiques (HT)").fill("2020")
    page.get_by_role("button", name="Valider l'étape").click()
    expect(page.get_by_role("heading", name="Modules complémentaires")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="4 - Envoi").click()

    # Step 4: what is missing is listed with links; documents complete it.
    expect(page.get_by_text("Pour transmettre le dossier, il manque")).to_be_visible()
    assert_accessible(page)
    attach(page, tmp_path, "Programme détaillé", "Programme")
    attach(page, tmp_path, "Convention de formation ou devis signé", "Convention signée")
    expect(page.get_by_text("Pour transmettre le dossier, il manque")).to_have_count(0)
    page.get_by_label("Je certifie l'exactitude").check()
    page.get_by_role("button", name="Transmettre").click()
    expect(page.get_by_text(re.compile(r"transmis sous le numéro \d{4}-AF-\d{6}"))).to_be_visible()
    assert_accessible(page)
    number = Dossier.objects.get().number

    # Found under « En cours »; a document attached afterwards; printed.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("link", name=re.compile(r"En cours \(1\)")).click()
    page.get_by_role("link", name=number).click()
    page.get_by_role("link", name=re.compile("^Documents")).click()
    attach(page, tmp_path, "Feuilles d'émargement", "Emargement")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Imprimer le dossier").click()
    assert download.value.suggested_filename == f"dossier-{number}.pdf"

    # Duplicate with one trainee.
    page.get_by_role("link", name="Dupliquer").click()
    page.get_by_label(re.compile("PETIT")).check()
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.get_by_label("Intitulé de la formation")).to_have_value("PILOTER LA FORMATION")
    page.get_by_role("link", name="3 - Salariés").click()
    expect(page.get_by_role("cell", name="PETIT Claire", exact=True)).to_be_visible()
    sign_out(page)

    # A view-only user sees the dossier but cannot enter.
    sign_in(page, live_server, viewer.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    expect(page.get_by_role("link", name="Nouvelle demande")).to_have_count(0)
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("link", name="Reprendre la saisie")).to_have_count(0)
    sign_out(page)

    # The training organisation sees it under its provider profile.
    sign_in(page, live_server, of_user.email)
    page.goto(live_server.url + "/dossiers/?profile=provider")
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=re.compile(number))).to_be_visible()
    assert_accessible(page)


def test_thirty_first_trainee_is_refused(live_server, page):
    establishment = EstablishmentFactory(member=True)
    editor = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = create_dossier(
        company=establishment.company, establishment=establishment, title="GRAND GROUPE"
    )
    for i in range(30):
        employee = Employee.objects.create(
            company=establishment.company,
            last_name=f"NOM{i:02d}",
            first_name="A",
            birth_date=date(1990, 1, 1),
        )
        Trainee.objects.create(dossier=dossier, employee=employee)
    sign_in(page, live_server, editor.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/salaries/")
    # At 30 the ways to add a 31st are gone (issue 15): duplicating is offered on the step.
    expect(page.get_by_text("au plus 30 salariés par dossier")).to_be_visible()
    expect(page.get_by_text("dupliquez-le")).to_be_visible()
    expect(page.get_by_role("button", name="Créer et inscrire")).to_have_count(0)
    expect(page.get_by_role("button", name="Prévisualiser la liste")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Dupliquer ce dossier").click()
    expect(page.get_by_text("Le dossier est dupliqué")).to_be_visible()
    copy = Dossier.objects.get(duplicated_from=dossier)
    assert copy.title == "GRAND GROUPE" and not copy.trainees.exists()
    assert dossier.trainees.count() == 30
