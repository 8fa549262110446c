from django.core.management.base import BaseCommand

from monespace.dossiers.apprenticeship.services import deadline_reminders


class Command(BaseCommand):
    help = (
        "Rappelle aux conseillers les contrats d'apprentissage dont le délai de décision de 20 "
        "jours se termine dans les 3 jours ou est dépassé (à lancer chaque jour)."
    )

    def handle(self, **options):
        self.stdout.write(f"{deadline_reminders()} contrat(s) rappelé(s)")
