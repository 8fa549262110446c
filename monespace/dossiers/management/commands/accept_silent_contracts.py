from django.core.management.base import BaseCommand

from monespace.dossiers.professionalisation.services import tacit_acceptances


class Command(BaseCommand):
    help = (
        "Accepte les contrats de professionnalisation et Pro-A sans décision 20 jours après "
        "leur dossier complet : le silence de l'OPCO vaut acceptation (à lancer chaque jour)."
    )

    def handle(self, **options):
        accepted = tacit_acceptances()
        for dossier in accepted:
            self.stdout.write(f"{dossier.number} : accord tacite")
        self.stdout.write(f"{len(accepted)} contrat(s) accepté(s) par le silence de l'OPCO")
