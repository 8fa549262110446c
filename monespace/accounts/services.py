"""Writes on accounts. Each takes the acting user where there is one and records the event."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from .enums import NotificationTheme, SecurityEventKind
from .models import SecurityEvent, User

logger = logging.getLogger(__name__)


def security_event_record(*, kind: SecurityEventKind, user: User | None = None) -> SecurityEvent:
    event = SecurityEvent.objects.create(kind=kind, user=user)
    logger.info("security event %s user=%s", kind, user.pk if user else "-")
    return event


@transaction.atomic
def user_register(
    *,
    email: str,
    civility: str,
    first_name: str,
    last_name: str,
    themes: Iterable[str],
    support_consent: bool,
) -> User:
    """Create an account without a password; the welcome link lets its owner choose one."""
    user = User.objects.create_user(
        email=email,
        civility=civility,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        notification_themes=[t for t in themes if t in NotificationTheme.values],
        support_access_consent_at=timezone.now() if support_consent else None,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    if support_consent:
        security_event_record(kind=SecurityEventKind.SUPPORT_CONSENT_GIVEN, user=user)
    return user


@transaction.atomic
def user_verify_email(*, user: User) -> User:
    updated = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=False
    ).update(verified=True)
    if updated:
        security_event_record(kind=SecurityEventKind.EMAIL_VERIFIED, user=user)
    return user


@transaction.atomic
def user_set_password(
    *, user: User, password: str, kind: SecurityEventKind = SecurityEventKind.PASSWORD_SET
) -> User:
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    security_event_record(kind=kind, user=user)
    return user


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    civility: str,
    first_name: str,
    last_name: str,
    phone: str,
    themes: Iterable[str],
) -> User:
    user.civility = civility
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone.strip()
    user.notification_themes = [t for t in themes if t in NotificationTheme.values]
    user.save(update_fields=["civility", "first_name", "last_name", "phone", "notification_themes"])
    return user


@transaction.atomic
def user_set_support_consent(*, user: User, consent: bool) -> User:
    """Give or withdraw consent to "connexion en tant que" by support or advisors."""
    if consent and user.support_access_consent_at is None:
        user.support_access_consent_at = timezone.now()
        user.save(update_fields=["support_access_consent_at"])
        security_event_record(kind=SecurityEventKind.SUPPORT_CONSENT_GIVEN, user=user)
    elif not consent and user.support_access_consent_at is not None:
        user.support_access_consent_at = None
        user.save(update_fields=["support_access_consent_at"])
        security_event_record(kind=SecurityEventKind.SUPPORT_CONSENT_WITHDRAWN, user=user)
    return user
