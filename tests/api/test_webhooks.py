"""Webhooks (issue 14): an administrator registers an address (the signing secret shown once);
a contract's change of state, a documents request and a payment are sent there, signed
(HMAC-SHA256 over « timestamp.body », checked here with openssl, an independent
implementation); a receiver that fails twice gets the delivery on the third try; « Renvoyer »
sends it again; only HTTPS public addresses are accepted in production."""

import html
import json
import re
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.api.models import WebhookDelivery, WebhookEndpoint
from monespace.api.webhooks import deliver
from monespace.dossiers import lifecycle
from tests.factories import ContractFactory, EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


class Receiver:
    """A local HTTP server answering the statuses given, in order, and keeping what it got."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                outer.received.append((headers, body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver([500, 500])
    yield server
    server.close()


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    return {"establishment": establishment, "company": establishment.company, "admin": admin}


def page_url(company):
    return reverse("www:webhooks", args=[company["company"].pk, "member"])


def openssl_hmac(secret: str, message: bytes) -> str:
    done = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret],
        input=message,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().strip().split("= ")[-1]


def test_a_signed_event_is_delivered_after_two_failures_and_replayed(
    client, company, receiver, django_capture_on_commit_callbacks
):
    client.force_login(company["admin"])
    response = client.post(
        page_url(company), {"url": receiver.url, "events": ["contrat.etat", "facture.payee"]}
    )
    assert response.status_code == 302
    page = text(client.get(page_url(company)))
    secret = re.search(r'value="(whsec_[0-9a-f]+)"', page).group(1)
    assert "ne sera plus jamais affiché" in page
    assert secret not in text(client.get(page_url(company)))  # shown once
    endpoint = WebhookEndpoint.objects.get()

    contract = ContractFactory(establishment=company["establishment"], submitted=True)
    staff = UserFactory(staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(actor=staff, dossier=contract, action="assign")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at > timezone.now()
    # Not due yet: nothing is sent.
    deliver(delivery.pk)
    assert len(receiver.received) == 1
    for expected in (("pending", 2), ("succeeded", 3)):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        delivery = deliver(delivery.pk)
        assert (delivery.state, delivery.attempts) == expected
    # What was received: the event, signed.
    headers, body = receiver.received[-1]
    assert headers["x-monespace-event"] == "contrat.etat"
    payload = json.loads(body)
    assert payload["donnees"] == {
        "numeroInterne": contract.number,
        "etat": "EN_COURS_INSTRUCTION",
        "dateMaj": payload["donnees"]["dateMaj"],
    }
    stamp, signature = re.fullmatch(
        r"t=(\d+),v1=([0-9a-f]{64})", headers["x-monespace-signature"]
    ).groups()
    assert openssl_hmac(secret, f"{stamp}.".encode() + body) == signature
    assert openssl_hmac("whsec_wrong", f"{stamp}.".encode() + body) != signature
    # The deliveries are listed; « Renvoyer » sends the event again.
    page = text(client.get(page_url(company)))
    assert "Reçu" in page and "3 tentatives" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("www:webhook_replay", args=[company["company"].pk, "member", delivery.pk])
        )
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(state="succeeded").count() == 2
    assert len(receiver.received) == 4
    # An event the address did not ask for, and a deleted address: nothing sent.
    client.post(reverse("www:webhook_revoke", args=[company["company"].pk, "member", endpoint.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(actor=staff, dossier=contract, action="approve")
    assert WebhookDelivery.objects.count() == 2


def test_only_https_public_addresses_in_production(client, company, settings):
    settings.WEBHOOKS_ALLOW_INSECURE = False
    client.force_login(company["admin"])
    for url, message in [
        ("http://logiciel.exemple.fr/hook", "https://"),
        ("https://127.0.0.1/hook", "réseau privé"),
        ("https://10.1.2.3/hook", "réseau privé"),
        ("ftp://logiciel.exemple.fr/hook", "https://"),
        ("https://user:pass@logiciel.exemple.fr/hook", "pas valide"),
    ]:
        response = client.post(page_url(company), {"url": url, "events": ["contrat.etat"]})
        assert response.status_code == 400 and message in text(response), url
    response = client.post(page_url(company), {"url": "https://logiciel.exemple.fr/hook"})
    assert response.status_code == 400 and "au moins un événement" in text(response)
    assert not WebhookEndpoint.objects.exists()


def test_who_manages_the_webhooks(client, company):
    url = page_url(company)
    client.force_login(MembershipFactory(company=company["company"]).user)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory(is_admin=True).user)
    assert client.get(url).status_code == 404


def test_a_broken_or_private_receiver_never_stops_the_others(company, settings):
    """A malformed answer is a failed attempt (never an exception that stops the queue); an
    address that resolves to a private network at the time of the call is not called; a
    deleted address is not called again."""
    import socket

    from monespace.api.webhooks import deliver_due, emit

    good = Receiver([])
    bad_server = socket.socket()
    bad_server.bind(("127.0.0.1", 0))
    bad_server.listen(5)

    def answer_garbage():
        for _ in range(3):
            try:
                conn, _addr = bad_server.accept()
            except OSError:
                return
            conn.recv(65536)
            conn.sendall(b"NOT-HTTP garbage\r\n\r\n")
            conn.close()

    threading.Thread(target=answer_garbage, daemon=True).start()
    try:
        admin = company["admin"]
        broken = WebhookEndpoint.objects.create(
            company=company["company"],
            profile="member",
            url=f"http://127.0.0.1:{bad_server.getsockname()[1]}/hook",
            events=["contrat.etat"],
            secret="whsec_a",
            created_by=admin,
        )
        fine = WebhookEndpoint.objects.create(
            company=company["company"],
            profile="member",
            url=good.url,
            events=["contrat.etat"],
            secret="whsec_b",
            created_by=admin,
        )
        emit("contrat.etat", {"numeroInterne": "X"}, [(company["company"].pk, "member")])
        WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert deliver_due() == 2
        states = dict(WebhookDelivery.objects.values_list("endpoint_id", "state"))
        assert states == {broken.pk: "pending", fine.pk: "succeeded"}
        failed = WebhookDelivery.objects.get(endpoint=broken)
        assert failed.attempts == 1 and failed.last_error
        # Deleted: the pending delivery is not tried again.
        from monespace.api.webhooks import endpoint_revoke

        endpoint_revoke(actor=admin, endpoint=broken)
        WebhookDelivery.objects.filter(pk=failed.pk).update(state="pending", next_attempt_at=None)
        assert deliver(failed.pk).state == "failed"
        # In production, a name that resolves to a private address is refused at call time.
        settings.WEBHOOKS_ALLOW_INSECURE = False
        WebhookEndpoint.objects.filter(pk=fine.pk).update(url="https://localhost:8443/hook")
        emit("contrat.etat", {"numeroInterne": "Y"}, [(company["company"].pk, "member")])
        pending = WebhookDelivery.objects.filter(endpoint=fine, state="pending").get()
        attempt = deliver(pending.pk)
        assert attempt.state == "pending" and "réseau privé" in attempt.last_error
        assert len(good.received) == 1
    finally:
        good.close()
        bad_server.close()


def test_ipv6_forms_of_private_addresses_are_refused(settings):
    from monespace.api.webhooks import WebhookError, check_url

    settings.WEBHOOKS_ALLOW_INSECURE = False
    for url in (
        "https://[64:ff9b::7f00:1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[2002:7f00:1::1]/hook",
        "https://[::1]/hook",
        "https://93.184.215.14:25/hook",
    ):
        with pytest.raises(WebhookError):
            check_url(url)
