"""Sign-in, password reset by e-mail, profile and security pages in Chromium, with axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import FACTORY_PASSWORD as PASSWORD
from tests.e2e.conftest import assert_accessible, last_mail_path, sign_in
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_password_then_sign_in(live_server, page):
    user = UserFactory(first_name="Marie")
    sign_in(page, live_server, user.email, "pas-le-bon-1", expect_home=False)
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.get_by_label("Votre e-mail")).to_have_value(user.email)
    assert_accessible(page)
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_label("Rester connecté").check()
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Marie")).to_be_visible()
    for name in ["Accueil", "Mes dossiers", "Mes factures", "Aide & contact"]:
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name=name
        ).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)


def test_forgotten_password_by_email(live_server, page):
    user = UserFactory()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Choisir mon mot de passe / Mot de passe oublié ?").click()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + last_mail_path("/accounts/password/reset/key/"))
    expect(page.get_by_role("heading", name="Changer votre mot de passe")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill("Nouveau-mdp-2026")
    page.get_by_label("Confirmer le nouveau mot de passe").fill("Nouveau-mdp-2026")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    user.refresh_from_db()
    assert user.check_password("Nouveau-mdp-2026")


def test_profile_consent_and_security_pages(live_server, page):
    user = UserFactory(first_name="Marie")
    MembershipFactory(user=user, company__name="BOULANGERIE TEST")
    sign_in(page, live_server, user.email)
    page.locator(".profile-menu summary").click()
    page.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_role("heading", name="Mon profil")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Téléphone").fill("pas un numéro")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Saisissez un numéro de téléphone")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Téléphone").fill("01 23 45 67 89")
    page.get_by_label("Règlement des dossiers").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()

    page.get_by_label("J'accepte que le support").check()
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_text("Vous avez donné votre accord le")).to_be_visible()
    page.get_by_label("J'accepte que le support").uncheck()
    page.get_by_role("button", name="Enregistrer mon choix").click()
    expect(page.get_by_text("Vous n'avez pas donné votre accord.")).to_be_visible()

    page.get_by_role("link", name="Changer mon mot de passe").click()
    assert_accessible(page)
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill("Encore-un-mdp-77")
    page.get_by_label("Confirmer le nouveau mot de passe").fill("Encore-un-mdp-77")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator(".alert").first).to_be_visible()

    page.goto(live_server.url + "/profil/")
    page.get_by_role("link", name="Mes sessions actives").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/profil/")
    page.get_by_role("link", name="Double authentification").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    # The owner of the account is told by e-mail that the password changed.
    assert any("mot de passe" in m.subject.lower() for m in mail.outbox), [
        m.subject for m in mail.outbox
    ]


def test_public_pages(live_server, page):
    for path in ["/aide/", "/donnees-personnelles/", "/accessibilite/", "/page-inconnue/"]:
        page.goto(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
