"""The load scenario of issue 16, served and measured in one command.

    # 100 requests/s for 30 minutes (after a 10 s ramp) on the scale benchmark's database
    .venv/bin/python benchmarks/load/run.py --manifest var/bench/manifest.json
    # 250 requests/s for 10 minutes, then 50 requests/s for 3 minutes: the recovery
    .venv/bin/python benchmarks/load/run.py --manifest var/bench/manifest.json --stress
    # a check of the tooling: 20 requests/s for 90 s
    .venv/bin/python benchmarks/load/run.py --manifest var/load/small-manifest.json \
        --rate 20 --duration 90

The runner serves the portal as ``benchmarks/scale/run.py`` does (granian in production mode,
2 workers × 2 threads, the manifest's PostgreSQL database; without ``CLAMAV_SOCKET``: uploads
are kept « non analysé », the antivirus is not part of this load), makes the personas' sessions
and API keys server-side, writes the plan ``locustfile.py`` reads, and runs locust headless at
a constant throughput. Meanwhile it samples the CPU of each process (granian's workers,
PostgreSQL's backends of the database and its other processes, locust, itself, the rest of the
machine) from /proc every few seconds. It prints a summary — requests/s achieved, p50/p95 of
reads and writes, failures by status, the shed share (429/503), CPU by process, the acknowledged
writes found in the database, the targets met or not — and keeps everything under
``var/load/<date>/``: locust's CSV statistics and HTML report, the plan, ``results.json`` (every
answer by stage and group, and by second), ``summary.json`` and ``summary.md``, the server's
log. The drafts and documents the run created are deleted at the end (``--keep-writes`` keeps
them), and the sessions and API keys it made.

Personas (``--role ROLE=PERSONA`` to choose others): ``company_many`` (company_50000, or the
demo's company), ``company_few`` (company_500), ``provider`` (of_2000_clients), ``advisor``
(advisor) and ``api`` (keys of company_5000's company, created by that persona's user).
See docs/performance.md, « Load scenario ».
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import json
import math
import os
import random
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import scenario  # noqa: E402
from benchmarks.scale._serve import (  # noqa: E402
    Server,
    command_output,
    create_kept_session,
    free_port,
    interrupt,
    invocation,
    log,
    machine_description,
    manage,
    production_environment,
    read_manifest,
    setup_django,
)

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
READ_P95_MS = 300.0  # issue 16: reads' p95 under 300 ms
WRITE_P95_MS = 800.0  # and writes' under 800 ms
RECOVERY_S = 60.0  # the stress's errors and shedding over within a minute of the load dropping
RATE_HELD = 0.95  # the target rate counts as held at 95 % of it
ROLE_PERSONAS = {  # the first persona of the manifest found is the role's
    "company_many": ("company_50000", "demo_company"),
    "company_few": ("company_500", "demo_company"),
    "provider": ("of_2000_clients", "demo_provider"),
    "advisor": ("advisor", "demo_advisor"),
    "api": ("company_5000", "demo_company"),
}
COMPANY_ROLES = ("company_many", "company_few")
SAMPLE_DOSSIERS = 200  # dossier pages read per persona, drawn from what it sees
MAX_SESSIONS = 64  # sessions per persona (the users of a persona share them round-robin)
MAX_KEYS = 32  # API keys (each allows 600 calls a minute: one per API user, up to this)


# --- The plan: sessions, keys, pages -------------------------------------------------------------


def route_name(path: str) -> str:
    """The URL's route name and its query's parameter names: ``www:dossiers ?group``."""
    from django.urls import resolve

    parts = urlsplit(path)
    name = resolve(parts.path).view_name
    keys = sorted(parse_qs(parts.query, keep_blank_values=True))
    return f"{name} ?{'&'.join(keys)}" if keys else name


def choose_personas(manifest, overrides):
    """{role: persona} from the defaults and ``--role ROLE=PERSONA``."""
    by_name = {persona.name: persona for persona in manifest.personas}
    chosen = {}
    for role, candidates in ROLE_PERSONAS.items():
        name = overrides.get(role) or next((n for n in candidates if n in by_name), None)
        if name is None:
            log(f"warning: no persona for {role} in the manifest: that role is left out")
            continue
        if name not in by_name:
            raise SystemExit(f"--role {role}={name}: no such persona in the manifest")
        chosen[role] = by_name[name]
    unknown = set(overrides) - set(ROLE_PERSONAS)
    if unknown:
        raise SystemExit(f"unknown role(s): {', '.join(sorted(unknown))}")
    return chosen


def sample(rows, k, rng):
    rows = list(rows)
    return rows if len(rows) <= k else rng.sample(rows, k)


def page_entries(persona, user, rng):
    """{page key: {"paths", "name"}}: the manifest's pages, the dossier pages drawn from what
    the persona sees, the help page."""
    from django.urls import reverse

    from monespace.dossiers import perms
    from monespace.dossiers.enums import DossierState
    from monespace.dossiers.models import Dossier

    pages = {
        key: {"paths": [path], "name": route_name(path)} for key, path in persona.pages.items()
    }
    if "dossier" in pages:
        seen = (
            perms.visible_to(user, reach=perms.reach_of(user))
            .exclude(state=DossierState.DRAFT)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[: SAMPLE_DOSSIERS * 5]
        )
        pages["dossier"]["paths"] += [
            reverse("www:dossier", args=[pk]) for pk in sample(seen, SAMPLE_DOSSIERS, rng)
        ]
    if "bo_dossier" in pages:
        queued = (
            Dossier.objects.filter(
                state__in=[
                    DossierState.SUBMITTED,
                    DossierState.UNDER_REVIEW,
                    DossierState.DOCUMENTS_REQUESTED,
                ]
            )
            .order_by("-id")
            .values_list("pk", flat=True)[: SAMPLE_DOSSIERS * 5]
        )
        pages["bo_dossier"]["paths"] += [
            reverse("backoffice:dossier", args=[pk]) for pk in sample(queued, SAMPLE_DOSSIERS, rng)
        ]
    if not user.is_staff:
        pages.setdefault("help", {"paths": [reverse("www:help")], "name": "www:help"})
    return pages


def start_paths(user):
    """« Nouvelle demande » of a training action for some of the user's establishments."""
    from django.urls import reverse

    from monespace.dossiers import perms
    from monespace.dossiers.enums import DossierKind
    from monespace.dossiers.kinds import get_kind

    kind = get_kind(DossierKind.TRAINING_ACTION)
    establishments = perms.establishments_user_can_enter(
        user, reach=perms.reach_of(user), kind=kind.value
    ).order_by("pk")[:10]
    return [
        reverse("www:dossier_start", kwargs={"dispositif": kind.slug, "establishment": e.pk})
        for e in establishments
    ]


def company_editor(persona, user):
    """A user of the persona's company who may enter training actions and sees all of its
    dossiers (its administrator, first), when the persona itself only reads (the
    generator's company_500): the same pages, and the writes."""
    from monespace.organizations.enums import MembershipStatus
    from monespace.organizations.models import Membership

    companies = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "company"
    )
    candidates = (
        Membership.objects.filter(
            company__in=companies,
            status=MembershipStatus.ACTIVE,
            can_view_training=True,
            can_edit_training=True,
            establishments=None,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("-is_admin", "pk")
    )
    for membership in candidates[:10]:
        if start_paths(membership.user):
            log(
                f"{persona.name}: user {user.pk} may not enter training actions; user "
                f"{membership.user.pk} of the same company (all of its establishments) is used"
            )
            return membership.user
    raise SystemExit(f"{persona.name}: nobody of its company may start a training action")


def api_entries(persona, user, keys, rng):
    """The API persona's keys (its company's, made by its user) and what it calls."""
    from django.urls import reverse
    from django.utils import timezone

    from monespace.api.dossiers import dossiers_for
    from monespace.dossiers.enums import DossierKind, DossierState
    from monespace.organizations.api_keys import api_key_create
    from monespace.organizations.enums import MembershipStatus
    from monespace.organizations.models import Membership

    membership = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("company")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"{persona.name}: no active membership, no company for the API keys")
    made = []
    for i in range(keys):
        made.append(
            api_key_create(
                actor=user,
                company=membership.company,
                profile=membership.profile,
                name=f"Banc de charge {i + 1}",
                publisher="Banc de charge",
                software="locust",
                scopes={"can_read_contracts": True, "can_deposit_contracts": True},
                expires_on=timezone.localdate() + datetime.timedelta(days=7),
            )
        )
    sent = dossiers_for(made[0][0], DossierKind.TRAINING_ACTION)
    numbers = list(sent.order_by("-submitted_at", "-pk").values_list("number", flat=True)[:1000])
    attachable = list(
        sent.filter(
            state__in=[DossierState.SUBMITTED, DossierState.UNDER_REVIEW, DossierState.APPROVED]
        ).values_list("number", flat=True)[:1000]
    )
    if not numbers or not attachable:
        raise SystemExit(f"{persona.name}: its company has no transmitted training action")
    detail = [reverse("api:training_action", args=[n]) for n in sample(numbers, 200, rng)]
    attach = [reverse("api:dossier_documents", args=[n]) for n in sample(attachable, 50, rng)]
    return [key.pk for key, _secret in made], {
        "keys": [secret for _key, secret in made],
        "status": reverse("api:status"),
        "list": reverse("api:training_actions"),
        "list_pages": max(1, math.ceil(sent.count() / 50)),
        "detail": detail,
        "attach": attach,
    }


def draft_paths():
    """Paths of a draft the locust users create, as templates (``{pk}``, ``{step}``)."""
    from django.urls import reverse

    step = reverse("www:dossier_step", args=[987654321, "STEP"])
    return {"step": step.replace("987654321", "{pk}").replace("STEP", "{step}")}


def build_plan(args, personas, users, server_url, results_path, stages, rng, made):
    """The plan locustfile.py reads; what to delete at the end (sessions, keys) is added to
    ``made`` as it is made."""
    from django.conf import settings

    plan = {
        "host": server_url,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "user_rps": args.user_rps,
        "timeout": args.timeout,
        "results": str(results_path),
        "stages": stages,
        "paths": draft_paths(),
        "roles": {},
    }
    sessions_each = min(MAX_SESSIONS, args.max_users)
    for role, persona in personas.items():
        user = users[role]
        if role == "api":
            keys, entry = api_entries(persona, user, min(MAX_KEYS, args.max_users), rng)
            made["keys"] += keys
        else:
            sessions = [create_kept_session(user) for _ in range(sessions_each)]
            made["sessions"] += [session.session_key for session in sessions]
            entry = {
                "sessions": [session.session_key for session in sessions],
                "pages": page_entries(persona, user, rng),
            }
            if role in COMPANY_ROLES:
                entry["start"] = start_paths(user)
                if not entry["start"]:
                    raise SystemExit(f"{persona.name}: may not start a training action anywhere")
        plan["roles"][role] = {"persona": persona.name, "label": persona.label, **entry}
    return plan


def write_marks():
    """The highest ids before the run: what the run wrote is above them."""
    from django.db.models import Max

    from monespace.dossiers.models import Document, Dossier

    return {
        "dossier": Dossier.objects.aggregate(m=Max("pk"))["m"] or 0,
        "document": Document.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def writes_found(marks):
    from monespace.dossiers.models import Document, Dossier

    return {
        "drafts": Dossier.objects.filter(pk__gt=marks["dossier"]).count(),
        "documents": Document.objects.filter(pk__gt=marks["document"]).count(),
    }


def clean_up(made, marks, keep_writes):
    """Delete the sessions and keys made for the run, and (unless kept) what it wrote."""
    from django.contrib.sessions.models import Session
    from django.db import connection

    from monespace.dossiers.models import Document, Dossier
    from monespace.organizations.models import ApiKey

    connection.close()  # the server's death may have left this one unusable
    Session.objects.filter(session_key__in=made["sessions"]).delete()
    ApiKey.objects.filter(pk__in=made["keys"]).delete()
    if keep_writes or marks is None:
        return
    Document.objects.filter(pk__gt=marks["document"]).delete()
    Dossier.objects.filter(pk__gt=marks["dossier"]).delete()


# --- CPU by process, from /proc ----------------------------------------------------------------


def _proc_stat(pid):
    """(command, parent, process group, CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return command, int(fields[1]), int(fields[2]), (int(fields[11]) + int(fields[12])) / ticks


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _machine_busy():
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal
    return (total - values[3] - values[4]) / ticks, total / ticks


class CpuSampler(threading.Thread):
    """Every ``interval`` seconds, the CPU seconds each process used since the last sample,
    by category: ``granian worker <pid>`` (and its main process), ``postgres: <database>``
    (the backends of the benchmark's database), ``postgres: other`` (background processes,
    other databases), ``locust``, ``runner`` (this process), ``other processes``."""

    def __init__(self, interval, server_pgid, locust_pgid, database):
        super().__init__(daemon=True)
        self.interval = interval
        self.server_pgid = server_pgid
        self.locust_pgid = locust_pgid
        self.database = database
        self.samples = []  # (time, {category: cpu seconds}, machine busy, machine total)
        self._halt = threading.Event()
        self._previous = {}
        self._machine = None

    def category(self, pid, command, pgid):
        if pgid == self.server_pgid:
            return f"granian {'main' if pid == self.server_pgid else 'worker'} {pid}"
        if pgid == self.locust_pgid:
            return "locust"
        if pid == os.getpid():
            return "runner"
        if command == "postgres":
            line = _cmdline(pid)
            return (
                f"postgres: {self.database}"
                if f" {self.database} " in line
                else ("postgres: other")
            )
        return None

    def sample(self):
        now = time.time()
        current: dict[int, float] = {}
        used: dict[str, float] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            stat = _proc_stat(pid)
            if stat is None:
                continue
            command, _parent, pgid, seconds = stat
            current[pid] = seconds
            category = self.category(pid, command, pgid)
            if category is None:
                continue
            # A process born since the last sample: all its time is in this interval.
            delta = seconds - self._previous.get(pid, 0.0)
            used[category] = used.get(category, 0.0) + max(delta, 0.0)
        busy, total = _machine_busy()
        if self._machine is not None:
            self.samples.append((now, used, busy - self._machine[0], total - self._machine[1]))
        self._previous, self._machine = current, (busy, total)

    def run(self):
        self.sample()
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self):
        self._halt.set()
        self.join(timeout=self.interval + 5)

    def shares(self, start, end):
        """{category: share of the whole machine, in %} over the samples in [start, end],
        with ``other processes`` (the machine's busy time not in a category) and ``idle``."""
        chosen = [s for s in self.samples if start < s[0] <= end + self.interval]
        total = sum(s[3] for s in chosen)
        if not total:
            return {}
        used: dict[str, float] = {}
        for _time, categories, _busy, _total in chosen:
            for category, seconds in categories.items():
                used[category] = used.get(category, 0.0) + seconds
        busy = sum(s[2] for s in chosen)
        shares = {c: 100 * s / total for c, s in sorted(used.items())}
        shares["other processes"] = max(0.0, 100 * (busy - sum(used.values())) / total)
        shares["idle"] = max(0.0, 100 * (total - busy) / total)
        return shares


# --- Locust ------------------------------------------------------------------------------------


def locust_command(args, plan_host, out):
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        plan_host,
        "--csv",
        str(out / "locust"),
        "--html",
        str(out / "report.html"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if not args.stress:
        users = users_for(args.rate, args.user_rps)
        ramp = math.ceil(users / spawn_rate(args, users))
        command += [
            "--users",
            str(users),
            "--spawn-rate",
            f"{spawn_rate(args, users):g}",
            "--run-time",
            f"{ramp + args.duration}s",
        ]
    return command


def users_for(rate, user_rps):
    return max(1, round(rate / user_rps))


def spawn_rate(args, users):
    return args.spawn_rate or max(1.0, users / 10)


def stress_stages(args):
    """Ramp to the stress rate, hold it, then drop to the recovery rate (every extra user
    stopped at once)."""
    users = users_for(args.rate, args.user_rps)
    rate = spawn_rate(args, users)
    after = users_for(args.recovery_rate, args.user_rps)
    return [
        {"name": "ramp", "seconds": math.ceil(users / rate), "users": users, "spawn_rate": rate},
        {"name": "stress", "seconds": args.duration, "users": users, "spawn_rate": rate},
        {"name": "recovery", "seconds": args.recovery_time, "users": after, "spawn_rate": users},
    ]


def read_locust_csv(path):
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError:
        return []


# --- Summary -----------------------------------------------------------------------------------


def _fmt_ms(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def group_rows(stage):
    """(label, summary) rows of a stage: reads, writes, then each group."""
    labels = {
        scenario.READ: "pages (GET)",
        scenario.API_READ: "API reads (GET)",
        scenario.FORM: "forms posted",
        scenario.UPLOAD: "uploads (« Joindre »)",
        scenario.API_WRITE: "API writes (POST + file)",
    }
    rows = [("**reads**", stage["reads"]), ("**writes**", stage["writes"])]
    rows += [
        (f"  {labels[g]}", stage["groups"][g]) for g in scenario.GROUPS if g in stage["groups"]
    ]
    return rows


def lost_writes(writes):
    """Acknowledged writes (302/201 received) missing from the database. More rows than
    acknowledgements is possible: a request cut by a stopped user may have been written."""
    return max(0, writes["drafts_acknowledged"] - writes["drafts"]) + max(
        0, writes["documents_acknowledged"] - writes["documents"]
    )


def verdicts(mode, target, stages, recovered, writes):
    """[(what, met: bool, figure)] of the issue's targets."""
    checks = []
    lost = lost_writes(writes)
    if mode == "steady":
        steady = stages.get("steady")
        if steady is None:
            return [("a steady stage was measured", False, "none")]
        achieved = steady["total"]["rps"]
        failed = steady["total"]["errors"] + steady["total"]["shed"]
        checks += [
            (
                f"{target:g} req/s held (≥ {RATE_HELD:.0%})",
                achieved >= RATE_HELD * target,
                f"{achieved:.1f} req/s",
            ),
            (
                f"reads p95 < {READ_P95_MS:.0f} ms",
                steady["reads"]["p95_ms"] < READ_P95_MS,
                f"{steady['reads']['p95_ms']:.0f} ms",
            ),
            (
                f"writes p95 < {WRITE_P95_MS:.0f} ms",
                steady["writes"]["p95_ms"] < WRITE_P95_MS,
                f"{steady['writes']['p95_ms']:.0f} ms",
            ),
            ("no error, nothing shed", failed == 0, f"{failed} of {steady['total']['requests']}"),
        ]
    else:
        stress = stages.get("stress")
        if stress is None:
            return [("a stress stage was measured", False, "none")]
        statuses = {int(status): n for status, n in stress["total"]["statuses"].items()}
        server_errors = sum(n for status, n in statuses.items() if status >= 500 and status != 503)
        no_answer = statuses.get(0, 0)
        other = stress["total"]["errors"] - server_errors - no_answer
        seconds = recovered.get("errors_s")
        checks += [
            ("no 5xx but 503 under stress", server_errors == 0, f"{server_errors}"),
            ("no request left unanswered (timeout)", no_answer == 0, f"{no_answer}"),
            ("no other unexpected answer", other == 0, f"{other}"),
            (
                f"errors and shedding over within {RECOVERY_S:.0f} s of the drop",
                seconds is not None and seconds <= RECOVERY_S,
                "never" if seconds is None else f"{seconds:.0f} s",
            ),
        ]
    checks.append(("no acknowledged write lost", lost == 0, f"{lost}"))
    return checks


def summary_text(context):
    c = context
    lines = [
        f"### Load run, {c['started']:%Y-%m-%d %H:%M} ({c['mode']})",
        "",
        f"- Machine: {c['machine']}; load average {c['load_after']:.1f} at the end",
        f"- Server: {c['granian']}, {c['workers']} workers × {c['threads']} blocking threads, "
        "PRODUCTION=1, CONN_MAX_AGE=600, STAFF_REQUIRE_MFA=0 ADMIN_REQUIRE_MFA=0, "
        f"cache {c['cache']}, without CLAMAV_SOCKET (uploads kept « non analysé »)",
        f"- Load: {c['locust']}, {c['load']}",
        f"- Personas: {c['personas']}",
        f"- Command: `{c['command']}`",
        f"- Files: `{c['out']}`",
        "",
    ]
    for name, stage in c["stages"].items():
        if name == "ramp" and len(c["stages"]) > 1:
            continue
        total = stage["total"]
        lines += [
            f"**{name}** — {stage['seconds']:.0f} s, {total['requests']:,} requests, "
            f"{total['rps']:.1f} req/s achieved, {total['errors']} errors, {total['shed']} shed "
            f"({100 * total['shed'] / max(total['requests'], 1):.2f} %)",
            "",
            "| Group | Requests | req/s | share | p50 ms | p95 ms | p99 ms | max ms | errors | shed |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for label, row in group_rows(stage):
            share = 100 * row["requests"] / max(total["requests"], 1)
            lines.append(
                f"| {label} | {row['requests']:,} | {row['rps']:.1f} | {share:.0f} % | "
                f"{_fmt_ms(row['p50_ms'])} | {_fmt_ms(row['p95_ms'])} | {_fmt_ms(row['p99_ms'])} | "
                f"{_fmt_ms(row['max_ms'])} | {row['errors']} | {row['shed']} |"
            )
        lines.append("")
    if c["recovery"]:
        r = c["recovery"]
        lines.append(
            f"Recovery after the drop to {c['recovery_rate']} req/s: errors and shedding over after "
            f"{'never' if r['errors_s'] is None else f'{r["errors_s"]:.0f} s'}, reads' p95 "
            f"under {READ_P95_MS:.0f} ms after "
            f"{'never' if r['latency_s'] is None else f'{r["latency_s"]:.0f} s'} "
            f"({r['windows']} windows of 5 s)."
        )
        lines.append("")
    lines.append(f"Failures (whole run, locust's `locust_failures.csv`): {c['failures'] or 'none'}")
    lines.append("")
    lines.append(
        f"CPU over the {c['cpu_stage']} stage (share of the {c['cpus']} cores, 100 % = all):"
    )
    lines.append("")
    lines.append("| Process | CPU share | cores |")
    lines.append("|---|--:|--:|")
    for category, share in c["cpu"].items():
        lines.append(f"| {category} | {share:.1f} % | {share * c['cpus'] / 100:.2f} |")
    lines.append("")
    w = c["writes"]
    lines.append(
        f"Writes (whole run): {w['drafts_acknowledged']:,} drafts created (302 received), "
        f"{w['drafts']:,} in the database; {w['documents_acknowledged']:,} files joined (302 or "
        f"201 received), {w['documents']:,} in the database; "
        f"{'deleted at the end' if w['deleted'] else 'kept (--keep-writes)'}. "
        f"Server log: {c['server_errors']} error lines."
    )
    lines.append("")
    if c["locust_cpu_warnings"]:
        lines.append(
            f"**Locust was short of CPU** ({len(c['locust_cpu_warnings'])} warnings, up to "
            f"{max(c['locust_cpu_warnings']):.0f} % of a core): its pace and timings are doubtful."
        )
        lines.append("")
    lines.append("Targets:")
    for what, met, figure in c["verdicts"]:
        lines.append(f"- {'met' if met else '**NOT MET**'}: {what} — {figure}")
    lines.append("")
    stage = c["stages"].get(c["cpu_stage"])
    if stage:
        lines.append(f"Per route over the {c['cpu_stage']} stage:")
        lines.append("")
        lines.append(
            "| Route | Requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | shed |"
        )
        lines.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        for route, row in stage["routes"].items():
            lines.append(
                f"| {route} | {row['requests']:,} | {row['rps']:.1f} | {_fmt_ms(row['p50_ms'])} | "
                f"{_fmt_ms(row['p95_ms'])} | {_fmt_ms(row['p99_ms'])} | {_fmt_ms(row['max_ms'])} | "
                f"{row['errors']} | {row['shed']} |"
            )
    return "\n".join(lines)


def failures_text(rows):
    parts = [
        f"{row.get('Error', '')} × {row.get('Occurrences', '')} ({row.get('Method', '')} "
        f"{row.get('Name', '')})"
        for row in rows
    ]
    return "; ".join(parts)


def acknowledged(stages, routes):
    """Answers as expected (302, 201) to these routes, over every stage."""
    return sum(
        stage["routes"][route]["ok"]
        for stage in stages.values()
        for route in routes
        if route in stage["routes"]
    )


# --- Main --------------------------------------------------------------------------------------


def parse_role(value):
    role, _, persona = value.partition("=")
    if not role or not persona:
        raise argparse.ArgumentTypeError("ROLE=PERSONA")
    return role, persona


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the locust load scenario against the portal served in production mode."
    )
    parser.add_argument("--manifest", required=True, help="the scale benchmark's manifest")
    parser.add_argument(
        "--stress",
        action="store_true",
        help="the stress: --rate (250) for --duration (600 s), then --recovery-rate",
    )
    parser.add_argument("--rate", type=float, help="requests/s (100; 250 with --stress)")
    parser.add_argument(
        "--duration", type=int, help="seconds at the rate, after the ramp (1800; 600 with --stress)"
    )
    parser.add_argument("--recovery-rate", type=float, default=50.0, help="after the stress")
    parser.add_argument("--recovery-time", type=int, default=180, help="seconds after the stress")
    parser.add_argument(
        "--user-rps", type=float, default=0.5, help="requests/s of each locust user (0.5)"
    )
    parser.add_argument("--spawn-rate", type=float, help="users started a second (users ÷ 10)")
    parser.add_argument("--timeout", type=float, default=30.0, help="client timeout (s)")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--blocking-threads", type=int, default=2, help="granian threads")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--sample-every", type=float, default=5.0, help="CPU sampling (s)")
    parser.add_argument("--role", action="append", type=parse_role, default=[], help="ROLE=PERSONA")
    parser.add_argument("--output", help="directory of the run's files (var/load/<date>)")
    parser.add_argument("--keep-writes", action="store_true", help="keep the drafts and files")
    parser.add_argument(
        "--seed", type=int, default=16, help="random seed of the dossiers and pages drawn"
    )
    parser.add_argument(
        "--skip-collectstatic",
        action="store_true",
        help="reuse the static files already collected in staticfiles/",
    )
    args = parser.parse_args(argv)
    args.rate = args.rate or (250.0 if args.stress else 100.0)
    args.duration = args.duration or (600 if args.stress else 1800)
    args.max_users = users_for(args.rate, args.user_rps)
    return args


def main(argv=None):
    args = parse_args(argv)
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise SystemExit("locust is not installed: uv sync (it is a dev dependency)")
    manifest = read_manifest(args.manifest)
    started = datetime.datetime.now().astimezone()
    mode = "stress" if args.stress else "steady"
    out = (
        Path(args.output)
        if args.output
        else ROOT / "var" / "load" / (f"{started:%Y%m%d-%H%M%S}-{mode}")
    )
    out.mkdir(parents=True, exist_ok=True)
    env = production_environment(manifest.database, secrets.token_urlsafe(50))
    for name in ("CLAMAV_SOCKET", "CLAMAV_HOST"):  # the antivirus is not part of this load
        env.pop(name, None)
    env["MEDIA_ROOT"] = str(out / "media")
    load_at_start = os.getloadavg()[0]

    if args.skip_collectstatic:
        log("Static files: reusing staticfiles/")
    else:
        log("Static files: collectstatic into staticfiles/ (git-ignored)…")
        manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "createcachetable")
    setup_django(env)
    from django.conf import settings

    from monespace.accounts.models import User

    personas = choose_personas(manifest, dict(args.role))
    users = {}
    for role, persona in personas.items():
        user = User.objects.filter(pk=persona.user_id, is_active=True).first()
        if user is None:
            raise SystemExit(f"{persona.name}: no active user {persona.user_id} in the database")
        if role in COMPANY_ROLES and not start_paths(user):
            user = company_editor(persona, user)
        users[role] = user
    machine = machine_description(load_at_start)
    port = args.port or free_port()
    server = Server(env, port, args.workers, args.blocking_threads, out / "granian.log")
    stages = stress_stages(args) if args.stress else []
    results_path = out / "results.json"
    rng = random.Random(args.seed)
    made: dict[str, list] = {"sessions": [], "keys": []}
    marks = None
    previous_sigterm = signal.signal(signal.SIGTERM, interrupt)
    sampler = None
    locust_process = None
    try:
        log(f"Plan: personas {', '.join(f'{r}={p.name}' for r, p in personas.items())}…")
        plan = build_plan(args, personas, users, server.url(""), results_path, stages, rng, made)
        (out / "plan.json").write_text(json.dumps(plan, indent=1, ensure_ascii=False))
        marks = write_marks()
        from django.db import connection

        connection.close()
        log(f"Starting: {shlex.join(server.command)} (log: {server.log_path})")
        server.start()
        first = next(r for r in plan["roles"].values() if r.get("sessions"))
        server.wait_ready(f"{settings.SESSION_COOKIE_NAME}={first['sessions'][0]}")
        command = locust_command(args, server.url(""), out)
        log(f"Ready on port {port}; locust: {shlex.join(command)}")
        if stages:
            log(
                "  stages: "
                + ", ".join(f"{s['name']} {s['seconds']} s × {s['users']} users" for s in stages)
            )
        with open(out / "locust.log", "wb") as locust_log:
            locust_process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(out / "plan.json"), "PYTHONPATH": str(ROOT)},
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            assert server.process is not None
            sampler = CpuSampler(
                args.sample_every, server.process.pid, locust_process.pid, manifest.database
            )
            sampler.start()
            users = users_for(args.rate, args.user_rps)
            planned = (
                sum(stage["seconds"] for stage in stages)
                if stages
                else math.ceil(users / spawn_rate(args, users)) + args.duration
            )
            try:
                locust_process.wait(timeout=planned + 300)
            except subprocess.TimeoutExpired:
                log("locust did not stop in time: interrupting it")
                stop_locust(locust_process)
    except KeyboardInterrupt:
        log("interrupted: stopping locust and the server")
        if locust_process is not None:
            stop_locust(locust_process)
    finally:
        if sampler is not None:
            sampler.stop()
        server.stop()
        signal.signal(signal.SIGTERM, previous_sigterm)
        found = writes_found(marks) if marks else {"drafts": 0, "documents": 0}
        clean_up(made, marks, args.keep_writes)
        if marks and not args.keep_writes:
            shutil.rmtree(out / "media", ignore_errors=True)
        log(f"Server stopped; sessions and keys deleted; files in {out}")

    if not results_path.exists():
        raise SystemExit(f"locust wrote no results: see {out / 'locust.log'}")
    report(args, mode, started, machine, out, results_path, sampler, found, personas)


def stop_locust(process):
    """SIGINT, as Ctrl-C: locust stops its users and writes its statistics and our results."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def report(args, mode, started, machine, out, results_path, sampler, found, personas):
    from django.conf import settings

    results = json.loads(results_path.read_text(encoding="utf-8"))
    stages = results["stages"]
    failures = read_locust_csv(out / "locust_failures.csv")
    recovered = {}
    if mode == "stress" and "recovery" in stages:
        recovered = scenario.recovery(
            results["seconds"], stages["recovery"]["start"], p95_ms=READ_P95_MS
        )
    cpu_stage = "steady" if mode == "steady" else "stress"
    cpu = {}
    if sampler is not None and cpu_stage in stages:
        cpu = sampler.shares(stages[cpu_stage]["start"], stages[cpu_stage]["end"])
    users = users_for(args.rate, args.user_rps)
    if mode == "steady":
        load = (
            f"{users} users × {args.user_rps:g} req/s (constant_throughput) = {args.rate:g} req/s "
            f"for {args.duration} s after a ramp at {spawn_rate(args, users):g} users/s"
        )
    else:
        load = (
            f"{users} users × {args.user_rps:g} req/s = {args.rate:g} req/s for {args.duration} s "
            f"after a ramp, then {users_for(args.recovery_rate, args.user_rps)} users = "
            f"{args.recovery_rate:g} req/s for {args.recovery_time} s"
        )
    server_log = (out / "granian.log").read_text(encoding="utf-8", errors="replace")
    context = {
        "started": started,
        "mode": mode,
        "machine": machine,
        "granian": command_output(str(Path(sys.executable).with_name("granian")), "--version"),
        "workers": args.workers,
        "threads": args.blocking_threads,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "locust": command_output(str(Path(sys.executable).with_name("locust")), "--version").split(
            " from "
        )[0],
        "load": load + f"; client timeout {args.timeout:g} s",
        "personas": ", ".join(f"{role} = {p.name}" for role, p in personas.items()),
        "command": invocation(),
        "out": out.relative_to(ROOT) if out.is_relative_to(ROOT) else out,
        "stages": stages,
        "recovery": recovered,
        "recovery_rate": args.recovery_rate,
        "failures": failures_text(failures),
        "cpu_stage": cpu_stage,
        "cpus": os.cpu_count() or 1,
        "cpu": cpu,
        "writes": {
            **found,
            "drafts_acknowledged": acknowledged(stages, ["POST www:dossier_start"]),
            "documents_acknowledged": acknowledged(
                stages, ["POST www:dossier_document_upload", "POST api:dossier_documents"]
            ),
            "deleted": not args.keep_writes,
        },
        "load_after": os.getloadavg()[0],
        "locust_cpu_warnings": results.get("locust_cpu_warnings", []),
        "server_errors": sum(
            1 for line in server_log.splitlines() if "ERROR" in line or "Traceback" in line
        ),
    }
    context["verdicts"] = verdicts(mode, args.rate, stages, recovered, context["writes"])
    text = summary_text(context)
    print(text)
    (out / "summary.md").write_text(text + "\n", encoding="utf-8")
    data = dict(context)
    data["started"] = started.isoformat()
    data["out"] = str(context["out"])
    data["verdicts"] = [{"what": w, "met": m, "figure": f} for w, m, f in context["verdicts"]]
    (out / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted")
    except RuntimeError as error:
        sys.exit(f"error: {error}")
