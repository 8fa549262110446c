"""One command for a fresh machine: migrate, load the demo data, start a task worker and the server."""

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Prépare la base (SQLite par défaut), charge la démo et lance le portail sur 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-server", action="store_true", help="Prépare la base sans lancer le serveur."
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("seed_demo")
        if options["no_server"]:
            return
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
        )
        self.stdout.write(f"Portail : http://{options['addrport']}/  (Ctrl+C pour arrêter)")
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
