"""Outgoing e-mails (issue 16): written with the action that causes them, delivered once,
retried with a growing delay while the mail server fails, « En échec » after the last attempt
for staff to send again; their text erased after delivery; the periodic jobs claimed once."""

import html
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from monespace.core import schedule
from monespace.core.mail import (
    deliver_outgoing_email,
    erase_sent_emails,
    queue_email,
    retry_delay,
    retry_due_emails,
    send_email,
)
from monespace.core.models import EmailState, OutgoingEmail, PeriodicRun
from tests.factories import MembershipFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def committed(fn, *args, **kwargs):
    """Call ``fn`` then run the on-commit callbacks (the deliveries), as a request's end would."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


def text(response):
    return html.unescape(response.content.decode())


def refusing(times):
    """The test mail backend's sending, refusing ``times`` messages first (server down)."""
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    left = {"times": times}

    def send_messages(self, messages):
        if left["times"] > 0:
            left["times"] -= 1
            raise smtplib.SMTPServerDisconnected("Connexion refusée")
        return original(self, messages)

    return mock.patch.object(EmailBackend, "send_messages", send_messages)


def test_an_email_is_written_with_its_action_and_delivered_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_email(to="lea@exemple.fr", subject="Bonjour", body="Texte", html="<p>Texte</p>")
        assert mail.outbox == []  # not before the commit
    row.refresh_from_db()
    assert row.state == EmailState.SENT and row.attempts == 1 and row.sent_at
    assert [m.to for m in mail.outbox] == [["lea@exemple.fr"]]
    assert mail.outbox[0].alternatives[0][0] == "<p>Texte</p>"


def test_a_rolled_back_action_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(
            to="lea@exemple.fr",
            template_prefix="emails/notice",
            context={"recipient": None, "subject": "S", "body": "B", "url": "/"},
        )
        raise RuntimeError
    assert mail.outbox == [] and not OutgoingEmail.objects.exists()


def test_run_twice_it_sends_once():
    row = committed(queue_email, to="lea@exemple.fr", subject="Une fois", body="x")
    assert deliver_outgoing_email.call(pk=row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_failing_server_is_retried_with_a_growing_delay_then_delivered(settings):
    with refusing(2):
        row = committed(queue_email, to="lea@exemple.fr", subject="Relance", body="x")
        row.refresh_from_db()
        assert (row.state, row.attempts) == (EmailState.QUEUED, 1)
        assert "Connexion refusée" in row.last_error
        first_wait = row.next_attempt_at - timezone.now()
        assert timedelta(seconds=50) < first_wait <= timedelta(minutes=1)
        # The scheduler hands it back when due; the server still refuses once, then accepts.
        later = timezone.now() + timedelta(minutes=2)
        assert committed(retry_due_emails, now=later) == 1
        row.refresh_from_db()
        assert row.attempts == 2 and row.next_attempt_at - timezone.now() > timedelta(minutes=1)
        assert committed(retry_due_emails, now=timezone.now() + timedelta(minutes=5)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (EmailState.SENT, 3)
    assert len(mail.outbox) == 1
    assert retry_delay(1) == timedelta(minutes=1) and retry_delay(3) == timedelta(minutes=4)
    settings.EMAIL_RETRY_MAX_DELAY = 600
    assert retry_delay(12) == timedelta(minutes=10)


def test_after_the_last_attempt_staff_see_it_failed_and_send_it_again(client, settings):
    settings.EMAIL_RETRY_MAX_ATTEMPTS = 2
    with refusing(5):
        row = committed(
            queue_email, to="inconnu@exemple.fr", subject="Votre lien", body="lien secret"
        )
        committed(retry_due_emails, now=timezone.now() + timedelta(hours=1))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (EmailState.FAILED, 2)
    # A company user does not see the page; staff do, without the e-mail's text.
    user = MembershipFactory().user
    client.force_login(user)
    assert client.get(reverse("backoffice:operations")).status_code == 404
    assert client.post(reverse("backoffice:email_send_again", args=[row.pk])).status_code == 404
    client.force_login(StaffProfileFactory(support=True).user)
    page = text(client.get(reverse("backoffice:operations")))
    assert "Votre lien" in page and "inconnu@exemple.fr" in page and "Connexion refusée" in page
    assert "lien secret" not in page
    response = client.post(reverse("backoffice:email_send_again", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == EmailState.SENT and len(mail.outbox) == 1
    # Twice: nothing more.
    client.post(reverse("backoffice:email_send_again", args=[row.pk]))
    assert len(mail.outbox) == 1
    assert client.post(reverse("backoffice:email_send_again", args=[99999])).status_code == 302


def test_a_lost_task_is_handed_back_and_the_text_erased_after_delivery(settings):
    row = OutgoingEmail.objects.create(to="lea@exemple.fr", subject="Perdu", body="lien")
    assert retry_due_emails() == 0  # queued a minute ago: its task may still come
    assert committed(retry_due_emails, now=timezone.now() + timedelta(minutes=11)) == 1
    row.refresh_from_db()
    assert row.state == EmailState.SENT
    assert erase_sent_emails() == 0
    assert erase_sent_emails(now=timezone.now() + timedelta(days=8)) == 1
    row.refresh_from_db()
    assert (row.body, row.subject, row.erased_at is not None) == ("", "Perdu", True)


def test_periodic_jobs_run_when_due_and_once(monkeypatch):
    calls = []
    job = schedule.Job("test_job", timedelta(hours=1), lambda: calls.append(1) or "fait", "Test")
    monkeypatch.setattr(schedule, "JOBS", (job,))
    now = timezone.now()
    assert schedule.run_due(now=now) == [("test_job", True, "fait")]
    assert schedule.run_due(now=now + timedelta(minutes=30)) == []  # not due
    assert schedule.run_due(now=now + timedelta(minutes=61)) == [("test_job", True, "fait")]
    assert len(calls) == 2
    failing = schedule.Job("boom", timedelta(hours=1), lambda: 1 / 0, "Échoue")
    monkeypatch.setattr(schedule, "JOBS", (failing,))
    assert schedule.run_due()[0][1] is False
    run = PeriodicRun.objects.get(name="boom")
    assert run.last_failed and "ZeroDivisionError" in run.last_result


def test_the_command_lists_and_runs_the_real_jobs():
    import io

    out = io.StringIO()
    call_command("run_periodic", "--list", stdout=out)
    assert "accept_silent_contracts" in out.getvalue()
    out = io.StringIO()
    call_command("run_periodic", "--only", "retry_emails", "erase_emails", stdout=out)
    assert "retry_emails : ok 0" in out.getvalue()
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == {
        "retry_emails",
        "erase_emails",
    }
