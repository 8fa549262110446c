from django.core.management.base import BaseCommand

from monespace.dossiers.funding.services import commitments_backfill


class Command(BaseCommand):
    help = (
        "Fige la prise en charge et l'échéancier des contrats acceptés avant le calcul des "
        "financements (sans effet sur ceux qui en ont un)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{commitments_backfill()} engagement(s) figé(s).")
