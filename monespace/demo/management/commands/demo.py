"""One command for a fresh machine: migrate, load the demo data, start a task worker, the
periodic jobs and the server."""

import os
import subprocess
import sys

from django.conf import settings
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
        if not os.environ.get("DEMO_REQUIRE_MFA"):
            # In the demonstration, administrators and staff are not asked for a second factor
            # (set DEMO_REQUIRE_MFA=1 to see it, as in production where it is required).
            settings.ADMIN_REQUIRE_MFA = settings.STAFF_REQUIRE_MFA = False
            self.stdout.write(
                "Démonstration : double authentification non exigée (DEMO_REQUIRE_MFA=1 pour l'exiger)."
            )
        self._antivirus()
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"],
        )
        # The periodic work (e-mail retries, housekeeping, deadline reminders), every minute.
        scheduler = subprocess.Popen(
            [sys.executable, "manage.py", "run_periodic", "--loop", "60"],
            stdout=subprocess.DEVNULL,
        )
        self.stdout.write(f"Portail : http://{options['addrport']}/  (Ctrl+C pour arrêter)")
        self.stdout.write(f"E-mails envoyés : http://{options['addrport']}/dev/outbox/")
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            for process in (worker, scheduler):
                process.terminate()
                process.wait(timeout=10)

    def _antivirus(self):
        """clamd when it is installed (scripts/clamd: the Debian daemon with a test signature);
        otherwise say so: uploads are then « non analysé », never shown as clean."""
        if settings.CLAMAV_SOCKET or settings.CLAMAV_HOST:
            self.stdout.write("Antivirus : clamd configuré (CLAMAV_SOCKET / CLAMAV_HOST).")
            return
        script = settings.BASE_DIR / "scripts" / "clamd"
        result = subprocess.run(
            ["/bin/bash", str(script), "start"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            socket = result.stdout.strip().splitlines()[-1]
            os.environ["CLAMAV_SOCKET"] = settings.CLAMAV_SOCKET = socket
            self.stdout.write(
                "Antivirus : clamd démarré (signature de test EICAR seulement, voir "
                "config/clamav/README.md)."
            )
        else:
            self.stdout.write(
                "Antivirus : clamd n'est pas installé (paquet Debian clamav-daemon) — les fichiers "
                "déposés sont marqués « non analysé »."
            )
