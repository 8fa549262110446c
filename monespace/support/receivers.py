"""Start and end of « connexion en tant que » sessions (django-hijack signals)."""

from django.dispatch import receiver
from django.utils import timezone
from hijack.signals import hijack_ended, hijack_started

from .models import SupportSession
from .services import support_session_pending

SESSION_KEY = "support_session"


@receiver(hijack_started)
def on_started(sender, request, hijacker, hijacked, **kwargs):
    record = support_session_pending(staff=hijacker, user=hijacked)
    if record is not None:
        record.started_at = timezone.now()
        record.save(update_fields=["started_at"])
        request.session[SESSION_KEY] = record.pk


@receiver(hijack_ended)
def on_ended(sender, request, hijacker, hijacked, **kwargs):
    SupportSession.objects.filter(staff=hijacker, user=hijacked, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    request.session.pop(SESSION_KEY, None)
