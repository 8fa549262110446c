"""« Aide & contact » in Chromium with the keyboard only (Tab and Enter, never a click): a
signed-in user opens the help from the main navigation, searches « brouillon », opens the
guide found and follows a step's link to the real page; axe on the help page, the results and
the guide."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import FACTORY_PASSWORD, assert_accessible, tab_to
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in_with_keyboard(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    tab_to(page, page.get_by_label("Votre e-mail"))
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("Votre mot de passe"))
    page.keyboard.type(FACTORY_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Bonjour"))).to_be_visible()


def test_search_the_help_then_follow_a_guide_to_the_drafts(live_server, page):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    DossierFactory(establishment=establishment, title="FORMATION HYGIÈNE EN BROUILLON")
    DossierFactory(establishment=establishment, submitted=True, title="FORMATION TRANSMISE")
    sign_in_with_keyboard(page, live_server, user.email)

    # « Aide & contact » from the main navigation.
    navigation = page.get_by_role("navigation", name="Navigation principale")
    tab_to(page, navigation.get_by_role("link", name="Aide & contact"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Aide & contact")).to_be_visible()
    expect(page.get_by_role("heading", name="Guides pratiques")).to_be_visible()
    assert_accessible(page)

    # Search « brouillon » in the labelled field; Enter submits the plain GET form.
    tab_to(page, page.get_by_label("Rechercher dans l'aide"))
    page.keyboard.type("brouillon")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/aide/\?q=brouillon#resultats$"))
    results = page.locator("#resultats")
    expect(
        results.get_by_role("heading", name=re.compile(r"résultats pour « brouillon »"))
    ).to_be_visible()
    expect(results.locator("mark").first).to_have_text(re.compile("brouillon", re.I))
    assert_accessible(page)

    # The guide found, opened from the results.
    tab_to(page, results.get_by_role("link", name="Dossiers et brouillons"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Dossiers et brouillons")).to_be_visible()
    drafts_section = page.get_by_role("region", name="Reprendre ou supprimer un brouillon")
    expect(drafts_section.get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_role("link", name="Retour à l'aide").first).to_be_visible()
    assert_accessible(page)

    # A step's link leads to the real page: the drafts of « Mes dossiers ».
    tab_to(page, drafts_section.get_by_role("link", name="Voir mes brouillons"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dossiers/\?group=brouillons$"))
    expect(page.get_by_role("heading", level=1, name="Mes dossiers")).to_be_visible()
    states = page.get_by_role("navigation", name="États des dossiers")
    expect(states.get_by_role("link", name=re.compile(r"^Brouillons"))).to_have_attribute(
        "aria-current", "page"
    )
    expect(
        page.get_by_role("link", name="FORMATION HYGIÈNE EN BROUILLON", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("FORMATION TRANSMISE")).to_have_count(0)


def test_the_faq_and_the_search_messages_are_accessible(live_server, page):
    """A visitor who cannot sign in reads the FAQ and the search's messages (public pages)."""
    page.goto(live_server.url + "/aide/?q=xylophone")
    expect(page.get_by_role("heading", name="Aucun résultat pour « xylophone »")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/aide/?q=" + "brouillon+" * 25)
    expect(page.get_by_text(re.compile("Votre recherche est trop longue"))).to_be_visible()
    expect(page.get_by_label("Rechercher dans l'aide")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.goto(live_server.url + "/aide/questions-frequentes/")
    question = page.get_by_role(
        "heading", level=3, name="Mon code n'est plus valide. Comment faire ?"
    )
    expect(question).to_be_visible()
    assert_accessible(page)
