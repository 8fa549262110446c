from django.core.management.base import BaseCommand

from monespace.core import antivirus
from monespace.dossiers.enums import ScanStatus
from monespace.dossiers.models import Document
from monespace.dossiers.services import document_scan


class Command(BaseCommand):
    help = (
        "Analyse par l'antivirus les documents en attente (et, avec --unscanned, ceux déposés "
        "avant l'antivirus)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unscanned", action="store_true")

    def handle(self, unscanned=False, **options):
        if not antivirus.available():
            self.stderr.write("L'antivirus (clamd) ne répond pas : rien n'est analysé.")
            return
        statuses = [ScanStatus.PENDING] + ([ScanStatus.UNSCANNED] if unscanned else [])
        counts: dict[str, int] = {}
        for document in Document.objects.filter(scan_status__in=statuses).iterator(500):
            status = document_scan(document=document)
            counts[status] = counts.get(status, 0) + 1
        self.stdout.write(
            ", ".join(f"{status} : {n}" for status, n in sorted(counts.items())) or "0"
        )
