"""« Importer une liste » of trainees in Chromium (issue 15): a CSV with a bad row, the preview
with the error on that row, the list corrected in the text box, the confirmation, the trainees
in the list; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "Nom;Prénom;Date de naissance;Heures sur le temps de travail;Heures hors temps de travail"


def test_import_a_list_with_a_bad_row_correct_it_and_add_the_trainees(live_server, page):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = DossierFactory(establishment=establishment, training__duration_hours=14)
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/salaries/")
    expect(page.get_by_role("heading", name="Importer une liste")).to_be_visible()
    csv = (
        f"{HEADER}\nAUBERT;Léa;04/05/1990;7;0\nBLANC;Paul;31/02/1990;7;0\nCOLIN;Zoé;01/01/1985;7;0\n"
    ).encode("cp1252")
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(
        files=[{"name": "salaries.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.get_by_role("button", name="Prévisualiser la liste").click()

    expect(page.get_by_role("heading", name="Aperçu de la liste")).to_be_visible()
    bad = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="3", exact=True))
    expect(bad).to_contain_text("BLANC")
    expect(bad).to_contain_text("Date de naissance : Saisissez une date valide.")
    expect(page.get_by_role("alert").filter(has_text="Ligne 3 — Date de naissance")).to_be_visible()
    expect(page.get_by_role("button", name="Ajouter les 2 salariés")).to_be_visible()
    assert_accessible(page)
    assert dossier.trainees.count() == 0

    # The corrected list pasted in the text box (it holds the list as read).
    box = page.get_by_label("Ou collez les lignes copiées depuis votre tableur")
    expect(box).to_have_value(re.compile("BLANC;Paul;31/02/1990"))
    box.fill(
        f"{HEADER}\nAUBERT;Léa;04/05/1990;7;0\nBLANC;Paul;28/02/1990;7;0\nCOLIN;Zoé;01/01/1985;7;0\n"
    )
    page.get_by_role("button", name="Prévisualiser la liste").click()
    expect(page.get_by_text("3 salariés prêts à être inscrits")).to_be_visible()
    expect(page.get_by_text("Saisissez une date valide.")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Ajouter les 3 salariés").click()

    expect(page.get_by_text("3 salariés sont inscrits.")).to_be_visible()
    trainees = page.get_by_role("table", name="Salariés inscrits")
    for name in ("AUBERT Léa", "BLANC Paul", "COLIN Zoé"):
        expect(trainees).to_contain_text(name)
    assert dossier.trainees.count() == 3
    assert_accessible(page)
