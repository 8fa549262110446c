from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from monespace.core.errors import Forbidden
from monespace.core.mail import send_email

from .models import ContactRequest, SupportSession

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


@transaction.atomic
def contact_request_create(
    *, user: User | AnonymousUser | None = None, **fields: Any
) -> ContactRequest:
    """Keep the call-back request and acknowledge it by e-mail."""
    request = ContactRequest.objects.create(
        user=user if user and user.is_authenticated else None, **fields
    )
    send_email(to=request.email, template_prefix="emails/contact_ack", context={"contact": request})
    return request


@transaction.atomic
def contact_request_handle(*, actor: User, contact: ContactRequest) -> ContactRequest:
    contact.handled_at = timezone.now()
    contact.handled_by = actor
    contact.save(update_fields=["handled_at", "handled_by"])
    return contact


@transaction.atomic
def support_session_open(*, staff: User, user: User, reason: str) -> SupportSession:
    """Record the reason before the session starts; it lasts SUPPORT_SESSION_MINUTES at most.

    Every condition is checked with the record in place (it is what authorises the hijack); if
    one fails, nothing is recorded and ``Forbidden`` is raised."""
    from monespace.accounts.perms import can_support_access

    session = SupportSession.objects.create(
        staff=staff,
        user=user,
        reason=reason,
        expires_at=timezone.now() + timedelta(minutes=settings.SUPPORT_SESSION_MINUTES),
    )
    if not can_support_access(hijacker=staff, hijacked=user):
        raise Forbidden
    return session


def support_session_pending(*, staff: User, user: User) -> SupportSession | None:
    """The session just recorded for this pair, not started yet (it authorises the hijack)."""
    return (
        SupportSession.objects.filter(
            staff=staff,
            user=user,
            started_at__isnull=True,
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
