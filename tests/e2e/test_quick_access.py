"""A quick access created from a filtered list and shown on the home page with its count."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db(transaction=True)


def test_quick_access(live_server, page):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    for i, state in enumerate(["approved", "approved", "submitted"]):
        create_dossier(
            company=establishment.company,
            establishment=establishment,
            state=state,
            number=f"2026-AF-00030{i}",
        )
    sign_in(page, live_server, user.email)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Mes dossiers"
    ).click()
    page.get_by_role("link", name=re.compile(r"Accordé \(2\)")).click()
    page.get_by_label("Nom de l'accès rapide").fill("Dossiers accordés")
    page.get_by_role("button", name="Ajouter aux accès rapides").click()
    expect(page.get_by_text("L'accès rapide « Dossiers accordés » est ajouté")).to_be_visible()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Accueil"
    ).click()
    quick = page.get_by_role("region", name="Accès rapides")
    expect(quick.get_by_role("link", name="Dossiers accordés")).to_be_visible()
    expect(quick.locator(".badge-soft")).to_have_text("2")
    assert_accessible(page)
    page.get_by_role("link", name="Gérer mes accès rapides").click()
    assert_accessible(page)
    quick_link = page.get_by_role("link", name="Dossiers accordés")
    quick_link.click()
    expect(page.get_by_role("link", name=re.compile(r"Accordé \(2\)"))).to_have_attribute(
        "aria-current", "page"
    )
