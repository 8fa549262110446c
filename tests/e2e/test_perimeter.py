"""A user who manages several SIRENs chooses the perimeter they work in."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_choose_perimeter(live_server, page):
    user = UserFactory(first_name="Marie")
    MembershipFactory(user=user, company__name="PREMIERE SOCIETE", is_admin=True)
    MembershipFactory(user=user, company__name="SECONDE SOCIETE", is_admin=True)
    sign_in(page, live_server, user.email)
    assert_accessible(page)
    page.get_by_label("Entreprise", exact=True).select_option(
        label=page.locator("option", has_text="SECONDE").inner_text()
    )
    page.get_by_role("button", name="Choisir ce périmètre").click()
    expect(page.get_by_text("Périmètre : SECONDE SOCIETE")).to_be_visible()
    expect(page.get_by_text("PREMIERE SOCIETE — Adhérent")).to_have_count(0)
    assert_accessible(page)
    page.goto(live_server.url + "/administration/")
    expect(page.get_by_role("link", name="SECONDE SOCIETE — Adhérent")).to_be_visible()
    expect(page.get_by_role("link", name="PREMIERE SOCIETE — Adhérent")).to_have_count(0)
