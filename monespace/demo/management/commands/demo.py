"""One command for a fresh machine: migrate, load the demo data, start a task worker, the
periodic jobs and the server."""

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.runserver import naiveip_re

# Addresses a server listens on for every interface: its links name the machine itself.
EVERY_INTERFACE = {"0", "0.0.0.0", "[::]"}  # noqa: S104 (compared with, never bound)


def site_url_for(addrport: str) -> str:
    """The address e-mail links point to for a server started on ``addrport`` (runserver's
    syntax: ``8123``, ``0.0.0.0:8123``, ``[::1]:8123``, ``demo.local:8123``). A server
    listening on every interface (``0.0.0.0``, ``0``, ``[::]``) is reached at 127.0.0.1 from
    the machine that runs it."""
    match = re.match(naiveip_re, addrport)
    if match is None:
        raise CommandError(
            f"« {addrport} » n'est pas une adresse de serveur (exemples : 8123, 127.0.0.1:8123, "
            "0.0.0.0:8123)."
        )
    host = match["addr"] or "127.0.0.1"
    if host in EVERY_INTERFACE:
        host = "127.0.0.1"
    return f"http://{host}:{match['port']}"


class Command(BaseCommand):
    help = "Prépare la base (SQLite par défaut), charge la démo et lance le portail sur 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-server", action="store_true", help="Prépare la base sans lancer le serveur."
        )
        parser.add_argument(
            "--volume",
            type=int,
            default=None,
            help="Dossiers générés en plus des personas (par défaut ceux de seed_demo ; 0 : aucun).",
        )

    def handle(self, *args, **options):
        site_url = self._site_url(options["addrport"])
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        volume = {} if options["volume"] is None else {"volume": options["volume"]}
        call_command("seed_demo", stdout=self.stdout, **volume)
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
        self.stdout.write(f"Portail : {site_url}/  (Ctrl+C pour arrêter)")
        self.stdout.write(f"E-mails envoyés : {site_url}/dev/outbox/")
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            for process in (worker, scheduler):
                process.terminate()
                process.wait(timeout=10)

    def _site_url(self, addrport):
        """E-mail links follow the address served, unless SITE_URL is set (a demo behind a
        proxy or a tunnel). Set before the seed, whose decisions write e-mails, in this process
        (the server runs in it) and in its environment, which the task worker, the scheduler
        (its reminders carry links) and runserver's autoreloader, if ever on, inherit."""
        served = site_url_for(addrport)
        site_url = os.environ.get("SITE_URL") or served
        os.environ["SITE_URL"] = settings.SITE_URL = site_url
        # Served on a name or an address of its own: requests for it are accepted.
        host = urlsplit(served).netloc.rpartition(":")[0]
        if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
        self.stdout.write(f"Liens des e-mails : {site_url}")
        return site_url

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
