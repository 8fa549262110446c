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
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
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

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier
    from monespace.organizations.models import Company

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
TIMEOUT = 10  # seconds for the receiver to answer
MAX_ENDPOINTS = 5
SIGNATURE_HEADER = "X-MonEspace-Signature"


class WebhookError(DomainError):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx), never followed: it could lead to a private address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def check_url(url: str) -> str:
    """An HTTPS address of a public host (HTTP and local hosts only when allowed)."""
    parts = urlsplit(url)
    insecure = settings.WEBHOOKS_ALLOW_INSECURE
    if parts.scheme != "https" and not (insecure and parts.scheme == "http"):
        raise WebhookError(_("L'adresse doit commencer par https://."), field="url")
    if not parts.hostname or parts.username or parts.password:
        raise WebhookError(_("Cette adresse n'est pas valide."), field="url")
    if not insecure:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
        except (OSError, UnicodeError):
            raise WebhookError(_("Ce nom de serveur est introuvable."), field="url") from None
        if not addresses or not all(ipaddress.ip_address(a).is_global for a in addresses):
            raise WebhookError(
                _("Cette adresse désigne un réseau privé : elle ne peut pas être appelée."),
                field="url",
            )
    return url


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


def emit(event: str, payload: dict[str, Any], targets: Iterable[tuple[int, str]]) -> int:
    """Queue ``event`` for the endpoints of ``targets`` ((company id, profile)) that asked for
    it; sent after the transaction's commit. Returns the deliveries created."""
    wanted = {(company_id, profile) for company_id, profile in targets if company_id}
    if not wanted:
        return 0
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(
            company_id__in=sorted({c for c, _p in wanted}), revoked_at__isnull=True
        )
        if (e.company_id, e.profile) in wanted and event in e.events
    ]
    body = {"evenement": event, "date": timezone.now().isoformat(), "donnees": payload}
    created = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event=event, payload=body) for e in endpoints
    )
    for delivery in created:
        transaction.on_commit(lambda pk=delivery.pk: _enqueue(pk))
    return len(created)


def deliver(delivery_id: int) -> WebhookDelivery:
    """One attempt (idempotent: a delivery no longer pending, or not due yet, is left)."""
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
        delivery.attempts += 1
        # Claimed: a second worker waiting on the lock finds it not due.
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=TIMEOUT * 3)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    stamp = int(time.time())
    status, error = None, ""
    try:
        check_url(endpoint.url)
        request = urllib.request.Request(  # noqa: S310 — scheme and host checked above
            endpoint.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "MonEspace-Webhooks/1",
                "X-MonEspace-Event": delivery.event,
                "X-MonEspace-Delivery": str(delivery.pk),
                SIGNATURE_HEADER: f"t={stamp},v1={sign(endpoint.secret, stamp, body)}",
            },
        )
        with OPENER.open(request, timeout=TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as failure:
        status, error = failure.code, str(failure.reason)[:300]
    except (urllib.error.URLError, OSError, WebhookError) as failure:
        error = str(getattr(failure, "reason", failure))[:300]
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryState.SUCCEEDED,
            timezone.now(),
            None,
        )
        delivery.last_error = ""
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.next_attempt_at = timezone.now() + FIRST_RETRY * 2 ** (delivery.attempts - 1)
    delivery.save(
        update_fields=["state", "last_status", "last_error", "delivered_at", "next_attempt_at"]
    )
    if delivery.state == DeliveryState.PENDING:
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
        deliver(pk)
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
    if dossier.provider_establishment_id:
        targets.append((dossier.provider_establishment.company_id, Profile.PROVIDER))  # type: ignore[union-attr]
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


def invoice_paid(invoice, payment) -> None:
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
    )
