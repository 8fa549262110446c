from django.utils.translation import gettext as _

from monespace.invoices.contributions import import_contributions
from monespace.organizations.management.commands._import_base import ImportCommand


class Command(ImportCommand):
    help = _(
        "Importe les contributions des entreprises adhérentes (« Collecte ») : SIREN, année, "
        "nature, assiette, taux, montants appelé et versé, échéance (CSV séparé par des "
        "points-virgules). Réimporter le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER", help=_("Fichier CSV des contributions."))
        self.add_batch_size_argument(parser)

    def handle(self, *args, path, batch_size, **options):
        self.run_import(_("Contributions"), import_contributions, path, batch_size)
