from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from monespace.referentials.npec import NpecFileError, import_file


class Command(BaseCommand):
    help = "Importe une édition du référentiel des NPEC de France compétences (xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier xlsx publié par France compétences")
        parser.add_argument("--name", default="", help="Nom de l'édition (par défaut : le fichier)")

    def handle(self, path, name="", **options):
        try:
            report = import_file(path, name=name)
        except OSError as error:
            raise CommandError(_("Fichier illisible : %(path)s") % {"path": path}) from error
        except NpecFileError as error:
            raise CommandError(str(error)) from error
        if report.already:
            self.stdout.write(
                _("Ce fichier est déjà importé (édition « %(name)s ») : rien n'a changé.")
                % {"name": report.edition.name}
            )
            return
        self.stdout.write(
            _(
                "Édition « %(name)s » : %(levels)d NPEC, %(agreements)d IDCC, %(rejected)d lignes "
                "rejetées."
            )
            % {
                "name": report.edition.name,
                "levels": report.levels,
                "agreements": report.agreements,
                "rejected": report.rejected_count,
            }
        )
        for sheet, number, reason in report.rejected[:200]:
            self.stdout.write(
                _("« %(sheet)s », ligne %(n)d rejetée : %(reason)s")
                % {"sheet": sheet, "n": number, "reason": reason}
            )
        if report.rejected_count > 200:
            self.stdout.write(
                _("… et %(n)d autres lignes rejetées.") % {"n": report.rejected_count - 200}
            )
