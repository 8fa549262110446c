"""« Webhooks » in Chromium: the CFA's administrator registers its software's address (the
secret shown once), a contract of the CFA changes state and the signed call arrives, the
delivery is listed with its answer and sent again with « Renvoyer »."""

import re

import pytest
from playwright.sync_api import expect

from monespace.dossiers import lifecycle
from tests.api.test_webhooks import Receiver
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import ContractFactory, EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_webhook_registered_called_and_replayed(live_server, page):
    receiver = Receiver([])
    try:
        cfa = EstablishmentFactory(provider=True, uai="0751234J", company__name="CFA DES METIERS")
        admin = MembershipFactory(company=cfa.company, profile="provider", is_admin=True).user
        sign_in(page, live_server, admin.email)
        page.goto(f"{live_server.url}/administration/")
        page.get_by_role("link", name=re.compile("CFA DES METIERS")).first.click()
        page.get_by_role("link", name="Webhooks").click()
        assert_accessible(page)
        page.get_by_label("Adresse à appeler (HTTPS)").fill(receiver.url)
        page.get_by_label(re.compile("Un contrat change d'état")).check()
        page.get_by_role("button", name="Enregistrer l'adresse").click()
        expect(page.get_by_text(re.compile("Copiez le secret de signature"))).to_be_visible()
        secret = page.get_by_label("Secret de signature (HMAC-SHA256)").input_value()
        assert secret.startswith("whsec_")
        assert_accessible(page)
        # A contract naming the CFA is taken into instruction: the software is called.
        contract = ContractFactory(provider_establishment=cfa, submitted=True)
        lifecycle.transition(actor=UserFactory(staff=True), dossier=contract, action="assign")
        assert len(receiver.received) == 1
        headers, body = receiver.received[0]
        assert headers["x-monespace-event"] == "contrat.etat"
        assert contract.number.encode() in body
        page.goto(page.url)  # the secret is gone; the delivery is listed
        expect(page.get_by_text(secret)).to_have_count(0)
        row = page.locator('table[aria-labelledby="deliveries-title"] tbody tr').first
        expect(row).to_contain_text("Reçu")
        expect(row).to_contain_text("HTTP 200")
        page.get_by_role("button", name=re.compile("Renvoyer")).click()
        expect(page.get_by_text("L'événement est renvoyé.")).to_be_visible()
        assert len(receiver.received) == 2
        assert_accessible(page)
    finally:
        receiver.close()
