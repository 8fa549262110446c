"""« Exporter la liste (Excel) » in Chromium: from « Mes dossiers » filtered, the export page,
the file downloaded and read back, « Mes exports »."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_filtered_list_exported_and_downloaded(live_server, page, tmp_path):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    DossierFactory(establishment=establishment, approved=True, title="FORMATION ACCORDÉE")
    DossierFactory(establishment=establishment, title="BROUILLON")
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/?group=accordes")
    page.get_by_role("button", name="Exporter la liste (Excel)").click()
    expect(page.get_by_role("heading", name="Export Excel de mes dossiers")).to_be_visible()
    expect(page.get_by_text(re.compile("Votre export est prêt : 1 ligne"))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("mes-dossiers-")
    sheet = load_workbook(path).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "FORMATION ACCORDÉE"
    ]
    page.get_by_role("link", name="Mes exports").click()
    expect(page.get_by_role("cell", name="Prêt")).to_be_visible()
    assert_accessible(page)
