"""Both first-login journeys in Chromium, as a user clicks through them, with axe on each page."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from monespace.organizations.models import Membership
from tests.e2e.conftest import assert_accessible, last_mail_path
from tests.factories import EstablishmentFactory, KnownContactFactory

pytestmark = pytest.mark.django_db(transaction=True)


def fill_identity(page, email, *, consent=True):
    page.get_by_label("Madame").check()
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Adresse e-mail").fill(email)
    if consent:
        page.get_by_label("La connexion « en tant que » permet").check()


def choose_password(page, live_server, password="Lilas-fleuri-2026"):
    page.goto(live_server.url + last_mail_path("/inscription/activer/"))
    expect(page.get_by_role("heading", name="Changer votre mot de passe")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill("court")
    expect(page.locator("[data-rule=length]")).not_to_have_class("met")
    page.get_by_label(re.compile("^Nouveau mot de passe")).fill(password)
    expect(page.locator("[data-rule=length]")).to_have_class("met")
    expect(page.locator("[data-rule=digit]")).to_have_class("met")
    page.get_by_label("Confirmer le nouveau mot de passe").fill(password)
    expect(page.get_by_text("Les mots de passe correspondent.")).to_be_visible()
    page.get_by_role("button", name="Changer le mot de passe").click()


def test_known_contact_journey(live_server, page):
    contact = KnownContactFactory(email="claire.dupont@boulangerie.fr", can_view_training=True)
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Créer mon compte").click()
    assert_accessible(page)
    fill_identity(page, "claire.dupont@boulangerie.fr")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Merci pour votre inscription")).to_be_visible()
    expect(page.get_by_text("Vous êtes reconnu(e) en tant que contact")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Terminer").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")

    assert mail.outbox[-1].subject.startswith("Bienvenue sur Mon Espace")
    choose_password(page, live_server)
    expect(page.get_by_role("heading", name="Bonjour Claire")).to_be_visible()
    expect(page.get_by_role("heading", name="Vos coordonnées")).to_be_visible()
    expect(page.get_by_text(contact.establishment.company.name, exact=True)).to_be_visible()
    assert_accessible(page)
    page.locator(".profile-menu summary").click()
    page.get_by_role("link", name="Mes rattachements", exact=True).click()
    expect(page.get_by_role("cell", name="Active")).to_be_visible()
    expect(page.get_by_text("consulter les actions de formation")).to_be_visible()
    assert_accessible(page)

    # Then the user logs out and back in with the chosen password.
    page.locator(".profile-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Votre e-mail").fill("claire.dupont@boulangerie.fr")
    page.get_by_label("Votre mot de passe").fill("Lilas-fleuri-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Bonjour Claire")).to_be_visible()


def test_new_user_journey_with_mistakes(live_server, page):
    establishment = EstablishmentFactory(member=True, member_number="12927.001")
    EstablishmentFactory(closed=True, member=True)
    page.goto(live_server.url + "/inscription/")
    fill_identity(page, "claire.durand@masociete.fr", consent=False)
    page.get_by_role("button", name="Suivant").click()

    expect(page.get_by_role("heading", name="Vos thématiques d'information")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Instruction des dossiers").check()
    page.get_by_role("button", name="Suivant").click()

    expect(page.get_by_role("heading", name="Je suis rattaché(e) à")).to_be_visible()
    page.get_by_label("Adhérent").check()
    page.get_by_label("SIRET / SIREN").fill(
        establishment.siret[:-1] + str((int(establishment.siret[-1]) + 1) % 10)
    )
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("clé de contrôle incorrecte")).to_be_visible()
    assert_accessible(page)

    # "Précédent" and back: nothing typed is lost.
    page.get_by_role("button", name="Précédent").click()
    expect(page.get_by_label("Instruction des dossiers")).to_be_checked()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("SIRET / SIREN").fill(establishment.siret)
    page.get_by_role("button", name="Suivant").click()

    expect(
        page.get_by_role(
            "heading", name="Renseignez votre numéro adhérent / organisme de formation"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Numéro adhérent / organisme de formation").fill("12927.999")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Ce numéro ne correspond pas")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Numéro adhérent / organisme de formation").fill("12927.001")
    page.get_by_role("button", name="Suivant").click()

    expect(page.get_by_role("heading", name="Merci pour votre inscription")).to_be_visible()
    assert_accessible(page)
    choose_password(page, live_server)
    expect(page.get_by_text("en attente de validation par l'administrateur")).to_be_visible()
    membership = Membership.objects.get(user__email="claire.durand@masociete.fr")
    assert membership.status == "pending"


def test_unknown_and_closed_establishments(live_server, page):
    unknown = EstablishmentFactory()
    closed = EstablishmentFactory(closed=True, member=True)
    page.goto(live_server.url + "/inscription/")
    fill_identity(page, "nouvelle@inconnue.fr")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Adhérent").check()
    page.get_by_label("SIRET / SIREN").fill(closed.siret)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Cet établissement est fermé")).to_be_visible()
    expect(page.get_by_role("link", name="Contactez l'OPCO")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("SIRET / SIREN").fill(unknown.siret)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Renseignez votre IDCC")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("IDCC").fill("12A")
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator("#id_idcc_error")).to_contain_text("4 chiffres")
    page.get_by_label("IDCC").fill("9998")
    page.get_by_role("button", name="Suivant").click()
    expect(page.locator("#id_idcc_error")).to_contain_text("ne figure pas dans la liste")
    # The agreement's title appears as the IDCC is typed.
    page.get_by_label("IDCC").fill("1486")
    expect(page.locator("#idcc-title")).to_contain_text("Syntec")
    assert_accessible(page)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name="Merci pour votre inscription")).to_be_visible()


def test_password_rules_and_expired_link(live_server, page, settings):
    KnownContactFactory(email="paul.martin@exemple.fr")
    page.goto(live_server.url + "/inscription/")
    fill_identity(page, "paul.martin@exemple.fr")
    page.get_by_role("button", name="Suivant").click()
    page.goto(live_server.url + last_mail_path("/inscription/activer/"))
    for password, message in [
        ("azerty123", "trop courant"),
        ("motdepassesanschiffre", "1 chiffre et 1 lettre"),
    ]:
        page.get_by_label(re.compile("^Nouveau mot de passe")).fill(password)
        page.get_by_label("Confirmer le nouveau mot de passe").fill(password)
        page.get_by_role("button", name="Changer le mot de passe").click()
        expect(page.get_by_text(message)).to_be_visible()
        assert_accessible(page)

    settings.SIGNUP_LINK_MAX_AGE = -1  # every link is now too old
    page.goto(live_server.url + last_mail_path("/inscription/activer/"))
    expect(
        page.get_by_role("heading", name="Ce lien a expiré ou n'est plus valable")
    ).to_be_visible()
    assert_accessible(page)
    sent = len(mail.outbox)
    page.get_by_role("button", name="Recevoir un nouveau lien").click()
    expect(page.get_by_text("un nouveau lien vient d'être envoyé")).to_be_visible()
    assert len(mail.outbox) == sent + 1
