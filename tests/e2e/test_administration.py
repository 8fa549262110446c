"""An administrator handles access requests and rights in Chromium; the requester sees the effect."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, last_mail_path, sign_in, sign_out
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_accepted_with_rights_and_another_refused(live_server, page):
    establishment = EstablishmentFactory(
        member=True, member_number="12927.001", company__name="BOULANGERIE TEST"
    )
    admin = MembershipFactory(
        company=establishment.company, is_admin=True, user__first_name="Marie"
    ).user
    requester = UserFactory(first_name="Hugo", last_name="Bernard")
    refused = MembershipFactory(
        company=establishment.company, pending=True, user__last_name="Refusé"
    ).user

    # Hugo asks to be attached from "Mes rattachements".
    sign_in(page, live_server, requester.email)
    page.goto(live_server.url + "/rattachements/")
    page.get_by_role("radio", name="Adhérent").check()
    page.get_by_label("SIRET / SIREN").fill(establishment.siret)
    page.get_by_label(re.compile("^Numéro adhérent")).fill("12927.001")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    expect(page.get_by_role("cell", name="En attente", exact=True)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Marie is told by e-mail, opens the administration and accepts with chosen rights.
    assert mail.outbox[-1].to == [admin.email]
    sign_in(page, live_server, admin.email)
    expect(page.locator(".bell .badge")).to_have_text("1")
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(
        page.locator("strong", has_text="Demande de rattachement à BOULANGERIE TEST")
    ).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + last_mail_path("/administration/"))
    page.get_by_role("link", name=re.compile("BOULANGERIE TEST")).click()
    expect(page.get_by_text("Vous êtes le seul administrateur")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Traiter la demande de Hugo Bernard").click()
    assert_accessible(page)
    page.get_by_label("Les établissements choisis (SIRET)").check()
    page.get_by_label(re.compile(establishment.siret)).check()
    page.get_by_label("Saisir les actions de formation").check()
    page.get_by_role("button", name="Accepter la demande").click()
    expect(page.get_by_text("La demande est acceptée")).to_be_visible()

    # ... and refuses the other one, after forgetting the reason once.
    page.get_by_role("link", name=re.compile("Traiter la demande de .*Refusé")).click()
    page.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_text("Indiquez le motif du refus.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Motif du refus").fill("Personne inconnue dans l'entreprise")
    page.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_text("La demande est refusée")).to_be_visible()
    assert mail.outbox[-1].to == [refused.email]
    assert "Personne inconnue" in mail.outbox[-1].body

    # Marie then changes Hugo's rights: they take effect at once.
    page.get_by_role("link", name="Modifier les droits de Hugo Bernard").click()
    page.get_by_label("Consulter les factures et règlements").check()
    page.get_by_role("button", name="Enregistrer les droits").click()
    expect(page.get_by_text("Les droits sont enregistrés")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, requester.email)
    page.goto(live_server.url + "/rattachements/")
    expect(page.get_by_role("cell", name="Active", exact=True)).to_be_visible()
    expect(page.get_by_text("saisir les actions de formation")).to_be_visible()
    expect(page.get_by_text("consulter les factures et règlements")).to_be_visible()
    expect(page.get_by_text(establishment.siret)).to_be_visible()
    assert_accessible(page)


def test_an_invited_person_creates_an_account_and_lands_with_the_rights(live_server, page):
    from tests.e2e.test_signup_journeys import choose_password, fill_identity

    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE INVITANTE")
    admin = MembershipFactory(
        company=establishment.company, is_admin=True, user__first_name="Marie"
    ).user
    sign_in(page, live_server, admin.email)
    page.goto(live_server.url + "/administration/")
    page.get_by_role("link", name=re.compile("BOULANGERIE INVITANTE")).click()
    invite = page.get_by_role("region", name="Inviter une personne")
    invite.get_by_label("Adresse e-mail").fill("claire.dupont@boulangerie.fr")
    invite.get_by_label("Nom", exact=True).fill("Dupont")
    invite.get_by_label("Prénom").fill("Claire")
    invite.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Donnez au moins un droit")).to_be_visible()
    expect(invite.get_by_label("Nom", exact=True)).to_have_value("Dupont")
    assert_accessible(page)
    invite.get_by_label("Saisir les actions de formation").check()
    invite.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("L'invitation est envoyée")).to_be_visible()
    expect(page.get_by_text("claire.dupont@boulangerie.fr")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Claire follows the e-mail's link and creates her account through the usual journey.
    assert mail.outbox[-1].to == ["claire.dupont@boulangerie.fr"]
    page.goto(live_server.url + last_mail_path("/inscription/"))
    fill_identity(page, "claire.dupont@boulangerie.fr")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Vous êtes reconnu(e) en tant que contact")).to_be_visible()
    page.get_by_role("button", name="Terminer").click()
    choose_password(page, live_server)
    expect(page.get_by_role("heading", name="Bonjour Claire")).to_be_visible()
    expect(page.get_by_text("BOULANGERIE INVITANTE", exact=True)).to_be_visible()
    page.locator(".profile-menu summary").click()
    page.get_by_role("link", name="Mes rattachements", exact=True).click()
    expect(page.get_by_text("saisir les actions de formation")).to_be_visible()
