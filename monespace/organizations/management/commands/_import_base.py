"""Shared behaviour of the import commands: file checks, a progress line per batch, a summary.

Rejected lines do not make a command fail (exit code 0): they are listed in the summary. A
missing file or a header without a required column stops the command with a CommandError.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from monespace.organizations.importers import DEFAULT_BATCH_SIZE, ImportFileError

MAX_REJECTED_SHOWN = 50


def thousands(number):
    """12000 → "12 000", as French readers expect."""
    return f"{number:,}".replace(",", " ")


class ImportCommand(BaseCommand):
    def add_batch_size_argument(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            metavar="N",
            default=DEFAULT_BATCH_SIZE,
            help=_("Nombre de lignes écrites par lot (%(default)s par défaut)."),
        )

    def run_import(self, title, importer, path, batch_size):
        """Run ``importer`` on ``path`` and print its progress and summary under ``title``."""
        if batch_size < 1:
            raise CommandError(_("La taille de lot (--batch-size) doit être au moins 1."))
        path = Path(path)
        if not path.is_file():
            raise CommandError(_("Fichier introuvable : %(path)s") % {"path": path})
        self.stdout.write(_("%(title)s : import de %(path)s") % {"title": title, "path": path})
        try:
            result = importer(path, batch_size=batch_size, progress=self.show_progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.show_summary(title, result)
        return result

    def show_progress(self, count):
        self.stdout.write(_("%(count)s lignes lues…") % {"count": thousands(count)})

    def show_summary(self, title, result):
        style = self.style.WARNING if result.rejected else self.style.SUCCESS
        self.stdout.write(
            style(
                _(
                    "%(title)s : lignes lues : %(read)s, importées : %(imported)s, rejetées : %(rejected)s."
                )
                % {
                    "title": title,
                    "read": thousands(result.read),
                    "imported": thousands(result.imported),
                    "rejected": thousands(len(result.rejected)),
                }
            )
        )
        if not result.rejected:
            return
        self.stdout.write(_("Lignes rejetées :"))
        for line_no, reason in result.rejected[:MAX_REJECTED_SHOWN]:
            self.stdout.write(
                _("  ligne %(line)s : %(reason)s") % {"line": thousands(line_no), "reason": reason}
            )
        others = len(result.rejected) - MAX_REJECTED_SHOWN
        if others > 0:
            self.stdout.write(_("  … et %(count)s autres") % {"count": thousands(others)})
