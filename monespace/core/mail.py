"""E-mail: rendered from templates, delivered by a background task after the commit.

A failing mail server never breaks the user's action: delivery runs in a task, after the
transaction that triggered it has committed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from .urls import absolute_url

__all__ = ["absolute_url", "deliver_email", "render_email", "send_email"]

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
    """Queue an e-mail for delivery once the current transaction commits."""
    subject, body, html = render_email(template_prefix, context)
    recipients = [to] if isinstance(to, str) else list(to)
    transaction.on_commit(
        lambda: deliver_email.enqueue(to=recipients, subject=subject, body=body, html=html)
    )


@task()
def deliver_email(*, to, subject, body, html=""):
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    return len(to)


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
