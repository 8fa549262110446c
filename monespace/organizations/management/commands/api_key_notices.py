from django.core.management.base import BaseCommand

from monespace.organizations.api_keys import expiry_notices


class Command(BaseCommand):
    help = "Prévient les administrateurs des clés API qui expirent dans 30 ou 7 jours."

    def handle(self, *args, **options):
        self.stdout.write(f"{expiry_notices()} clé(s) signalée(s).")
