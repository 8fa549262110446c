"""Background work on dossiers."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

RETRY_AFTER = timedelta(minutes=1)


@task()
def scan_pending_documents(limit: int = 200) -> int:
    """Analyse the documents waiting for the antivirus (it was unreachable when they were
    attached). While it stays unreachable, try again a minute later. Returns how many remain."""
    from monespace.core import antivirus

    from .enums import ScanStatus
    from .models import Document
    from .services import document_scan

    waiting = list(
        Document.objects.filter(scan_status=ScanStatus.PENDING).order_by("uploaded_at")[:limit]
    )
    for document in waiting:
        document_scan(document=document)
    remaining = Document.objects.filter(scan_status=ScanStatus.PENDING).count()
    if remaining and antivirus.configured():
        scan_pending_documents.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return remaining


@task()
def remind_decision_deadlines() -> int:
    """Daily: the apprenticeship contracts whose 20 days of instruction end soon (or have
    ended) are recalled to their advisors (dossiers/apprenticeship/services.py)."""
    from .apprenticeship.services import deadline_reminders

    return deadline_reminders()


@task()
def accept_silent_contracts() -> int:
    """Daily: professionalisation contracts and Pro-A left without a decision 20 days after
    their complete file are accepted by the OPCO's silence (D6325-2)."""
    from .professionalisation.services import tacit_acceptances

    return len(tacit_acceptances())
