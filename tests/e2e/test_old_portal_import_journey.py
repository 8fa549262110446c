"""The take-over of the old portal in Chromium (issue 15, seed 002): once the OPCO has run
``import_old_portal_dossiers`` on the extract, a user of the company finds the transmitted
dossiers in « Mes dossiers » with their state (not the draft), opens one and reads its history
with the old portal's pieces, and finds the old RIBs in the history of « Coordonnées
bancaires », reached from « Mes factures »."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from monespace.dossiers import takeover
from monespace.organizations import importers
from monespace.organizations.models import Company
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(takeover.__file__).parent / "data" / "old-portal-sample"
ORGANIZATIONS = Path(importers.__file__).parent / "data"


def test_the_old_portal_dossiers_and_ribs_are_found(live_server, page):
    importers.import_sirene_legal_units(ORGANIZATIONS / "sirene-sample-unites-legales.csv")
    importers.import_sirene_establishments(ORGANIZATIONS / "sirene-sample-etablissements.csv")
    importers.import_opco_data(ORGANIZATIONS / "opco-sample.csv")
    out = io.StringIO()
    call_command("import_old_portal_dossiers", str(SAMPLE), stdout=out)
    assert "repris : 5" in out.getvalue()
    # Rights given by the company's administrator, as any user's.
    user = MembershipFactory(
        company=Company.objects.get(siren="802954784"),
        can_view_training=True,
        can_view_invoices=True,
    ).user

    sign_in(page, live_server, user.email)
    page.get_by_role("link", name="Mes dossiers").first.click()
    expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    closed = page.get_by_role("row", name=re.compile("DF-2023-04512"))
    expect(closed).to_contain_text("Clôturé")
    expect(closed).to_contain_text("HYGIÈNE ALIMENTAIRE")
    expect(page.get_by_role("row", name=re.compile("DF-2025-00093"))).to_contain_text(
        "En instruction"
    )
    expect(page.get_by_text("PÂTISSERIE DE BOUTIQUE")).to_have_count(0)  # the draft
    assert_accessible(page)

    closed.get_by_role("link", name="DF-2023-04512").click()
    expect(page.get_by_role("heading", name=re.compile("Dossier DF-2023-04512"))).to_be_visible()
    expect(page.locator(".details .status")).to_have_text("Clôturé")
    expect(page.get_by_text("Dossier repris de l'ancien portail")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Historique").click()
    history = page.locator("section[aria-labelledby='tab-title']")
    expect(history).to_contain_text("12/01/2023 16:40 — Dossier transmis")
    expect(history).to_contain_text("01/02/2023 11:30 — Dossier accordé")
    expect(history).to_contain_text(
        re.compile(
            r"Pièce reprise de l'ancien portail, non téléchargeable\s+— Programme détaillé : "
            r"programme-haccp\.pdf"
        )
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Documents")).click()
    expect(page.get_by_text(re.compile("n'ont pas été reprises avec leur fichier"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Coordonnées bancaires et historique").click()
    history = page.get_by_role("table", name="Historique")
    old = history.get_by_role("row", name=re.compile("FR76 •••• … 7879"))
    expect(old).to_contain_text("Repris de l'ancien portail")
    expect(old).to_contain_text("utilisé jusqu'au 31/05/2023")
    expect(old).to_contain_text("non téléchargeable")
    expect(page.get_by_text("FR76 3000 4008 1900 0123 4567 879")).to_have_count(0)
    assert_accessible(page)
