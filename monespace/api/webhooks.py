"""Webhooks: an organisation's software is called when one of its events happens (a contract
changes state, the OPCO asks for pieces, an invoice is paid).

Each call is a POST of the event as JSON, signed like this (docs/webhooks.md has a receiver):

    X-MonEspace-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

A delivery that does not get a 2xx is tried again by the task worker after 1, 2, 4, 8, 16
minutes…, ``MAX_ATTEMPTS`` times in all, then marked failed; every delivery is listed with its
last answer and may be sent again from the administration. Only HTTPS addresses on public
hosts are called (``WEBHOOKS_ALLOW_INSECURE`` lets a development or test server use HTTP on a
local address)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.errors import DomainError
from monespace.core.models import ActivityEvent
from monespace.organizations.enums import Profile

from .models import DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier
    from monespace.organizations.models import Company

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
TIMEOUT = 10  # seconds for each network operation
DEADLINE = 20  # seconds for the whole call
CLAIM = timedelta(seconds=DEADLINE * 3)  # an attempt in progress is nobody else's
MAX_ENDPOINTS = 5
SIGNATURE_HEADER = "X-MonEspace-Signature"


class WebhookError(DomainError):
    pass


def _public(address: str) -> bool:
    """A globally routable address, IPv6 forms that reach IPv4 (NAT64, 6to4, Teredo,
    IPv4-mapped or -compatible) judged by what they reach."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped.is_global
        if ip.sixtofour is not None or ip.teredo is not None:
            return False
        if any(ip in net for net in _TRANSLATED):
            return False
    return ip.is_global


_TRANSLATED = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
    ipaddress.ip_network("::/96"),
)


def check_url(url: str) -> list[str]:
    """An HTTPS address of a public host on port 443 or a high port (HTTP and local hosts only
    when allowed). Returns the addresses the host resolves to: the call connects to one of
    them, never resolving the name again (no DNS rebinding)."""
    parts = urlsplit(url)
    insecure = settings.WEBHOOKS_ALLOW_INSECURE
    if parts.scheme != "https" and not (insecure and parts.scheme == "http"):
        raise WebhookError(_("L'adresse doit commencer par https://."), field="url")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname or parts.username or parts.password or port == -1:
        raise WebhookError(_("Cette adresse n'est pas valide."), field="url")
    if not insecure and port is not None and port != 443 and port < 1024:
        raise WebhookError(
            _("Ce port ne peut pas être appelé (443 ou au-delà de 1023)."), field="url"
        )
    try:
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(parts.hostname, port or 443)})
    except (OSError, UnicodeError):
        raise WebhookError(_("Ce nom de serveur est introuvable."), field="url") from None
    if not addresses:
        raise WebhookError(_("Ce nom de serveur est introuvable."), field="url")
    if not insecure and not all(_public(a) for a in addresses):
        raise WebhookError(
            _("Cette adresse désigne un réseau privé : elle ne peut pas être appelée."),
            field="url",
        )
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, the certificate checked for the host name."""

    def __init__(self, host, port, *, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
    """One POST to ``address`` (already checked), within ``DEADLINE`` seconds in all: a
    receiver that answers byte by byte is cut off. Redirects are answers, never followed."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname, parts.port or (443 if https else 80), address=address, timeout=TIMEOUT
    )
    watchdog = threading.Timer(DEADLINE, connection.close)
    watchdog.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        return response.status
    finally:
        watchdog.cancel()
        connection.close()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


@transaction.atomic
def endpoint_create(
    *, actor: User, company: Company, profile: str, url: str, events: list[str]
) -> tuple[WebhookEndpoint, str]:
    check_url(url)
    events = [e for e in WebhookEvent.values if e in set(events)]
    if not events:
        raise WebhookError(_("Choisissez au moins un événement."), field="events")
    active = WebhookEndpoint.objects.filter(
        company=company, profile=profile, revoked_at__isnull=True
    )
    if active.count() >= MAX_ENDPOINTS:
        raise WebhookError(
            _("%(n)s adresses au plus : supprimez-en une avant d'en ajouter une autre.")
            % {"n": MAX_ENDPOINTS}
        )
    secret = "whsec_" + secrets.token_hex(24)
    endpoint = WebhookEndpoint.objects.create(
        company=company, profile=profile, url=url, events=events, secret=secret, created_by=actor
    )
    ActivityEvent.objects.create(
        actor=actor, object_type="webhook", object_id=endpoint.pk, action="created", message=url
    )
    return endpoint, secret


@transaction.atomic
def endpoint_revoke(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    if endpoint.revoked_at is None:
        endpoint.revoked_at = timezone.now()
        endpoint.save(update_fields=["revoked_at"])
        WebhookDelivery.objects.filter(endpoint=endpoint, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error="adresse supprimée"
        )
        ActivityEvent.objects.create(
            actor=actor, object_type="webhook", object_id=endpoint.pk, action="revoked"
        )
    return endpoint


def _enqueue(delivery_id: int, when=None) -> None:
    from django.tasks import default_task_backend

    from .tasks import deliver_webhook

    if when is not None and default_task_backend.supports_defer:
        deliver_webhook.using(run_after=when).enqueue(delivery_id=delivery_id)
    elif when is None:
        deliver_webhook.enqueue(delivery_id=delivery_id)
    # Else (a backend that cannot defer): `manage.py deliver_webhooks` picks it up when due.


def endpoints_for(targets: Iterable[tuple[int, str]]) -> list[WebhookEndpoint]:
    """The active endpoints of ``targets`` ((company id, profile)), in one query."""
    wanted = {(company_id, profile) for company_id, profile in targets if company_id}
    if not wanted:
        return []
    return [
        e
        for e in WebhookEndpoint.objects.filter(
            company_id__in=sorted({c for c, _p in wanted}), revoked_at__isnull=True
        )
        if (e.company_id, e.profile) in wanted
    ]


def emit(
    event: str,
    payload: dict[str, Any],
    targets: Iterable[tuple[int, str]],
    *,
    endpoints: list[WebhookEndpoint] | None = None,
) -> int:
    """Queue ``event`` for the endpoints of ``targets`` ((company id, profile)) that asked for
    it (``endpoints``: read already by the caller); sent after the transaction's commit.
    Returns the deliveries created."""
    targets = set(targets)
    if endpoints is None:
        endpoints = endpoints_for(targets)
    chosen = [e for e in endpoints if (e.company_id, e.profile) in targets and event in e.events]
    if not chosen:
        return 0
    body = {"evenement": event, "date": timezone.now().isoformat(), "donnees": payload}
    created = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event=event, payload=body) for e in chosen
    )
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return len(created)


def deliver(delivery_id: int) -> WebhookDelivery:
    """One attempt (idempotent: a delivery no longer pending, claimed by another attempt or not
    due yet is left). Whatever goes wrong is recorded as a failed attempt, never raised."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        if delivery.state != DeliveryState.PENDING:
            return delivery
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            return delivery
        if delivery.endpoint.revoked_at is not None:
            delivery.state, delivery.last_error = DeliveryState.FAILED, "adresse supprimée"
            delivery.save(update_fields=["state", "last_error"])
            return delivery
        delivery.attempts += 1
        # Claimed for longer than an attempt can last.
        delivery.next_attempt_at = timezone.now() + CLAIM
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = int(time.time())
    status, error = None, ""
    try:
        address = check_url(endpoint.url)[0]
        status = _post(
            endpoint.url,
            address,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "MonEspace-Webhooks/1",
                "X-MonEspace-Event": delivery.event,
                "X-MonEspace-Delivery": str(delivery.pk),
                SIGNATURE_HEADER: f"t={stamp},v1={sign(endpoint.secret, stamp, body)}",
            },
        )
    except WebhookError as failure:
        error = failure.message[:300]
    except Exception as failure:  # network, TLS, a malformed answer: a failed attempt
        error = (str(failure) or type(failure).__name__)[:300]
    now = timezone.now()
    values: dict[str, Any] = {"last_status": status, "last_error": error}
    if status is not None and 200 <= status < 300:
        values.update(state=DeliveryState.SUCCEEDED, delivered_at=now, next_attempt_at=None)
        values["last_error"] = ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        values.update(state=DeliveryState.FAILED, next_attempt_at=None)
    else:
        values["next_attempt_at"] = now + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    # Only if the attempt is still ours (not revoked, not taken again meanwhile).
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts
    ).update(**values)
    delivery.refresh_from_db()
    if updated and delivery.state == DeliveryState.PENDING:
        _enqueue(delivery.pk, when=delivery.next_attempt_at)
    return delivery


def deliver_due(now=None) -> int:
    """The deliveries due again (for a worker that was down, or a backend without deferral)."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        try:
            deliver(pk)
        except Exception:  # one broken delivery never holds the others back
            logger.exception("webhook delivery %s", pk)
    return len(due)


@transaction.atomic
def replay(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """« Renvoyer »: the same event again, as a new delivery (the first stays as it was)."""
    if delivery.endpoint.revoked_at is not None:
        raise WebhookError(_("Cette adresse a été supprimée."))
    copy = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint, event=delivery.event, payload=delivery.payload
    )
    transaction.on_commit(lambda: _enqueue(copy.pk))
    return copy


# --- The events -------------------------------------------------------------------------------


def _parties(dossier: Dossier) -> list[tuple[int, str]]:
    targets = [(dossier.company_id, Profile.MEMBER)]
    provider = dossier.provider_establishment
    if provider is not None:
        targets.append((provider.company_id, Profile.PROVIDER))
    return targets


def contract_state_changed(dossier: Dossier) -> None:
    from .contracts import STATES

    if dossier.kind != "apprenticeship" or dossier.state not in STATES:
        return
    emit(
        WebhookEvent.CONTRACT_STATE,
        {
            "numeroInterne": dossier.number,
            "etat": STATES[dossier.state],
            "dateMaj": dossier.updated_at.isoformat(),
        },
        _parties(dossier),
    )


def documents_requested(dossier: Dossier, pieces: list[str], due_on) -> None:
    emit(
        WebhookEvent.DOCUMENTS_REQUESTED,
        {
            "numeroInterne": dossier.number,
            "pieces": [str(p) for p in pieces],
            "dateLimite": due_on.isoformat() if due_on else None,
        },
        _parties(dossier),
    )


def invoice_paid(invoice, payment, *, endpoints: list[WebhookEndpoint] | None = None) -> None:
    emit(
        WebhookEvent.INVOICE_PAID,
        {
            "numeroInterneFacture": f"F{invoice.pk:08d}",
            "referenceFactureCFA": invoice.number,
            "numeroInterneDossier": invoice.dossier.number,
            "montantRegle": str(invoice.accepted_total),
            "referenceVirement": payment.end_to_end,
            "dateReglement": payment.run.execution_date.isoformat(),
        },
        [(invoice.payee_company_id, invoice.payee_profile)],
        endpoints=endpoints,
    )
