from django.utils.translation import gettext as _

from monespace.organizations.importers import import_opco_data

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = _(
        "Importe les données de l'OPCO sur les établissements déjà présents dans l'annuaire : "
        "numéro adhérent, numéro d'organisme de formation, branche, IDCC, NDA, UAI et Qualiopi "
        "(fichier CSV séparé par des points-virgules)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER", help=_("Fichier CSV des données de l'OPCO."))
        self.add_batch_size_argument(parser)

    def handle(self, *args, path, batch_size, **options):
        self.run_import(_("Données de l'OPCO"), import_opco_data, path, batch_size)
