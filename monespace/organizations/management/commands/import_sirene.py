from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from monespace.organizations.importers import (
    import_sirene_establishments,
    import_sirene_legal_units,
)

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = _(
        "Importe les fichiers stock Sirene de l'INSEE (StockUniteLegale, StockEtablissement) "
        "dans l'annuaire des entreprises et des établissements. Les données propres à l'OPCO "
        "(numéros adhérent, branche, IDCC, Qualiopi…) ne sont jamais modifiées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--legal-units",
            metavar="FICHIER",
            help=_("Fichier CSV des unités légales (StockUniteLegale_utf8.csv)."),
        )
        parser.add_argument(
            "--establishments",
            metavar="FICHIER",
            help=_("Fichier CSV des établissements (StockEtablissement_utf8.csv)."),
        )
        self.add_batch_size_argument(parser)

    def handle(self, *args, legal_units=None, establishments=None, batch_size, **options):
        if not legal_units and not establishments:
            raise CommandError(
                _("Indiquez au moins un fichier : --legal-units et/ou --establishments.")
            )
        # Legal units first, so that establishments find their company with its real name.
        if legal_units:
            self.run_import(_("Unités légales"), import_sirene_legal_units, legal_units, batch_size)
        if establishments:
            self.run_import(
                _("Établissements"), import_sirene_establishments, establishments, batch_size
            )
