"""Exports: asked (a job, queued), run by a task (progress, file), expired (file deleted)."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.errors import DomainError
from monespace.core.uploads import store_file
from monespace.notifications.services import notify

from .models import ExportJob, ExportState

if TYPE_CHECKING:
    from monespace.accounts.models import User

logger = logging.getLogger(__name__)
# At most this many exports queued or running per user; one older than STUCK_AFTER no longer
# counts (a worker lost it) and the daily purge marks it failed.
MAX_RUNNING = 3
STUCK_AFTER = timedelta(hours=1)


class ExportError(DomainError):
    pass


# Filters of « Mes dossiers » an export keeps (dossiers/filters.py).
DOSSIER_PARAMS = (
    "q",
    "establishment",
    "siret",
    "provider",
    "start_from",
    "start_to",
    "dispositif",
    "state",
    "group",
    "profile",
)


QUEUE_PARAMS = ("state", "assigned", "kind", "branch", "q", "sort")
# « Mes factures » (exports/invoices.py).
INVOICE_PARAMS = ("q", "etat", "dispositif")
SOURCES = {
    "dossiers": DOSSIER_PARAMS,
    "queue": QUEUE_PARAMS,
    "invoices": INVOICE_PARAMS,
    "payments": (),
    # The back office's « Factures à contrôler ».
    "staff_invoices": ("etat",),
}
STAFF_SOURCES = ("queue", "staff_invoices")


def export_request(
    *, user: User, params: dict[str, Any], perimeter: int | None, source: str = "dossiers"
) -> ExportJob:
    """A user asks for an export of what their list shows (« Mes dossiers », or the back
    office's queue for staff): queued, run after the commit."""
    if source not in SOURCES or (source in STAFF_SOURCES and not user.is_staff):
        raise ExportError(_("Cette liste ne s'exporte pas."))
    if not staff_cleared(user):
        raise ExportError(_("Protégez votre compte par une double authentification pour exporter."))
    from .tasks import run_export

    running = ExportJob.objects.filter(
        user=user,
        state__in=(ExportState.QUEUED, ExportState.RUNNING),
        created_at__gte=timezone.now() - STUCK_AFTER,
    ).count()
    if running >= MAX_RUNNING:
        raise ExportError(
            _("%(n)s exports sont déjà en cours : attendez qu'ils soient prêts.") % {"n": running}
        )
    # What the list's form would refuse (a NUL character) is left out, as the list leaves it.
    kept = {
        key: str(params[key])[:200]
        for key in SOURCES[source]
        if params.get(key) and "\x00" not in str(params[key])
    }
    job = ExportJob.objects.create(user=user, source=source, params=kept, perimeter=perimeter)
    transaction.on_commit(lambda: run_export.enqueue(job_id=job.pk))
    return job


def export_run(job_id: int, *, retake: bool = False) -> ExportJob:
    """Run an export. Idempotent: a job finished, or running in another worker, is left;
    ``retake`` (the task taken up again after its worker was lost, core/lost_tasks.py) takes
    over the job the lost run left running. The run that took the job last is the only one
    that may finish it (its start time is its claim): a job has one file, never overwritten,
    and an overtaken run deletes its own."""
    claimed_at = timezone.now()
    takeable = (ExportState.QUEUED, ExportState.RUNNING) if retake else (ExportState.QUEUED,)
    claimed = ExportJob.objects.filter(pk=job_id, state__in=takeable).update(
        state=ExportState.RUNNING, started_at=claimed_at
    )
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job
    mine = ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING, started_at=claimed_at)
    queryset, writer = _source(job)
    total = queryset.count()
    mine.update(rows_total=total)

    def progress(done: int) -> None:
        mine.update(rows_done=done)

    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        written = writer(path, queryset, progress=progress)
        with open(path, "rb") as stream:
            store_file(job.file, "export.xlsx", File(stream))
        now = timezone.now()
        job.size = os.path.getsize(path)
        job.state, job.rows_done, job.rows_total = ExportState.DONE, written, max(total, written)
        job.finished_at, job.expires_at = now, now + job.retention()
        finished = mine.update(
            file=job.file.name,
            size=job.size,
            state=job.state,
            rows_done=job.rows_done,
            rows_total=job.rows_total,
            finished_at=job.finished_at,
            expires_at=job.expires_at,
        )
        if not finished:  # another run took the job over meanwhile: its file is the one
            job.file.delete(save=False)
            logger.warning("export %s taken over by another run: this run's file deleted", job.pk)
            return ExportJob.objects.select_related("user").get(pk=job_id)
    except Exception as error:  # recorded for the user and staff; the task itself succeeds
        job.state, job.error, job.finished_at = (
            ExportState.FAILED,
            repr(error)[:2000],
            timezone.now(),
        )
        mine.update(state=job.state, error=job.error, finished_at=job.finished_at)
        raise
    finally:
        os.unlink(path)
    if (
        job.started_at
        and (job.finished_at - job.started_at).total_seconds()
        >= settings.EXPORT_NOTIFY_AFTER_SECONDS
    ):
        _tell_ready(job)
    return job


def _source(job: ExportJob) -> tuple[QuerySet[Any], Callable[..., int]]:
    """The rows an export holds, recomputed now from the user's rights, and its writer."""
    from .dossiers import visible_for_export, write_workbook

    if job.source in ("invoices", "payments", "staff_invoices"):
        from . import invoices

        if job.source == "payments":
            return invoices.payments_for_export(job.user, job.params), (
                invoices.write_payments_workbook
            )
        if job.source == "staff_invoices":
            return invoices.staff_invoices_for_export(job.user, job.params), (
                invoices.write_workbook
            )
        return invoices.visible_for_export(job.user, job.params), invoices.write_workbook
    if job.source == "queue":
        from monespace.backoffice.instruction import queue_for_export

        return queue_for_export(job.user, job.params), write_workbook
    if job.user.is_staff:
        # Staff see what the back office instructs (never the companies' drafts).
        from monespace.dossiers.access import staff_dossiers
        from monespace.dossiers.filters import dossier_filter_q

        return staff_dossiers().filter(dossier_filter_q(job.user, job.params)), write_workbook
    return visible_for_export(job.user, job.params, job.perimeter), write_workbook


def _tell_ready(job: ExportJob) -> None:
    url = f"/exports/{job.pk}/"
    title = _("Votre export est prêt")
    body = _("%(n)s lignes, disponible jusqu'au %(date)s.") % {
        "n": job.rows_done,
        "date": timezone.localtime(job.expires_at).strftime("%d/%m/%Y"),
    }
    notify([job.user], title=title, body=body, url=url)


def staff_cleared(user: User) -> bool:
    """Staff export (and read bulk data) only with the second factor the back office asks."""
    from monespace.accounts.perms import has_second_factor

    return not (user.is_staff and settings.STAFF_REQUIRE_MFA and not has_second_factor(user))


def export_allowed(user: User, job: ExportJob) -> bool:
    """Whether the export's file may still be handed to its owner: still staff for the
    queue, still seeing dossiers for « Mes dossiers » (a user removed meanwhile gets nothing)."""
    from monespace.dossiers import perms

    if not user.is_active or not staff_cleared(user):
        return False
    if job.source in STAFF_SOURCES or user.is_staff:
        return user.is_staff
    if job.source in ("invoices", "payments"):
        from monespace.invoices import perms as invoice_perms

        return bool(invoice_perms.invoice_memberships(user))
    reach = perms.reach_of(user)
    return reach.everything or any(reach.kinds.values())


def exports_purge(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their retention (the rows stay as the history); mark
    failed the jobs a lost worker left waiting."""
    now = now or timezone.now()
    ExportJob.objects.filter(
        state__in=(ExportState.QUEUED, ExportState.RUNNING), created_at__lt=now - timedelta(days=1)
    ).update(state=ExportState.FAILED, error="abandoned", finished_at=now)
    expired = ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now)
    count = 0
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
        job.state, job.size = ExportState.EXPIRED, 0
        job.save(update_fields=["file", "state", "size"])
        count += 1
    return count
