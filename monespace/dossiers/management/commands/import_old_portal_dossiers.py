from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from monespace.dossiers.takeover import (
    COSTS_FILE,
    DOSSIERS_FILE,
    FILES,
    HISTORY_FILE,
    PIECES_FILE,
    RIB_FILE,
    Report,
    take_over,
)
from monespace.organizations.importers import ImportFileError
from monespace.organizations.management.commands._import_base import (
    MAX_REJECTED_SHOWN,
    thousands,
)


class Command(BaseCommand):
    help = _(
        "Reprend les dossiers d'action de formation transmis de l'ancien portail (pas les "
        "brouillons), leurs coûts, décisions, pièces (sans leurs fichiers) et historique, et les "
        "RIB des entreprises : un dossier contenant %(files)s (CSV séparés par des "
        "points-virgules, UTF-8). Relancer la reprise ne change rien."
    ) % {"files": ", ".join(FILES)}

    def add_arguments(self, parser):
        parser.add_argument(
            "folder",
            metavar="DOSSIER",
            help=_("Dossier des fichiers extraits de l'ancien portail."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Vérifie tout et affiche le compte rendu sans rien enregistrer."),
        )

    def handle(self, *args, folder, dry_run=False, **options):
        self.stdout.write(
            _("Reprise de l'ancien portail : lecture de %(folder)s%(mode)s")
            % {
                "folder": folder,
                "mode": _(" (simulation : rien n'est enregistré)") if dry_run else "",
            }
        )
        try:
            report = take_over(folder, dry_run=dry_run, progress=self.show_progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.show_report(report)

    def show_progress(self, count):
        self.stdout.write(_("%(count)s dossiers repris…") % {"count": thousands(count)})

    def show_report(self, report: Report) -> None:
        verb = _("à reprendre") if report.dry_run else _("repris")
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(
            style(
                _(
                    "Dossiers : lignes lues : %(read)s, %(verb)s : %(imported)s, déjà repris : "
                    "%(already)s, rejetés : %(rejected)s."
                )
                % {
                    "read": thousands(report.dossiers_read),
                    "verb": verb,
                    "imported": thousands(report.dossiers_imported),
                    "already": thousands(report.already_in(DOSSIERS_FILE)),
                    "rejected": thousands(report.rejected_in(DOSSIERS_FILE)),
                }
            )
        )
        self.stdout.write(
            _(
                "Avec ces dossiers, %(verb)s : %(pieces)s pièces (leur nom, type et date, dans "
                "l'historique : les fichiers ne sont pas repris) et %(events)s événements "
                "d'historique."
            )
            % {
                "verb": verb,
                "pieces": thousands(report.pieces_imported),
                "events": thousands(report.events_imported),
            }
        )
        self.stdout.write(
            _(
                "Lignes rejetées dans %(costs)s : %(costs_rejected)s, %(pieces_file)s : "
                "%(pieces_rejected)s, %(history)s : %(history_rejected)s."
            )
            % {
                "costs": COSTS_FILE,
                "costs_rejected": thousands(report.rejected_in(COSTS_FILE)),
                "pieces_file": PIECES_FILE,
                "pieces_rejected": thousands(report.rejected_in(PIECES_FILE)),
                "history": HISTORY_FILE,
                "history_rejected": thousands(report.rejected_in(HISTORY_FILE)),
            }
        )
        self.stdout.write(
            style(
                _(
                    "RIB : lignes lues : %(read)s, %(verb)s : %(imported)s, déjà repris : "
                    "%(already)s, rejetés : %(rejected)s."
                )
                % {
                    "read": thousands(report.ribs_read),
                    "verb": verb,
                    "imported": thousands(report.ribs_imported),
                    "already": thousands(report.already_in(RIB_FILE)),
                    "rejected": thousands(report.rejected_in(RIB_FILE)),
                }
            )
        )
        if report.rejected:
            self.stdout.write(_("Lignes rejetées :"))
            ordered = sorted(report.rejected, key=lambda r: (FILES.index(r.file), r.line))
            for rejection in ordered[:MAX_REJECTED_SHOWN]:
                self.stdout.write(
                    _("  %(file)s, ligne %(line)s : %(reason)s")
                    % {
                        "file": rejection.file,
                        "line": thousands(rejection.line),
                        "reason": rejection.reason,
                    }
                )
            self._others(len(report.rejected))
        if report.already:
            self.stdout.write(_("Déjà repris lors d'une reprise précédente (inchangés) :"))
            for file, line, reference in report.already[:MAX_REJECTED_SHOWN]:
                self.stdout.write(
                    _("  %(file)s, ligne %(line)s : %(reference)s")
                    % {"file": file, "line": thousands(line), "reference": reference}
                )
            self._others(len(report.already))
        if report.dry_run:
            self.stdout.write(
                self.style.WARNING(_("Simulation (--dry-run) : rien n'a été enregistré."))
            )

    def _others(self, total: int) -> None:
        if total > MAX_REJECTED_SHOWN:
            self.stdout.write(
                _("  … et %(count)s autres") % {"count": thousands(total - MAX_REJECTED_SHOWN)}
            )
