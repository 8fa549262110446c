"""« Mon espace » in Chromium (seed 003): the home page's menu loads with its live counts and
leads to the lists per dispositif; with the keyboard only; axe on the page with the menu."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in, tab_to
from tests.factories import (
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_home_menu_counts_and_leads_to_the_lists(live_server, page):
    establishment = EstablishmentFactory(member=True, company__name="MAGASINS DU CENTRE")
    user = MembershipFactory(
        company=establishment.company,
        can_view_training=True,
        can_edit_training=True,
        professionalisation=True,
    ).user
    DossierFactory(establishment=establishment, submitted=True, title="FORMATION TRANSMISE")
    ProContractFactory(establishment=establishment, submitted=True)
    sign_in(page, live_server, user.email)
    menu = page.get_by_role("navigation", name="Mon espace")
    expect(menu.get_by_role("link", name="Dossiers AF (1)")).to_be_visible()
    expect(menu.get_by_role("link", name="Contrat de professionnalisation")).to_be_visible()
    assert_accessible(page)
    link = menu.get_by_role("link", name="Contrats pro (1)")
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"dispositif=professionalisation"))
    expect(page.get_by_text("DURAND Hugo")).to_be_visible()
    expect(page.get_by_text("FORMATION TRANSMISE")).to_have_count(0)


def test_the_navigation_opens_the_menu_on_every_page(live_server, page):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    DossierFactory(establishment=establishment, submitted=True, title="FORMATION TRANSMISE")
    DossierFactory(establishment=establishment, title="MON BROUILLON")
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/aide/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.locator("summary", has_text="Mon espace").click()
    menu = page.get_by_role("navigation", name="Menu « Mon espace »")
    expect(menu.get_by_role("link", name="Brouillons (1)")).to_be_visible()
    expect(menu.get_by_role("link", name="Salariés")).to_be_visible()
    assert_accessible(page)
    # The list's count is what its link shows, the draft included (its « Tous » tab).
    menu.get_by_role("link", name="Dossiers AF (2)").click()
    expect(page.get_by_text("FORMATION TRANSMISE").first).to_be_visible()
    expect(page.get_by_text("MON BROUILLON").first).to_be_visible()
    # Without the fragment, the same entries as a page of their own.
    page.goto(f"{live_server.url}/mon-espace/")
    expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    assert_accessible(page)
