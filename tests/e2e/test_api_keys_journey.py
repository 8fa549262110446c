"""« Clés API » in Chromium: the administrator creates a key for the CFA's software, copies it
(shown once), the software calls the API with it, the administrator sees the use and revokes
it."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def test_a_key_created_used_and_revoked(live_server, page):
    cfa = EstablishmentFactory(provider=True, uai="0751234J", company__name="CFA DES METIERS")
    admin = MembershipFactory(company=cfa.company, profile="provider", is_admin=True).user
    sign_in(page, live_server, admin.email)
    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name=re.compile("CFA DES METIERS")).first.click()
    page.get_by_role("link", name="Clés API").click()
    assert_accessible(page)
    page.get_by_label("Nom de la clé").fill("YPAREO — Rennes")
    page.get_by_label("Éditeur du logiciel").fill("Ymag")
    page.get_by_label("Logiciel", exact=True).fill("YPAREO")
    page.get_by_label("Lire les contrats et les dossiers").check()
    page.get_by_role("button", name="Créer la clé").click()
    expect(page.get_by_text(re.compile("Copiez-la maintenant"))).to_be_visible()
    secret = page.get_by_label("Clé à saisir dans le logiciel").input_value()
    assert secret.startswith("mesp_")
    assert_accessible(page)
    # The software calls the API with it.
    response = Client().get("/api/v1/contrats/", HTTP_X_API_KEY=secret, **HEADERS)
    assert response.status_code == 200 and response.json()["count"] == 0
    page.goto(page.url)  # coming back: the secret is gone
    expect(page.get_by_text(secret)).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("YPAREO — Rennes"))).to_contain_text("1 appel")
    page.get_by_role("button", name=re.compile("Révoquer")).click()
    expect(page.get_by_text(re.compile("est révoquée"))).to_be_visible()
    assert Client().get("/api/v1/contrats/", HTTP_X_API_KEY=secret, **HEADERS).status_code == 401
