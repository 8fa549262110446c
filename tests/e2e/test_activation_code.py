"""The activation-code journey: the letter from the back office, the code entered by the future
administrator, the administration page."""

import re
import subprocess
import time

import pytest
from allauth.mfa.totp.internal.auth import hotp_value
from playwright.sync_api import expect

from tests.e2e.conftest import FACTORY_PASSWORD as PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import EstablishmentFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.second_factor]


def test_letter_code_makes_an_administrator(live_server, page, tmp_path, settings):
    settings.STAFF_REQUIRE_MFA = False  # this journey is about the administrator's second factor
    establishment = EstablishmentFactory(
        member=True, company__name="ATELIERS TEST", address="5 RUE DU PORT"
    )
    staff = UserFactory(staff=True, first_name="Ericka")
    future_admin = UserFactory(first_name="Marie")

    sign_in(page, live_server, staff.email)
    page.get_by_role("link", name="Back office").click()
    page.get_by_label("Rechercher une entreprise").fill(establishment.company.siren)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="ATELIERS TEST").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role(
            "button", name="Émettre le code et télécharger le courrier (Adhérent)"
        ).click()
    letter = tmp_path / "letter.pdf"
    download.value.save_as(letter)
    text = subprocess.run(
        ["pdftotext", str(letter), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "5 RUE DU PORT" in text and f"SIREN {establishment.company.siren}" in text
    code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", text).group(0)
    page.reload()
    expect(page.get_by_role("cell", name="En cours de validité")).to_be_visible()
    page.locator(".profile-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()

    sign_in(page, live_server, future_admin.email)
    page.goto(live_server.url + "/rattachements/")
    page.get_by_role("link", name="Saisir un code d'activation").click()
    assert_accessible(page)
    page.get_by_label("SIREN — prestataire").check()
    page.get_by_label("Code d'activation").fill(code)
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_text("Ce code correspond au profil « Adhérent »")).to_be_visible()
    expect(page.get_by_label("Code d'activation")).to_have_value(code)
    assert_accessible(page)
    page.get_by_label("SIREN — adhérent").check()
    page.get_by_role("button", name="Valider le code").click()
    expect(page.get_by_text("Vous êtes maintenant administrateur de ATELIERS TEST")).to_be_visible()

    # Administrator actions need a second factor: the portal asks for one right away.
    expect(
        page.get_by_text("protégez d'abord votre compte par une double authentification")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
    secret = page.locator("#authenticator_secret").input_value()
    counter = int(time.time()) // 30
    page.locator("input[name=code]").fill(f"{hotp_value(secret, counter):06d}")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile("totp/activate"))

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=re.compile("^Administrer")).first.click()
    expect(page.get_by_role("heading", name="ATELIERS TEST — Adhérent")).to_be_visible()
    expect(page.get_by_text("Vous êtes le seul administrateur")).to_be_visible()
    assert_accessible(page)
