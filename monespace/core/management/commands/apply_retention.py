from django.core.management.base import BaseCommand

from monespace.core.retention import apply


class Command(BaseCommand):
    help = (
        "Applique les durées de conservation des données personnelles (suppression ou "
        "anonymisation) ; --dry-run : compte sans rien changer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        dry = options["dry_run"]
        for rule, count in apply(dry_run=dry):
            verb = {"delete": "supprimé(s)", "anonymise": "anonymisé(s)"}[rule.action]
            if dry:
                verb = "à traiter"
            self.stdout.write(f"{rule.name} ({rule.days()} j) : {count} {verb} — {rule.what}")
