"""The load scenario of issue 16: users of several personas reading pages, saving forms,
uploading files and calling the API, at a constant throughput.

Run by ``benchmarks/load/run.py``, which serves the portal, writes the plan this file reads
(``LOAD_PLAN``: sessions made server-side, API keys, the pages and dossiers of each persona)
and starts locust. By hand, against a server already running with such a plan::

    LOAD_PLAN=var/load/<run>/plan.json .venv/bin/locust -f benchmarks/load/locustfile.py \
        --headless --host http://127.0.0.1:8000 --users 200 --spawn-rate 20 --run-time 5m

Personas (``ROLE_WEIGHTS``, each locust user one of them): a company user with many dossiers
and one with few (pages, the « Formation » step of a new request saved, files joined to the
draft), a training organisation and an OPCO advisor (pages), and a company's software with an
API key (GETs, and a document posted with an ``Idempotency-Key``). Requests are named by route
(``www:dossiers ?q``); every answer is recorded by group — pages, API reads, forms, uploads, API
writes — with 429/503 counted apart as shed and anything else unexpected as an error
(``scenario.py``); the record is written to the plan's ``results`` file when locust quits.

Pacing: ``constant_throughput`` per user, set so that each user sends ``user_rps`` requests a
second on average (a task of two requests — a form read, then posted — counts twice): the
runner starts ``target ÷ user_rps`` users.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from itertools import count
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, constant_throughput, events, task
from locust.exception import StopUser
from requests.cookies import create_cookie

try:
    from benchmarks.load import scenario
except ImportError:  # locust imports this file with its own directory on sys.path
    import scenario  # type: ignore[no-redef]

PLAN_PATH = os.environ.get("LOAD_PLAN", "")
PLAN: dict = json.loads(Path(PLAN_PATH).read_text(encoding="utf-8")) if PLAN_PATH else {}
ROLES: dict = PLAN.get("roles", {})
USER_RPS = float(PLAN.get("user_rps", 0.5))
RECORD = scenario.Recorder()
if __name__ == "locustfile" and not ROLES:  # loaded by locust without a plan
    raise SystemExit("LOAD_PLAN names no plan: benchmarks/load/run.py writes one and runs locust")
# A draft's step page (``www:dossier_step``), from the plan (the runner reverses the route).
STEP_PATH = PLAN.get("paths", {}).get("step", "/dossiers/{pk}/etape/{step}/")

# Share of the users (so of the requests: every user sends as many a second) by persona.
ROLE_WEIGHTS = {
    "company_few": 40,
    "company_many": 20,
    "provider": 12,
    "advisor": 18,
    "api": 10,
}
# Pages read, by the manifest's page keys (a key a persona lacks is not read); ``help`` and
# the draft's pages are added by the scenario.
READ_WEIGHTS = {
    "home": 4,
    "menu": 1,
    "list": 4,
    "list_tab": 1,
    "list_provider": 2,
    "search": 1,
    "search_name": 1,
    "search_number": 1,
    "deep": 1,
    "dossier": 5,
    "notifications": 2,
    "help": 1,
    "bo_home": 1,
    "queue": 3,
    "queue_mine": 1,
    "queue_search": 1,
    "queue_deadline": 1,
    "bo_dossier": 5,
}
# A company user's tasks: pages, the first step of a new request (read, then posted: a draft
# is created), the « Formation » step of the user's draft saved again, a PDF joined to it (the
# « Envoi » step read, then the file posted).
COMPANY_TASKS = {"read": 200, "start_draft": 4, "save_step": 150, "upload": 35}
COMPANY_TASK_REQUESTS = {"read": 1, "start_draft": 2, "save_step": 1, "upload": 2}
PDF = scenario.small_pdf()
DRAFT_IN_LOCATION = re.compile(r"/dossiers/(\d+)/")


class PlainHttpCookies(DefaultCookiePolicy):
    """The portal's cookies are ``Secure`` in production mode (``__Host-`` ones); the load is
    served over plain HTTP on loopback, as a TLS proxy would pass it: send them all the same."""

    def return_ok_secure(self, cookie, request):
        return True


def mean_requests(weights: dict[str, int], requests: dict[str, int]) -> float:
    return sum(weights[name] * requests[name] for name in weights) / sum(weights.values())


class PortalUser(FastHttpUser):
    """A signed-in user of a persona: its session is one the runner made server-side."""

    abstract = True
    role = ""
    network_timeout = float(PLAN.get("timeout", 30))
    connection_timeout = 10.0
    wait_time = constant_throughput(USER_RPS)
    _numbers = count()

    def on_start(self) -> None:
        self.plan: dict = ROLES.get(self.role) or {}
        if not self.plan:
            raise StopUser
        self.n = next(self._numbers)
        self.client.cookiejar.set_policy(PlainHttpCookies())
        sessions = self.plan.get("sessions", [])
        if sessions:
            host = self.host.split("://", 1)[-1].split(":", 1)[0].split("/", 1)[0]
            self.client.cookiejar.set_cookie(
                create_cookie(
                    PLAN["session_cookie"], sessions[self.n % len(sessions)], domain=host, path="/"
                )
            )
        pages = self.plan.get("pages", {})
        self.reads = [
            (page, READ_WEIGHTS.get(key, 1)) for key, page in pages.items() if READ_WEIGHTS.get(key)
        ]

    def call(
        self,
        method: str,
        path: str,
        *,
        name: str,
        group: str,
        expected: tuple[int, ...] = (200,),
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        parse=None,
        location: re.Pattern | None = None,
    ):
        """One request, recorded: returns ``parse(response)`` (or the response) when it is the
        answer expected, else None. A redirect elsewhere than ``location``, or a page that
        ``parse`` refuses (ValueError), is an error: the scenario went astray."""
        headers = dict(headers or {})
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            elapsed_ms = (time.perf_counter() - started) * 1000
            status = response.status_code or 0
            result = scenario.outcome(status, expected)
            value = None
            message = scenario.failure_message(status, expected)
            if result == scenario.OK:
                value = response
                if location is not None:
                    target = (response.headers or {}).get("Location", "")
                    if not location.search(target):
                        result, message = scenario.ERROR, f"error: redirected to {target[:60]}"
                if result == scenario.OK and parse is not None:
                    try:
                        value = parse(response)
                    except ValueError as error:
                        result, message = scenario.ERROR, f"error: {error}"[:120]
            if result == scenario.OK:
                response.success()
            else:
                response.failure(message)
                value = None
            RECORD.add(group, status, result, elapsed_ms, time.time(), f"{method} {name}")
            return value

    def read(self) -> None:
        """A page of the persona's (the manifest's pages, by ``READ_WEIGHTS``)."""
        if not self.reads:
            return
        pages, weights = zip(*self.reads, strict=True)
        page = random.choices(pages, weights)[0]
        self.call("GET", random.choice(page["paths"]), name=page["name"], group=scenario.READ)


class CompanyUser(PortalUser):
    abstract = True
    wait_time = constant_throughput(USER_RPS / mean_requests(COMPANY_TASKS, COMPANY_TASK_REQUESTS))

    def on_start(self) -> None:
        super().on_start()
        self.draft: int | None = None
        self.draft_form: scenario.Form | None = None
        self.saves = 0

    def start_draft(self) -> None:
        """« Nouvelle demande »: the first step read (its CSRF token and submission token),
        then saved with « Valider l'étape »: the draft is created."""
        path = random.choice(self.plan["start"])
        form = self.call(
            "GET",
            path,
            name="www:dossier_start",
            group=scenario.READ,
            parse=lambda response: scenario.find_form(response.text, field="title"),
        )
        if form is None:
            return
        self.saves += 1
        values = scenario.training_step_values(form, self.n * 1000 + self.saves)
        body, content_type = scenario.urlencoded(
            scenario.form_values(form, button="validate", **values)
        )
        response = self.call(
            "POST",
            form.action or path,
            name="www:dossier_start",
            group=scenario.FORM,
            expected=(302,),
            body=body,
            content_type=content_type,
            location=DRAFT_IN_LOCATION,
        )
        if response is not None:
            found = DRAFT_IN_LOCATION.search(response.headers["Location"])
            self.draft = int(found.group(1)) if found else None
            # The same step of that draft, later: the same fields, without the token that
            # only the creation carries.
            form.fields = [(k, v) for k, v in form.fields if k != "submission_token"]
            self.draft_form = form

    def save_step(self) -> None:
        """The draft's « Formation » step saved again, other values typed."""
        if self.draft is None or self.draft_form is None:
            self.start_draft()
            return
        self.saves += 1
        values = scenario.training_step_values(self.draft_form, self.n * 1000 + self.saves)
        body, content_type = scenario.urlencoded(
            scenario.form_values(self.draft_form, button="validate", **values)
        )
        self.call(
            "POST",
            STEP_PATH.format(pk=self.draft, step="formation"),
            name="www:dossier_step",
            group=scenario.FORM,
            expected=(302,),
            body=body,
            content_type=content_type,
            location=DRAFT_IN_LOCATION,
        )

    def upload(self) -> None:
        """A PDF joined to the draft from its « Envoi » step (the form read, then posted)."""
        if self.draft is None:
            self.start_draft()
            return
        path = STEP_PATH.format(pk=self.draft, step="envoi")
        form = self.call(
            "GET",
            path,
            name="www:dossier_step",
            group=scenario.READ,
            parse=lambda response: scenario.find_form(response.text, action_suffix="/documents/"),
        )
        if form is None:
            return
        pairs = scenario.form_values(
            form, piece_type="programme", title="Programme de la formation", comment=""
        )
        body, content_type = scenario.multipart(
            pairs, [("file", "programme.pdf", "application/pdf", PDF)]
        )
        self.call(
            "POST",
            form.action,
            name="www:dossier_document_upload",
            group=scenario.UPLOAD,
            expected=(302,),
            body=body,
            content_type=content_type,
            location=DRAFT_IN_LOCATION,
        )

    tasks = {  # type: ignore[assignment]  # locust takes {task: weight} too
        PortalUser.read: COMPANY_TASKS["read"],
        start_draft: COMPANY_TASKS["start_draft"],
        save_step: COMPANY_TASKS["save_step"],
        upload: COMPANY_TASKS["upload"],
    }


class CompanyManyUser(CompanyUser):
    """A company user seeing many dossiers (the benchmark's 50,000)."""

    role = "company_many"
    weight = ROLE_WEIGHTS[role]
    abstract = role not in ROLES


class CompanyFewUser(CompanyUser):
    """A company user seeing few dossiers (the benchmark's 500)."""

    role = "company_few"
    weight = ROLE_WEIGHTS[role]
    abstract = role not in ROLES


class ProviderUser(PortalUser):
    """A training organisation: its clients' and its own dossiers."""

    role = "provider"
    weight = ROLE_WEIGHTS[role]
    abstract = role not in ROLES
    tasks = [PortalUser.read]


class AdvisorUser(PortalUser):
    """An OPCO advisor: the instruction queue and the back office's dossier page."""

    role = "advisor"
    weight = ROLE_WEIGHTS[role]
    abstract = role not in ROLES
    tasks = [PortalUser.read]


class ApiUser(PortalUser):
    """A company's software: its key (one per user, up to the runner's pool) and the
    software's headers; reads, and a document posted with an Idempotency-Key."""

    role = "api"
    weight = ROLE_WEIGHTS[role]
    abstract = role not in ROLES

    def on_start(self) -> None:
        super().on_start()
        keys = self.plan["keys"]
        self.headers = scenario.api_headers(keys[self.n % len(keys)])

    def get(self, path: str, name: str) -> None:
        self.call("GET", path, name=name, group=scenario.API_READ, headers=self.headers)

    @task(2)
    def status(self) -> None:
        self.get(self.plan["status"], "api:status")

    @task(3)
    def training_actions(self) -> None:
        # The first page half of the time (a software syncing what changed), else any page.
        page = 1 if random.random() < 0.5 else random.randint(1, max(1, self.plan["list_pages"]))
        if page == 1:
            self.get(self.plan["list"], "api:training_actions")
        else:
            self.get(f"{self.plan['list']}?page={page}", "api:training_actions ?page")

    @task(4)
    def training_action(self) -> None:
        self.get(random.choice(self.plan["detail"]), "api:training_action")

    @task(1)
    def document(self) -> None:
        body, content_type = scenario.multipart(
            [("type", "programme"), ("titre", "Programme de la formation")],
            [("fichier", "programme.pdf", "application/pdf", PDF)],
        )
        self.call(
            "POST",
            random.choice(self.plan["attach"]),
            name="api:dossier_documents",
            group=scenario.API_WRITE,
            expected=(201,),
            body=body,
            content_type=content_type,
            headers={**self.headers, "Idempotency-Key": str(uuid.uuid4())},
        )


# --- Stages ------------------------------------------------------------------------------------

STAGES: list[dict] = PLAN.get("stages", [])

if STAGES:

    class Stages(LoadTestShape):
        """The plan's stages (the stress mode: ramp, stress, recovery): users and spawn rate
        for so many seconds each; the stage's name tags every answer recorded in it."""

        def tick(self):
            elapsed = self.get_run_time()
            end = 0.0
            for stage in STAGES:
                end += stage["seconds"]
                if elapsed < end:
                    if RECORD.stage != stage["name"]:
                        RECORD.set_stage(stage["name"], time.time())
                    return stage["users"], stage["spawn_rate"]
            return None


@events.test_start.add_listener
def _started(environment, **kwargs) -> None:
    RECORD.set_stage("ramp", time.time())


@events.spawning_complete.add_listener
def _spawned(user_count, **kwargs) -> None:
    # Without stages: the steady load starts once every user is running.
    if not STAGES and RECORD.stage == "ramp":
        RECORD.set_stage("steady", time.time())


LOCUST_CPU_WARNINGS: list[float] = []


@events.cpu_warning.add_listener
def _locust_overloaded(environment, cpu_usage, **kwargs) -> None:
    # Locust itself short of CPU: its timings and its pace are no longer to be trusted.
    LOCUST_CPU_WARNINGS.append(cpu_usage)


@events.quitting.add_listener
def _write_results(environment, **kwargs) -> None:
    target = PLAN.get("results")
    if not target:
        return
    data = RECORD.as_dict()
    data["locust_cpu_warnings"] = LOCUST_CPU_WARNINGS
    data["user_classes"] = {
        cls.__name__: getattr(cls, "weight", 1) for cls in environment.user_classes
    }
    Path(target).write_text(json.dumps(data), encoding="utf-8")
