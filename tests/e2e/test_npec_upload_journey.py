"""« Référentiel des NPEC » in Chromium (issue 12): a manager uploads France compétences' file
in the back office, the worker imports it, and the page reports the rows kept and left out."""

import re

import pytest
from playwright.sync_api import expect

from monespace.referentials import npec_sample
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_imports_an_edition(live_server, page, tmp_path):
    path = tmp_path / "Referentiel-des-NPEC.xlsx"
    npec_sample.write(path, certifications=20, branches=3)
    manager = StaffProfileFactory(manager=True).user
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/backoffice/npec/")
    assert_accessible(page)
    page.get_by_label("Référentiel des NPEC (fichier Excel de France compétences)").set_input_files(
        str(path)
    )
    page.get_by_role("button", name="Importer le fichier").click()
    expect(page.get_by_text(re.compile("son import est en cours"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Referentiel-des-NPEC.xlsx .* Importé"))
    expect(row).to_contain_text("Importé")
    expect(row).to_contain_text("lignes écartées")
    assert_accessible(page)
