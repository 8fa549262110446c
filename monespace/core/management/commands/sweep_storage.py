from django.core.management.base import BaseCommand

from monespace.core.storage_sweep import sweep


class Command(BaseCommand):
    help = (
        "Supprime les fichiers qu'aucune ligne ne référence (plus vieux que "
        "STORAGE_ORPHAN_GRACE_HOURS) ; --dry-run : les liste seulement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        removed = sweep(dry_run=options["dry_run"])
        for name in removed:
            self.stdout.write(name)
        verb = "à supprimer" if options["dry_run"] else "supprimé(s)"
        self.stdout.write(f"{len(removed)} fichier(s) orphelin(s) {verb}")
