"""E-mail: rendered from templates, written in the transaction of the action that causes it
(``OutgoingEmail``), delivered by a background task after the commit and retried with a growing
delay while the mail server fails.

A failing mail server never breaks the user's action, and an acknowledged action never loses
its e-mail: the row is committed with it; the scheduler hands back to the queue what a lost
worker left (``retry_due_emails``); staff send again what failed for good.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .urls import absolute_url

__all__ = [
    "absolute_url",
    "deliver_email",
    "deliver_outgoing_email",
    "queue_email",
    "render_email",
    "send_email",
]

logger = logging.getLogger(__name__)


def render_email(template_prefix, context):
    """Render ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``."""
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "OPCO_NAME": settings.OPCO_NAME,
        "OPCO_PHONE": settings.OPCO_PHONE,
        "SITE_URL": settings.SITE_URL,
        **context,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return subject, body, html


def send_email(*, to, template_prefix, context):
    """Queue an e-mail: written now, in the current transaction, delivered once it commits."""
    subject, body, html = render_email(template_prefix, context)
    return queue_email(to=to, subject=subject, body=body, html=html)


def queue_email(*, to, subject, body, html=""):
    """Write the e-mail to deliver (an ``OutgoingEmail``) and deliver it after the commit: an
    action acknowledged to the user never loses its e-mail, and a rolled-back one sends none.
    The task's arguments hold the row's id only (never the text, which may carry a link)."""
    from .models import OutgoingEmail

    recipients = [to] if isinstance(to, str) else list(to)
    row = OutgoingEmail.objects.create(
        to=", ".join(recipients), subject=subject[:255], body=body, html=html
    )
    transaction.on_commit(lambda: deliver_outgoing_email.enqueue(pk=row.pk))
    return row


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8… minutes after the n-th failure, at most ``EMAIL_RETRY_MAX_DELAY``."""
    delay = timedelta(minutes=2 ** max(attempts - 1, 0))
    return min(delay, timedelta(seconds=settings.EMAIL_RETRY_MAX_DELAY))


@task()
def deliver_outgoing_email(*, pk):
    """Deliver one queued e-mail. Run twice, it sends once (the row is claimed, then marked
    sent); a failure schedules the next attempt, the last one marks it « En échec »."""
    from .models import EmailState, OutgoingEmail

    with transaction.atomic():
        row = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=EmailState.QUEUED)
            .first()
        )
        if row is None:
            return "skipped"
        message = EmailMultiAlternatives(
            subject=row.subject,
            body=row.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address.strip() for address in row.to.split(",") if address.strip()],
        )
        if row.html:
            message.attach_alternative(row.html, "text/html")
        now = timezone.now()
        try:
            message.send()
        except Exception as error:
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= settings.EMAIL_RETRY_MAX_ATTEMPTS:
                row.state, row.next_attempt_at = EmailState.FAILED, None
                logger.error("e-mail %s failed for good: %s", row.pk, row.last_error)
            else:
                row.next_attempt_at = now + retry_delay(row.attempts)
                due = row.next_attempt_at
                if deliver_outgoing_email.get_backend().supports_defer:
                    transaction.on_commit(
                        lambda: deliver_outgoing_email.using(run_after=due).enqueue(pk=row.pk)
                    )
                # Otherwise (or should that task be lost) the scheduler's ``retry_due_emails``
                # hands it back once due.
                logger.warning("e-mail %s not delivered (attempt %s)", row.pk, row.attempts)
            row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            return "failed"
        row.state, row.sent_at, row.next_attempt_at = EmailState.SENT, now, None
        row.attempts += 1
        row.save(update_fields=["state", "sent_at", "next_attempt_at", "attempts"])
        return "sent"


def retry_due_emails(*, now=None) -> int:
    """The scheduler's pass: e-mails whose next attempt is due (or queued long ago with no
    attempt, their task lost with a worker) are handed to the queue again. Returns how many."""
    from .models import EmailState, OutgoingEmail

    now = now or timezone.now()
    lost = now - timedelta(minutes=10)
    due = list(
        OutgoingEmail.objects.filter(state=EmailState.QUEUED)
        .filter(
            models.Q(next_attempt_at__lte=now)
            | models.Q(next_attempt_at__isnull=True, created_at__lte=lost)
        )
        .values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        deliver_outgoing_email.enqueue(pk=pk)
    return len(due)


def email_resend(*, pk) -> bool:
    """« Renvoyer » an e-mail in failure: queued again, attempts from zero."""
    from .models import EmailState, OutgoingEmail

    with transaction.atomic():
        updated = OutgoingEmail.objects.filter(pk=pk, state=EmailState.FAILED).update(
            state=EmailState.QUEUED, attempts=0, next_attempt_at=None, last_error=""
        )
        if updated:
            transaction.on_commit(lambda: deliver_outgoing_email.enqueue(pk=pk))
    return bool(updated)


def erase_sent_emails(*, now=None) -> int:
    """Erase the text of e-mails delivered more than ``EMAIL_TEXT_RETENTION_DAYS`` ago (a
    welcome or reset link never stays in the database); to whom, what and when stay."""
    from .models import EmailState, OutgoingEmail

    now = now or timezone.now()
    limit = now - timedelta(days=settings.EMAIL_TEXT_RETENTION_DAYS)
    return OutgoingEmail.objects.filter(
        state=EmailState.SENT, sent_at__lte=limit, erased_at__isnull=True
    ).update(body="", html="", erased_at=now)


@task()
def deliver_email(*, to, subject, body, html=""):
    """Kept for the tasks queued before the outgoing e-mails' table: deliver through it."""
    queue_email(to=to, subject=subject, body=body, html=html)
    return len(to) if isinstance(to, list) else 1


class OutboxBackend(BaseEmailBackend):
    """Developer backend: keeps every message in the database, readable at /dev/outbox/."""

    def send_messages(self, email_messages):
        from .models import OutboxMessage

        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            stored = OutboxMessage.objects.create(
                to=", ".join(message.to), subject=message.subject, body=message.body, html=html
            )
            logger.info("e-mail %s stored in the developer outbox", stored.pk)
        return len(email_messages)
