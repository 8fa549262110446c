"""The fault tests' fixtures (marker ``chaos``, docs/operations.md « Several servers »).

- ``topology``: the multi-server deployment of ``scripts/topology`` — PostgreSQL, PgBouncer,
  Redis, two app instances, a task worker, nginx, SeaweedFS, clamd — started once per session
  by the first test that asks for it (stopped at the end unless it was already running), both
  app instances serving at the start of each test. It gives the URLs, ``manage()`` and
  ``shell()`` (manage.py against the topology's database), ``sql()`` (a query on its
  PostgreSQL, directly), ``s3_keys()`` (the files in its bucket), ``direct(n, path)`` and
  ``ready(n)`` (an instance itself, without nginx) and the faults: ``kill_app(n)``,
  ``restart_app(n)``, ``stop_app(n)``, ``start_app(n)``, ``restart_db(pause)``, ``stop_db()``,
  ``start_db()``, ``kill_worker()``, ``restart_worker()``.
- ``seeded`` (factory): ``seeded(n)`` creates a company, an establishment and ``n`` users
  who enter its training requests; ``topology.client(email)`` logs one in over HTTPS and acts
  as a browser would (forms read from the page, CSRF, no redirect followed).
- For loads: ``Journal`` (every request as its client saw it), ``until_answered`` (the same
  request again while the answer is a connection error or 502/503/504), ``start_draft`` and
  ``attach`` (a draft's first step and an upload, retried so, with the same form token).

The topology needs nginx, PgBouncer, Redis and PostgreSQL's binaries: without them the tests
are skipped with the reason, unless ``MONESPACE_REQUIRE_TOPOLOGY=1`` (scripts/test sets it),
which makes them fail instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "topology"
PASSWORD = "Motdepasse-solide-42"  # tests/factories.UserFactory's
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# What a client treats as « try again »: the instance went away, or the portal said 503.
RETRYABLE = {502, 503, 504}


def _missing() -> list[str]:
    missing = [name for name in ("nginx", "pgbouncer", "redis-server") if not _which(name)]
    if not (PG_BIN / "postgres").exists() and not list(Path("/usr/lib/postgresql").glob("*/bin")):
        missing.append("postgresql")
    return missing


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")


class TopologyError(RuntimeError):
    pass


def _environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """What the topology's processes start with: the machine's basics and the topology's own
    file (var/topology/env, read by the script) — never this test process's settings."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PG_BIN", "WEED")
    return {**{k: os.environ[k] for k in keep if k in os.environ}, **(extra or {})}


@dataclass
class Topology:
    """The running topology, as ``scripts/topology env`` describes it."""

    url: str
    apps: dict[int, str]
    cacert: str
    values: dict[str, str] = field(default_factory=dict)

    # --- the script --------------------------------------------------------------------
    def script(self, *args: str, timeout: float = 240) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPT), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_environment(),
        )
        if done.returncode:
            raise TopologyError(
                f"scripts/topology {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def kill_app(self, n: int) -> None:
        """``kill -9`` of an instance and its workers, as a crashed host."""
        self.script("kill-app", str(n))

    def stop_app(self, n: int) -> None:
        self.script("stop-app", str(n))

    def start_app(self, n: int) -> None:
        """Back, and ready (``/readyz``) when this returns."""
        self.script("start-app", str(n))

    def restart_app(self, n: int) -> None:
        """SIGTERM (requests in flight finish), start, ready."""
        self.script("restart-app", str(n))

    def restart_db(self, pause: float = 0) -> None:
        """PostgreSQL stopped (fast), away ``pause`` seconds, started, accepting connections."""
        self.script("restart-db", str(pause))

    def stop_db(self) -> None:
        self.script("stop-db")

    def start_db(self) -> None:
        self.script("start-db")

    def kill_worker(self) -> None:
        self.script("kill-worker")

    def restart_worker(self) -> None:
        self.script("restart-worker")

    def direct(self, n: int, path: str):
        """GET ``path`` from app instance ``n`` itself, as nginx would send it."""
        import requests

        with requests.Session() as session:
            session.trust_env = False  # no proxy from the environment for 127.0.0.1
            return session.get(
                f"{self.apps[n]}{path}",
                headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"},
                allow_redirects=False,
                timeout=5,
            )

    def ready(self, n: int) -> bool:
        """Its ``/readyz`` answers 200 (database, cache, storage, antivirus)."""
        import requests

        try:
            return self.direct(n, "/readyz").status_code == 200
        except requests.RequestException:
            return False

    # --- the database ------------------------------------------------------------------
    def manage(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
        """``manage.py ARGS`` with the topology's environment (through PgBouncer); its stdout.
        ``env`` adds or overrides variables (``STORAGE_ORPHAN_GRACE_HOURS``…)."""
        done = subprocess.run(
            ["bash", str(SCRIPT), "manage", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_environment(env),
        )
        if done.returncode:
            raise TopologyError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def shell(self, code: str) -> object:
        """Runs ``code`` in ``manage.py shell``; it must print one JSON value last."""
        lines = [line for line in self.manage("shell", "-c", code).splitlines() if line.strip()]
        return json.loads(lines[-1])

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """A read on the topology's PostgreSQL itself (not through PgBouncer)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=int(self.values["postgresql_port"]),
            dbname="monespace",
            user="monespace",
            autocommit=True,
            connect_timeout=5,
        ) as connection:
            return connection.execute(query, params).fetchall()

    def s3_keys(self) -> set[str]:
        """Every object in the topology's bucket."""
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.values["S3_ENDPOINT_URL"],
            aws_access_key_id=self.values["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.values["S3_SECRET_ACCESS_KEY"],
            region_name=self.values["S3_REGION"],
        )
        keys: set[str] = set()
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=self.values["S3_BUCKET"]
        ):
            keys.update(item["Key"] for item in page.get("Contents", []))
        return keys

    # --- users -------------------------------------------------------------------------
    def client(self, email: str | None = None) -> PortalClient:
        client = PortalClient(self)
        if email:
            client.login(email)
        return client


class PortalClient:
    """One browser: its own cookies, forms read from the pages, no redirect followed."""

    def __init__(self, topology: Topology, timeout: float = 30):
        import requests

        self.topology = topology
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE would override the CA below
        self.session.verify = topology.cacert
        self.timeout = timeout

    def get(self, path: str, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.topology.url + path, timeout=self.timeout, **kwargs)

    def post(self, path: str, data: dict, files: dict | None = None):
        url = self.topology.url + path
        return self.session.post(
            url,
            data=data,
            files=files,
            headers={"Referer": url, "Origin": self.topology.url},
            allow_redirects=False,
            timeout=self.timeout,
        )

    def form(self, path: str, action: str | None = None):
        """The values a browser would send from the page's POST form (its last one, or the
        one posting to ``action``), as ``.values`` of a 200 answer; any other answer as is."""
        from tests.helpers import form_values

        response = self.get(path)
        if response.status_code != 200:
            return response
        page = response.text
        if action is None:
            return _Form(200, form_values(page))
        start = page.index(f'action="{action}"')
        page = page[page.rindex("<form", 0, start) :]
        return _Form(200, form_values(page[: page.index("</form>") + len("</form>")], 0))

    def login(self, email: str) -> None:
        page = self.form("/accounts/login/")
        if page.status_code != 200:
            raise TopologyError(f"login page: {page.status_code}")
        values = {**page.values, "login": email, "password": PASSWORD}
        response = self.post("/accounts/login/", values)
        if response.status_code != 302:
            raise TopologyError(f"login of {email}: {response.status_code}")


@dataclass
class Attempt:
    """One request of a load, as its client saw it."""

    started: float
    ended: float
    method: str
    what: str
    status: int | None  # None: no HTTP answer (connection refused, reset, timeout)
    retry_after: str | None = None


class Journal:
    """What the clients of a load did, shared by their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempts: list[Attempt] = []

    def call(self, method: str, what: str, send):
        started = time.monotonic()
        try:
            response = send()
        except Exception:
            self._add(Attempt(started, time.monotonic(), method, what, None))
            return None
        self._add(
            Attempt(
                started,
                time.monotonic(),
                method,
                what,
                response.status_code,
                response.headers.get("Retry-After"),
            )
        )
        return response

    def _add(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)

    def failures(self, method: str | None = None) -> list[Attempt]:
        return [
            a
            for a in self.attempts
            if (method is None or a.method == method) and (a.status is None or a.status >= 500)
        ]


def until_answered(journal: Journal, method: str, what: str, send, *, deadline: float):
    """``send()`` again — the same form, the same token — while the answer is a connection
    error or 502/503/504, until ``deadline`` (``time.monotonic()``); the last response."""
    while True:
        response = journal.call(method, what, send)
        if response is not None and response.status_code not in RETRYABLE:
            return response
        if time.monotonic() > deadline:
            raise TopologyError(f"{method} {what}: no answer before the deadline")
        time.sleep(0.2)


STEP = re.compile(r"/dossiers/(\d+)/etape/")


def first_step(establishment: int) -> str:
    """The first step of a new training request for ``establishment`` (no draft yet)."""
    return f"/dossiers/nouvelle-demande/action-de-formation/etablissement/{establishment}/"


def start_draft(client: PortalClient, journal: Journal, start: str, title: str, deadline: float):
    """« Nouvelle demande », first step saved (« Valider l'étape »), retried as above: the
    acknowledged dossier's id."""
    values = until_answered(journal, "GET", "start", lambda: client.form(start), deadline=deadline)
    values = {**values.values, "title": title, "validate": "1"}
    values.pop("save_quit", None)
    response = until_answered(
        journal, "POST", "start", lambda: client.post(start, values), deadline=deadline
    )
    match = STEP.search(response.headers.get("Location", ""))
    if response.status_code != 302 or not match:
        raise TopologyError(f"first step: {response.status_code} {response.text[:500]}")
    return int(match.group(1))


def attach(client: PortalClient, journal: Journal, dossier: int, title: str, deadline: float):
    """« Joindre le fichier » on the last step (a small PDF), retried as above."""
    step = f"/dossiers/{dossier}/etape/envoi/"
    action = f"/dossiers/{dossier}/documents/"
    values = until_answered(
        journal, "GET", "send step", lambda: client.form(step, action), deadline=deadline
    )
    values = {**values.values, "piece_type": "programme", "title": title}
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + title.encode()
    response = until_answered(
        journal,
        "POST",
        "upload",
        lambda: client.post(
            action, values, files={"file": ("programme.pdf", pdf, "application/pdf")}
        ),
        deadline=deadline,
    )
    if response.status_code != 302 or not response.headers.get("Location", "").startswith(step):
        raise TopologyError(f"upload: {response.status_code} {response.headers}")


@dataclass
class _Form:
    """A page's form, answering like a response (``until_answered``)."""

    status_code: int
    values: dict[str, str]
    headers: dict = field(default_factory=dict)


# --- fixtures --------------------------------------------------------------------------------
def _describe(env_output: str) -> Topology:
    values = dict(line.split("=", 1) for line in env_output.splitlines() if "=" in line)
    env_file = Path(values["env"])
    for line in env_file.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            values.setdefault(name, value)
    values["postgresql_port"] = values["postgresql"].rsplit(":", 1)[1].split("/")[0]
    return Topology(
        url=values["url"],
        apps={1: values["app1"], 2: values["app2"]},
        cacert=values["cacert"],
        values=values,
    )


@pytest.fixture(scope="session")
def topology_session():
    """Started at the first test that asks for ``topology``; stopped after the last test,
    unless it was running before (started by hand: left so)."""
    missing = _missing()
    if missing:
        reason = (
            f"the multi-server topology needs {', '.join(missing)} (scripts/test installs them)"
        )
        if os.environ.get("MONESPACE_REQUIRE_TOPOLOGY") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    probe = Topology(url="", apps={}, cacert="")
    status = dict(line.split(None, 1) for line in probe.script("status").splitlines())
    already = all(status.get(name, "").startswith("up") for name in ("nginx", "app1", "app2"))
    topology = _describe(probe.script("start", timeout=600))
    yield topology
    if not already:
        probe.script("stop", timeout=120)


@pytest.fixture
def topology(topology_session):
    """The topology, both app instances serving (a failed test may have left one down)."""
    for n in (1, 2):
        if not topology_session.ready(n):
            topology_session.start_app(n)
    return topology_session


@pytest.fixture
def seeded(topology):
    """``seeded(n)`` → {"establishment": pk, "users": [emails]}: a company with an
    establishment (member of the OPCO) and ``n`` users who enter its training requests."""

    def seed(n: int) -> dict:
        return topology.shell(
            f"""
import json, secrets
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, UserFactory
# Sequences of their own: the topology's database outlives a test session.
offset = secrets.randbelow(80_000_000) + 1_000_000
for factory in (UserFactory, CompanyFactory, EstablishmentFactory):
    factory.reset_sequence(offset)
establishment = EstablishmentFactory(member=True)
users = [
    MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    for _ in range({n})
]
print(json.dumps({{"establishment": establishment.pk, "users": [u.email for u in users],
                  "ids": [u.pk for u in users]}}))
"""
        )

    return seed
