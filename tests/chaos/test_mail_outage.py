"""Fault test (issue 16): the mail server down for ten minutes.

A real SMTP server (tests/chaos/_smtp.py) is stopped: the e-mails the portal writes meanwhile
are refused, each attempt recorded with the next one 1, 2, 4, 8 minutes later — nothing lost,
nothing given up. The ten minutes pass on a moved clock (the schedule reads
``timezone.now``). Once the server is back, each e-mail is delivered once it is due, once, even
with two schedulers' passes at the same moment (two threads: each e-mail is sent under its
row's lock). An e-mail past its last attempt is shown to staff with the server's answer.

Run: ``DB=pg .venv/bin/pytest -m chaos tests/chaos/test_mail_outage.py`` (docs/operations.md).
"""

import html
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from monespace.core.mail import queue_email, retry_due_emails
from monespace.core.models import EmailState, OutgoingEmail
from tests.chaos._smtp import SmtpSink
from tests.chaos._worker import needs_postgres
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.chaos


@pytest.fixture(autouse=True)
def _both_apps_serving():
    """These tests run their own SMTP server, not the multi-server topology that the folder's
    conftest.py starts for its tests: its fixture is replaced here."""


@pytest.fixture
def smtp(settings):
    """The portal's mail server: a real SMTP server on 127.0.0.1, not started (down)."""
    sink = SmtpSink()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "use_tls": False, "timeout": 5},
        }
    }
    yield sink
    sink.stop()


class Clock:
    """``timezone.now`` as the test moves it."""

    def __init__(self):
        self.start = self.now = timezone.now()

    def at(self, minutes: float) -> None:
        self.now = self.start + timedelta(minutes=minutes)

    def __enter__(self):
        self._patch = mock.patch("django.utils.timezone.now", lambda: self.now)
        self._patch.start()
        return self

    def __exit__(self, *exc):
        self._patch.stop()


def subjects(n):
    return [f"Votre demande n°{i}" for i in range(1, n + 1)]


@pytest.mark.django_db(transaction=True)
def test_ten_minutes_without_mail_server_every_email_delivered_once(smtp):
    needs_postgres()
    with Clock() as clock:
        with transaction.atomic():  # written with the user's action; delivered at the commit
            for subject in subjects(5):
                queue_email(to="claire@exemple.fr", subject=subject, body="Bonjour")
        rows = OutgoingEmail.objects.order_by("pk")
        seen = {row.pk: [row.next_attempt_at] for row in rows}
        # Ten minutes down; the scheduler passes every minute.
        for minute in range(1, 11):
            clock.at(minute)
            retry_due_emails()
            for row in rows.all():
                if row.next_attempt_at != seen[row.pk][-1]:
                    seen[row.pk].append(row.next_attempt_at)

        # Attempts at 0, 1, 3 and 7 minutes, each failure dated with the next one; none lost.
        assert smtp.delivered == []
        expected = [clock.start + timedelta(minutes=m) for m in (1, 3, 7, 15)]
        for row in rows.all():
            assert (row.state, row.attempts) == (EmailState.QUEUED, 4)
            assert row.last_error.startswith("ConnectionRefusedError")
            assert seen[row.pk] == expected

        # The server is back: nothing is sent before its time (no hammering a recovering
        # server), then each e-mail once, though two passes run at the same moment.
        smtp.start()
        smtp.delay = 0.2  # a slow answer: both passes are at work on the same e-mails
        clock.at(12)
        assert retry_due_emails() == 0
        clock.at(15)
        together = threading.Barrier(2)
        handed = []

        def scheduler_pass():
            try:
                together.wait(10)
                handed.append(retry_due_emails())
            finally:
                connection.close()

        passes = [threading.Thread(target=scheduler_pass) for _ in range(2)]
        for thread in passes:
            thread.start()
        for thread in passes:
            thread.join(60)

    assert sum(handed) >= 5  # both passes saw e-mails to send
    assert sorted(smtp.subjects()) == sorted(subjects(5))
    assert set(rows.values_list("state", "attempts")) == {(EmailState.SENT, 5)}
    assert retry_due_emails(now=clock.start + timedelta(hours=1)) == 0
    assert len(smtp.delivered) == 5


@pytest.mark.django_db
def test_an_email_past_its_last_attempt_is_shown_to_staff_with_the_reason(smtp, settings, client):
    settings.EMAIL_RETRY_MAX_ATTEMPTS = 3
    with Clock() as clock, TestCase.captureOnCommitCallbacks(execute=True):
        row = queue_email(to="lea@exemple.fr", subject="Votre lien de connexion", body="…")
    for minute in (1, 3):
        with Clock() as clock, TestCase.captureOnCommitCallbacks(execute=True):
            clock.at(minute)
            retry_due_emails()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.next_attempt_at) == (EmailState.FAILED, 3, None)

    client.force_login(StaffProfileFactory(support=True).user)
    page = html.unescape(client.get(reverse("backoffice:operations")).content.decode())
    failed = page[page.index("E-mails en échec") : page.index("</table>")]
    assert "Votre lien de connexion" in failed and "ConnectionRefusedError" in failed
    # Sent again by staff once the server is back: delivered, once.
    smtp.start()
    for _ in range(2):
        client.post(reverse("backoffice:email_send_again", args=[row.pk]))
    assert smtp.subjects() == ["Votre lien de connexion"]
