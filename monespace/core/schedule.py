"""The periodic work, as data: each job, how often it runs, what it calls.

``manage.py run_periodic`` runs the jobs that are due, once, and is meant for a systemd timer
or cron every five minutes (docs/operations.md); ``--loop`` keeps it running (the demo does).
A job is claimed by a conditional UPDATE of its ``PeriodicRun`` row before it runs, so that two
schedulers started together — two servers' timers — run it once; a job that fails is recorded
with its error and tried again at its next turn. Every job is safe to run twice (its own work
is idempotent or dated).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], object]
    description: str


def _command(name: str, *args: str) -> Callable[[], object]:
    def run() -> object:
        import io

        from django.core.management import call_command

        out = io.StringIO()
        call_command(name, *args, stdout=out)
        return out.getvalue().strip()

    return run


def _retry_emails() -> object:
    from .mail import retry_due_emails

    return retry_due_emails()


def _recover_tasks() -> object:
    from .lost_tasks import recover_lost_tasks

    return recover_lost_tasks()


def _erase_emails() -> object:
    from .mail import erase_sent_emails

    return erase_sent_emails()


DAY, HOUR, FIVE_MINUTES = timedelta(days=1), timedelta(hours=1), timedelta(minutes=5)

JOBS: tuple[Job, ...] = (
    Job(
        "recover_tasks",
        FIVE_MINUTES,
        _recover_tasks,
        "Tâches perdues avec leur worker, remises en file",
    ),
    Job("retry_emails", FIVE_MINUTES, _retry_emails, "E-mails dont la tentative est due"),
    Job("erase_emails", DAY, _erase_emails, "Texte des e-mails envoyés effacé après 7 jours"),
    Job("deliver_webhooks", FIVE_MINUTES, _command("deliver_webhooks"), "Webhooks à relancer"),
    Job("scan_documents", HOUR, _command("scan_documents"), "Fichiers en attente d'analyse"),
    Job("sweep_storage", DAY, _command("sweep_storage"), "Fichiers qu'aucune ligne ne référence"),
    Job("clear_sessions", DAY, _command("clearsessions"), "Sessions expirées"),
    Job(
        "apply_retention",
        DAY,
        _command("apply_retention"),
        "Durées de conservation des données personnelles",
    ),
    Job(
        "prune_task_results",
        DAY,
        _command("prune_db_task_results", "--min-age-days", "7"),
        "Résultats des tâches de plus de 7 jours",
    ),
    Job("purge_exports", DAY, _command("purge_exports"), "Fichiers d'export expirés"),
    Job("api_key_notices", DAY, _command("api_key_notices"), "Clés d'API bientôt expirées"),
    Job(
        "remind_deadlines",
        DAY,
        _command("remind_deadlines"),
        "Contrats d'apprentissage dont le délai de décision se termine",
    ),
    Job(
        "accept_silent_contracts",
        DAY,
        _command("accept_silent_contracts"),
        "Contrats de professionnalisation et Pro-A acceptés par le silence de l'OPCO",
    ),
)


def _claim(job: Job, now) -> bool:
    """Take the job for this run when it is due: one UPDATE that only one scheduler wins."""
    from .models import PeriodicRun

    try:
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=job.name)
    except IntegrityError:  # created at the same moment by another scheduler
        pass
    due = Q(last_started_at__isnull=True) | Q(last_started_at__lte=now - job.every)
    return bool(PeriodicRun.objects.filter(due, name=job.name).update(last_started_at=now))


def run_due(*, now=None, only: tuple[str, ...] = ()) -> list[tuple[str, bool, str]]:
    """Run every job that is due; returns (name, succeeded, result) of those run."""
    from .models import PeriodicRun

    done = []
    for job in JOBS:
        if only and job.name not in only:
            continue
        started = now or timezone.now()
        if not _claim(job, started):
            continue
        try:
            result = str(job.run())
            failed = False
        except Exception as error:
            logger.exception("periodic job %s failed", job.name)
            result, failed = f"{type(error).__name__}: {error}", True
        PeriodicRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_result=result[:2000], last_failed=failed
        )
        done.append((job.name, not failed, result))
    return done
