"""Tasks lost with their worker (issue 16).

django-tasks-db marks a task « RUNNING » when a worker takes it and « SUCCESSFUL » or
« FAILED » when it ends; a worker that dies in between (``kill -9``, out of memory, a machine
lost) leaves it « RUNNING » for good, and no worker runs it again (django-tasks issue #46). The
scheduler's ``recover_tasks`` job (core/schedule.py) hands such a task back to the queue once it
has been running for ``TASK_LEASE_MINUTES`` — longer than any task runs, so its worker is gone —
and says so in the log; the next worker runs it again.

Running a task again does no harm: each is idempotent. An e-mail is sent under its row's lock
and marked sent in the same transaction (core/mail.py); an export is taken over by the new run,
and only the run that took it last may finish it, so it has one file (exports/services.py).
A task lost ``MAX_RUNS`` times — it kills its worker every time — is marked failed instead.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_RUNS = 3
BATCH = 500


class TaskLost(Exception):
    """The error recorded on a task given up after ``MAX_RUNS`` runs lost with their worker."""


def recover_lost_tasks(*, now: datetime | None = None) -> int:
    """Hand back to the queue the tasks running past the lease; returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.TASK_LEASE_MINUTES)
    lost = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=limit).only(
        "id", "task_path", "started_at", "worker_ids"
    )[:BATCH]
    handed_back = 0
    for task in lost:
        # Only the run seen here: a worker that finished it meanwhile keeps its result.
        same_run = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        runs = len(task.worker_ids)
        if runs >= MAX_RUNS:
            if same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{TaskLost.__module__}.{TaskLost.__qualname__}",
                traceback=f"Lost with its worker {runs} times (workers {', '.join(task.worker_ids)}).",
            ):
                logger.error(
                    "task %s (%s) lost with its worker %s times: given up",
                    task.pk,
                    task.task_path,
                    runs,
                )
            continue
        if same_run.update(status=TaskResultStatus.READY):
            handed_back += 1
            logger.warning(
                "task %s (%s) lost with worker %s (running since %s): handed back to the queue",
                task.pk,
                task.task_path,
                task.worker_ids[-1] if task.worker_ids else "?",
                task.started_at.isoformat() if task.started_at else "?",
            )
    return handed_back
