"""Tasks lost with their worker (issue 16): handed back to the queue past the lease, never
before, given up after three lost runs; an export run again takes over the lost run's job, and
only the last run to take it finishes it (one file). The real worker killed mid-task is
tests/chaos/test_worker_killed.py."""

import logging
from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from monespace.core import schedule
from monespace.core.lost_tasks import recover_lost_tasks
from monespace.exports import services
from monespace.exports.models import ExportJob, ExportState
from monespace.exports.services import export_run
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def task(*, minutes_ago, status=TaskResultStatus.RUNNING, workers=("w1",)):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=status,
        started_at=now - timedelta(minutes=minutes_ago),
        args_kwargs={"args": [], "kwargs": {"pk": 1}},
        task_path="monespace.core.mail.deliver_outgoing_email",
        backend_name="default",
        run_after=get_date_max(),
        worker_ids=list(workers),
        exception_class_path="",
        traceback="",
    )


def test_a_task_running_past_the_lease_is_handed_back_and_logged(settings, caplog):
    settings.TASK_LEASE_MINUTES = 15
    slow = task(minutes_ago=14)
    lost = task(minutes_ago=16)
    done = task(minutes_ago=60, status=TaskResultStatus.SUCCESSFUL)
    with caplog.at_level(logging.WARNING, logger="monespace.core.lost_tasks"):
        assert recover_lost_tasks() == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {
        slow.pk: TaskResultStatus.RUNNING,
        lost.pk: TaskResultStatus.READY,
        done.pk: TaskResultStatus.SUCCESSFUL,
    }
    assert [r.getMessage() for r in caplog.records] == [
        f"task {lost.pk} (monespace.core.mail.deliver_outgoing_email) lost with worker w1 "
        f"(running since {lost.started_at.isoformat()}): handed back to the queue"
    ]
    # Ready again: a worker's query takes it.
    assert list(DBTaskResult.objects.ready()) == [lost]
    assert recover_lost_tasks() == 0


def test_a_task_lost_three_times_is_given_up(caplog):
    killer = task(minutes_ago=60, workers=("w1", "w2", "w3"))
    with caplog.at_level(logging.ERROR, logger="monespace.core.lost_tasks"):
        assert recover_lost_tasks() == 0
    killer.refresh_from_db()
    assert killer.status == TaskResultStatus.FAILED
    assert killer.exception_class_path == "monespace.core.lost_tasks.TaskLost"
    assert "3 times" in killer.traceback and "given up" in caplog.records[0].getMessage()


def test_the_scheduler_runs_the_recovery():
    job = next(job for job in schedule.JOBS if job.name == "recover_tasks")
    task(minutes_ago=60)
    assert job.run() == 1 and job.every == timedelta(minutes=5)


@pytest.fixture
def job():
    user = MembershipFactory(can_view_training=True).user
    return ExportJob.objects.create(user=user, source="dossiers", params={})


def test_an_export_run_again_takes_over_only_when_retaken(job, settings):
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    # A duplicate task leaves a job running elsewhere…
    assert export_run(job.pk).state == ExportState.RUNNING
    # …the task taken up again after its worker was lost finishes it.
    done = export_run(job.pk, retake=True)
    assert done.state == ExportState.DONE and done.file
    # Finished, it is never run nor overwritten again.
    assert export_run(job.pk, retake=True).file.name == done.file.name
    files = [p for p in (settings.MEDIA_ROOT / "exports").rglob("*") if p.is_file()]
    assert [str(p.relative_to(settings.MEDIA_ROOT)) for p in files] == [done.file.name]


def test_a_run_overtaken_by_a_retaken_one_deletes_its_file(job, settings, monkeypatch):
    """The first run is still writing when the task, believed lost, runs again and finishes:
    the first run's file is deleted, the job keeps the second's."""
    source = services._source
    overtaken = []

    def slow_source(export):
        rows, writer = source(export)

        def write(path, queryset, progress):
            if not overtaken:
                overtaken.append(None)
                overtaken[0] = export_run(job.pk, retake=True)
            return writer(path, queryset, progress=progress)

        return rows, write

    monkeypatch.setattr(services, "_source", slow_source)
    first = export_run(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.file.name == overtaken[0].file.name
    assert first.file.name == job.file.name
    files = [p for p in (settings.MEDIA_ROOT / "exports").rglob("*") if p.is_file()]
    assert [str(p.relative_to(settings.MEDIA_ROOT)) for p in files] == [job.file.name]


def test_an_npec_import_left_running_is_taken_over_only_when_retaken():
    from django.core.files.base import ContentFile

    from monespace.referentials.models import NpecImport, NpecImportState
    from monespace.referentials.npec import upload_import

    upload = NpecImport(original_name="npec.xlsx", state=NpecImportState.RUNNING)
    upload.file.save("npec", ContentFile(b"not a workbook"), save=False)
    upload.save()
    assert upload_import(upload.pk).state == NpecImportState.RUNNING
    retaken = upload_import(upload.pk, retake=True)
    assert retaken.state == NpecImportState.FAILED and "classeur Excel" in retaken.error
