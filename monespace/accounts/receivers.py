"""Record security events raised by Django and allauth. No personal data is logged."""

from allauth.account import signals as account_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.utils import timezone

from .enums import SecurityEventKind
from .services import security_event_record


@receiver(auth_signals.user_logged_in)
def on_login(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEventKind.LOGIN, user=user)


@receiver(auth_signals.user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEventKind.LOGOUT, user=user)


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs):
    _stamp_password(user)
    security_event_record(kind=SecurityEventKind.PASSWORD_CHANGED, user=user)


@receiver(account_signals.password_set)
def on_password_set(sender, request, user, **kwargs):
    _stamp_password(user)
    security_event_record(kind=SecurityEventKind.PASSWORD_SET, user=user)


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    _stamp_password(user)
    security_event_record(kind=SecurityEventKind.PASSWORD_RESET, user=user)


@receiver(account_signals.email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    user.email = to_email_address.email
    user.save(update_fields=["email"])
    security_event_record(kind=SecurityEventKind.EMAIL_CHANGED, user=user)


def _stamp_password(user):
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password_changed_at"])
