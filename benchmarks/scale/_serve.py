"""What the benchmarks that serve the portal share: the personas' manifest, the production
environment, sessions made server-side, granian in its own process group, the machine.

Used by ``benchmarks/scale/run.py`` (pages driven by wrk) and ``benchmarks/load/run.py`` (the
locust scenario). Nothing here runs on import.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE_PATH = "/_bench/reference/"
HOST = "127.0.0.1"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- Manifest ------------------------------------------------------------------------------


@dataclasses.dataclass
class Persona:
    name: str
    user_id: int
    label: str
    staff: bool
    pages: dict[str, str]


@dataclasses.dataclass
class Manifest:
    database: str
    personas: list[Persona]


def read_manifest(path, only_personas=(), only_pages=()):
    """The manifest's personas, kept in their order, filtered by --persona and --page."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not data.get("database"):
        raise SystemExit(f"{path}: no database named")
    personas = []
    for item in data.get("personas", []):
        pages = {
            key: value
            for key, value in item["pages"].items()
            if not only_pages or key in only_pages
        }
        for key, value in pages.items():
            if not value.startswith("/"):
                raise SystemExit(f"{path}: {item['name']}.{key} is not a path: {value!r}")
        if only_personas and item["name"] not in only_personas:
            continue
        personas.append(
            Persona(
                name=item["name"],
                user_id=int(item["user_id"]),
                label=item.get("label", item["name"]),
                staff=bool(item.get("staff", False)),
                pages=pages,
            )
        )
    if not personas:
        raise SystemExit(f"{path}: no persona to measure")
    return Manifest(database=data["database"], personas=personas)


# --- Environment ---------------------------------------------------------------------------


def production_environment(database, secret_key):
    """The environment of the server, and of this process (sessions are signed with the key).

    Production mode, as the README's "Production" section runs it, on plain HTTP on loopback.
    Staff and administrators are not asked for a second factor: the sessions made here have
    none. The reference page is on.
    """
    env = dict(os.environ)
    env.pop("MONESPACE_TESTING", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DB="pg",
        PGDATABASE=database,
        CONN_MAX_AGE="600",
        STAFF_REQUIRE_MFA="0",
        ADMIN_REQUIRE_MFA="0",
        BENCHMARK_REFERENCE_VIEW="1",
    )
    env.setdefault("PGHOST", "127.0.0.1")
    env.setdefault("PGUSER", "postgres")
    # Django logs every 4xx as a warning: keep the server's log for real problems.
    env.setdefault("LOG_LEVEL", "ERROR")
    return env


def manage(env, *command):
    """Run a management command in a child process with the production environment."""
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def setup_django(env):
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()


def keep_session(session):
    """Mark a session as kept ("Rester connecté"): IdleTimeoutMiddleware leaves it alone."""
    from django.conf import settings

    session.set_expiry(settings.SESSION_COOKIE_AGE)
    session.save()


# --- Sessions for the load -----------------------------------------------------------------------


def create_kept_session(user):
    """A signed-in, kept session for ``user`` made server-side, without a password."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = MODEL_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    keep_session(session)
    return session


def session_cookie(session):
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# --- Server ---------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_status(url, cookie, timeout=30):
    """Status and Location of one GET, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


class Server:
    """granian serving config.wsgi:application, in its own process group."""

    def __init__(self, env, port, workers, blocking_threads, log_path):
        self.env = env
        self.port = port
        self.workers = workers
        self.blocking_threads = blocking_threads
        self.log_path = log_path
        self.process = None

    @property
    def command(self):
        granian = Path(sys.executable).with_name("granian")
        return [
            str(granian) if granian.exists() else "granian",
            "--interface",
            "wsgi",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--blocking-threads",
            str(self.blocking_threads),
            "--no-access-log",
            "config.wsgi:application",
        ]

    def url(self, path):
        return f"http://{HOST}:{self.port}{path}"

    def start(self):
        with socket.socket() as sock:
            try:
                sock.bind((HOST, self.port))
            except OSError as error:
                raise RuntimeError(f"port {self.port} is not free: {error}") from error
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, cookie, timeout=90):
        """Until the reference page answers 200 with the session cookie."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"granian exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            try:
                status, location = http_status(self.url(REFERENCE_PATH), cookie, timeout=5)
            except OSError:
                time.sleep(0.3)
                continue
            if status == 200:
                return
            raise RuntimeError(
                f"the reference page answers {status} {location}: is the session valid?\n"
                f"{self.log_tail()}"
            )
        raise RuntimeError(f"granian not ready after {timeout} s:\n{self.log_tail()}")

    def stop(self):
        """SIGTERM to granian's process group (the workers too), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines=30):
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


# --- Machine --------------------------------------------------------------------------------------


def command_output(*command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout or result.stderr).strip()


def machine_description(load_at_start):
    from django.db import connection

    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier

    cpus = command_output("nproc") or str(os.cpu_count())
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0].split()[0]
    return (
        f"{cpus} CPUs{f' ({model})' if model else ''}, {mem_kib / 1024 / 1024:.1f} GiB RAM, "
        f"load average {load_at_start:.1f} before the run, "
        f"PostgreSQL {pg_version}; database `{connection.settings_dict['NAME']}`: "
        f"{Dossier.objects.count():,} dossiers, {User.objects.count():,} users"
    )


def invocation():
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(ROOT)
    return shlex.join([str(python), *sys.argv])


def parse_seconds(value):
    seconds = int(str(value).removesuffix("s"))
    if seconds < 1:
        raise argparse.ArgumentTypeError("at least 1 second")
    return seconds


def log(message):
    print(message, file=sys.stderr, flush=True)


def interrupt(signum, frame):
    raise KeyboardInterrupt
