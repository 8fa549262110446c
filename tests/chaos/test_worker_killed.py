"""Fault test (issue 16): the task worker killed in the middle of its tasks.

Two real ``db_worker`` processes take an export and an e-mail; each is killed (``kill -9``)
mid-task — the export's file already written, its row not yet marked done; the e-mail in the
hands of the SMTP server, which has not yet said « 250 ». Both tasks stay « running »: the
scheduler's ``recover_tasks`` hands them back once past the lease (never before), a new worker
runs them, and the end is one e-mail delivered, one export with one file (the lost run's file
is the sweeper's), whatever runs again afterwards.

Run: ``DB=pg .venv/bin/pytest -m chaos tests/chaos/test_worker_killed.py`` (docs/operations.md).
"""

import logging
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from monespace.core.lost_tasks import recover_lost_tasks
from monespace.core.mail import deliver_outgoing_email, queue_email
from monespace.core.models import EmailState, OutgoingEmail
from monespace.core.storage_sweep import sweep
from monespace.exports.models import ExportJob, ExportState
from monespace.exports.services import export_request, export_run
from tests.chaos._smtp import SmtpSink
from tests.chaos._worker import Worker, needs_postgres, wait_until, worker_env
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _both_apps_serving():
    """These tests run their own worker processes, not the multi-server topology that the
    folder's conftest.py starts for its tests: its fixture is replaced here."""


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()


def files_under(root, folder):
    base = root / folder
    return sorted(str(p.relative_to(root)) for p in base.rglob("*") if p.is_file())


def test_a_worker_killed_mid_task_ends_with_one_email_and_one_export(
    settings, tmp_path, sink, workers, caplog
):
    needs_postgres()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    media = settings.MEDIA_ROOT
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    DossierFactory(establishment=establishment, title="FORMATION EXPORTÉE")
    env = worker_env(settings, smtp_port=sink.port)
    hold = tmp_path / "hold"
    hold.mkdir()
    first = [
        Worker(name, {**env, "CHAOS_HOLD_EXPORTS": str(hold)}, tmp_path)
        for name in ("chaos-a", "chaos-b")
    ]
    workers.extend(worker.start() for worker in first)

    # The export: its file written to storage, its run held before the row says « prêt ».
    job = export_request(user=user, params={}, perimeter=None)
    wait_until((hold / "held").exists, "an export's file written", logs=first)
    lost_file = (hold / "held").read_text()
    # The e-mail, taken by the other worker: the server holds its « 250 ».
    sink.hold.set()
    email = queue_email(to="claire@exemple.fr", subject="Votre export est prêt", body="Bonjour")
    wait_until(sink.holding.is_set, "the e-mail in the SMTP server's hands", logs=first)

    for worker in first:
        worker.kill()

    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.task_path.rsplit(".", 1)[1], t.status) for t in tasks.all()] == [
        ("run_export", TaskResultStatus.RUNNING),
        ("deliver_outgoing_email", TaskResultStatus.RUNNING),
    ]
    # The server never said « 250 »: nothing delivered; the e-mail's row is still to send
    # (its transaction died with the worker's connection, and its lock with it).
    wait_until(lambda: sink.abandoned == 1, "the server to see its sender gone")
    assert sink.delivered == []
    assert OutgoingEmail.objects.get(pk=email.pk).state == EmailState.QUEUED
    job.refresh_from_db()
    assert (job.state, job.file.name) == (ExportState.RUNNING, "")
    assert files_under(media, "exports") == [lost_file]

    # Within the lease nothing is touched (a slow task is not a lost one); past it, both are
    # handed back, and the log says so.
    assert recover_lost_tasks() == 0
    later = timezone.now() + timedelta(minutes=django_settings.TASK_LEASE_MINUTES, seconds=1)
    with caplog.at_level(logging.WARNING, logger="monespace.core.lost_tasks"):
        assert recover_lost_tasks(now=later) == 2
    assert sum("handed back to the queue" in r.getMessage() for r in caplog.records) == 2
    assert set(tasks.values_list("status", flat=True)) == {TaskResultStatus.READY}

    sink.hold.clear()
    workers.append(Worker("chaos-c", env, tmp_path).start())
    wait_until(
        lambda: set(tasks.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL},
        "the new worker to run both tasks",
        logs=workers,
    )

    assert sink.subjects() == ["Votre export est prêt"]
    email.refresh_from_db()
    assert (email.state, email.attempts) == (EmailState.SENT, 1)
    job.refresh_from_db()
    assert (job.state, job.rows_done) == (ExportState.DONE, 1)
    assert job.file.name and job.file.name != lost_file
    assert files_under(media, "exports") == sorted([lost_file, job.file.name])
    for task in tasks.all():
        assert task.worker_ids[-1] == "chaos-c" and len(task.worker_ids) == 2

    # Run again (a task handed back twice, a duplicate in the queue): nothing more.
    assert deliver_outgoing_email.call(pk=email.pk) == "skipped"
    assert export_run(job.pk, retake=True).file.name == job.file.name
    assert len(sink.delivered) == 1
    # The lost run's file belongs to no row: the sweeper removes it after its grace period.
    swept_at = timezone.now() + timedelta(
        hours=django_settings.STORAGE_ORPHAN_GRACE_HOURS, minutes=1
    )
    assert sweep(now=swept_at) == [lost_file]
    assert files_under(media, "exports") == [job.file.name]
    assert ExportJob.objects.get(pk=job.pk).file.name == job.file.name
