from django.core.management.base import BaseCommand

from monespace.exports.services import exports_purge


class Command(BaseCommand):
    help = "Supprime les fichiers des exports arrivés au terme de leur durée de conservation."

    def handle(self, *args, **options):
        self.stdout.write(f"{exports_purge()} export(s) expiré(s).")
