import time

from django.core.management.base import BaseCommand

from monespace.core.schedule import JOBS, run_due


class Command(BaseCommand):
    help = (
        "Lance les travaux périodiques qui sont dus (relances d'e-mails, ménage, rappels de "
        "délais…) : à lancer toutes les 5 minutes (minuteur systemd ou cron), ou avec --loop."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Recommencer toutes les N secondes (démo)."
        )
        parser.add_argument("--list", action="store_true", help="Lister les travaux.")
        parser.add_argument("--only", nargs="*", default=[], help="Seulement ces travaux.")

    def handle(self, *args, **options):
        if options["list"]:
            for job in JOBS:
                self.stdout.write(f"{job.name:28} {job.every}  {job.description}")
            return
        while True:
            for name, succeeded, result in run_due(only=tuple(options["only"])):
                state = "ok" if succeeded else "ÉCHEC"
                self.stdout.write(f"{name} : {state} {result}".rstrip())
            if not options["loop"]:
                return
            time.sleep(options["loop"])
