from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from monespace.referentials.models import CollectiveAgreement
from monespace.referentials.referentials import load


class Command(BaseCommand):
    help = "Charge la liste officielle des conventions collectives (IDCC ; intitulé), en CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="Fichier CSV (séparateur ; ou ,), avec une ligne d'en-tête"
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="Ne pas marquer inactives les conventions absentes du fichier",
        )

    def handle(self, path, keep_missing=False, **options):
        try:
            with open(path, encoding="utf-8-sig") as handle:
                text = handle.read()
        except OSError as error:
            raise CommandError(_("Fichier illisible : %(path)s") % {"path": path}) from error
        with transaction.atomic():
            report = load(CollectiveAgreement, text, deactivate_missing=not keep_missing)
        self.stdout.write(
            _("%(created)d créées, %(updated)d mises à jour, %(deactivated)d devenues inactives.")
            % vars(report)
        )
        for number, reason in report.rejected:
            self.stdout.write(
                _("Ligne %(n)d rejetée : %(reason)s") % {"n": number, "reason": reason}
            )
