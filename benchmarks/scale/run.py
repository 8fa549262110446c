"""Load benchmark of the portal's pages in production mode, against a bare reference page.

    .venv/bin/python benchmarks/scale/run.py --manifest var/bench/manifest.json
    .venv/bin/python benchmarks/scale/run.py --manifest var/bench/manifest.json --once

The manifest (written by the data generator, or by demo_manifest.py from the demo data) names
the PostgreSQL database and the personas: a user id and the pages to measure for that user.
For every page the runner reports, measured in-process with Django's test client, the number of
SQL queries and the response size; then, served by granian in production mode and driven by
wrk, the requests per second and the latency percentiles, next to the reference page
(/_bench/reference/: signed in, one indexed SELECT, a few bytes) measured just before and just
after, so that the ratios compare runs made at the same moment on the same machine.

``--once`` only does the in-process pass (queries, size, median server time), without granian
and wrk. See benchmarks/scale/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import logging
import os
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

# Shared with benchmarks/load/run.py (this directory is on sys.path when run as a script).
from _serve import (
    HOST,
    MODEL_BACKEND,
    REFERENCE_PATH,
    ROOT,
    Persona,
    Server,
    command_output,
    create_kept_session,
    free_port,
    http_status,
    interrupt,
    invocation,
    keep_session,
    log,
    machine_description,
    manage,
    parse_seconds,
    production_environment,
    read_manifest,
    session_cookie,
    setup_django,
)

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = HERE / "wrk_report.lua"


# --- In-process pass: queries, size, server time ------------------------------------------------


@dataclasses.dataclass
class Probe:
    """One page requested in-process (Django test client), outside any load."""

    status: int = 0
    location: str = ""
    error: str = ""
    queries: int = 0
    size: int = 0
    server_ms: float = 0.0


def probe(user, path, runs):
    """Status, queries and size of one request (after a first one that warms the process's
    caches), then the median server time of ``runs`` more requests."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # The exception of a failing page is summed up in the results, without its traceback.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    client = Client(raise_request_exception=False, HTTP_HOST=HOST)
    client.force_login(user, backend=MODEL_BACKEND)
    keep_session(client.session)
    try:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        result = Probe(status=response.status_code, queries=len(queries))
        result.size = len(
            b"".join(response.streaming_content) if response.streaming else response.content
        )
        if response.exc_info:
            result.error = describe_exception(*response.exc_info)
        if 300 <= response.status_code < 400:
            result.location = response.get("Location", "")
        if 200 <= response.status_code < 300:
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
            result.server_ms = statistics.median(timings)
        return result
    finally:
        client.logout()


def describe_exception(kind, value, tb):
    """One line: the exception and the last line of the project's code it went through."""
    text = f"{kind.__name__}: {str(value).strip()}"[:160]
    frames = [
        frame
        for frame in traceback.extract_tb(tb)
        if frame.filename.startswith(str(ROOT)) and "/.venv/" not in frame.filename
    ]
    if frames:
        text += f" at {Path(frames[-1].filename).relative_to(ROOT)}:{frames[-1].lineno}"
    return text


def probe_error(result):
    """Why a probed page cannot be measured, or an empty string."""
    if 200 <= result.status < 300:
        return ""
    text = f"HTTP {result.status}"
    if result.location:
        text += f" → {result.location}"
    if result.error:
        text += f" ({result.error})"
    return text


# --- Load (wrk) -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Load:
    """One wrk run."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error(self):
        """Why this run does not measure a page: non-2xx answers or socket errors."""
        bad = {status: n for status, n in self.statuses.items() if not 200 <= status < 300}
        problems = [f"{n} × HTTP {status}" for status, n in sorted(bad.items())]
        problems += [f"{n} {kind} errors" for kind, n in self.socket_errors.items() if n]
        if not self.requests:
            problems.append("no request completed")
        return ", ".join(problems)


def run_wrk(url, cookie, seconds, args):
    threads = min(args.threads, args.connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout",
        f"{args.timeout}s",
        "-s",
        str(WRK_SCRIPT),
        url,
    ]
    result = subprocess.run(
        command,
        env={**os.environ, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        timeout=seconds + args.timeout + 60,
        check=False,
    )
    line = next(
        (line for line in result.stdout.splitlines() if line.startswith("BENCH_RESULT ")), None
    )
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    errors = data["errors"]
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses={int(status): n for status, n in data["statuses"].items()},
        socket_errors={kind: errors[kind] for kind in ("connect", "read", "write", "timeout")},
    )


# --- Results --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    persona: Persona
    page: str
    path: str
    probe: Probe
    error: str = ""
    load: Load | None = None
    reference_before: Load | None = None
    reference_after: Load | None = None

    @property
    def references(self):
        return [run for run in (self.reference_before, self.reference_after) if run is not None]

    @property
    def reference_rps(self):
        return statistics.mean(run.rps for run in self.references)

    @property
    def reference_p95_ms(self):
        return statistics.mean(run.p95_ms for run in self.references)

    @property
    def reference_drift(self):
        """How much the reference moved between before and after (noise indicator)."""
        if len(self.references) < 2:
            return 0.0
        before, after = self.references
        return abs(after.rps - before.rps) / self.reference_rps

    def as_dict(self):
        data = {
            "persona": self.persona.name,
            "label": self.persona.label,
            "page": self.page,
            "path": self.path,
            "probe": dataclasses.asdict(self.probe),
            "error": self.error,
        }
        if self.load is not None and not self.error:
            data.update(
                rps=round(self.load.rps, 1),
                p50_ms=round(self.load.p50_ms, 2),
                p95_ms=round(self.load.p95_ms, 2),
                p99_ms=round(self.load.p99_ms, 2),
                requests=self.load.requests,
                reference_rps=round(self.reference_rps, 1),
                reference_p95_ms=round(self.reference_p95_ms, 2),
                reference_drift=round(self.reference_drift, 3),
                rps_ratio=round(self.load.rps / self.reference_rps, 3),
                p95_ratio=round(self.load.p95_ms / self.reference_p95_ms, 2),
            )
        return data


def _ms(value):
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _cell(text):
    return str(text).replace("|", "\\|")


def markdown_table(rows, once, reference_probe):
    if once:
        lines = [
            "| Persona | Page | Path | Status | Queries | Bytes | Server ms (median) |",
            "|---|---|---|---|--:|--:|--:|",
        ]
    else:
        lines = [
            "| Persona | Page | Path | Queries | Bytes | req/s | p50 ms | p95 ms "
            "| Ref req/s | Ref p95 ms | req/s ÷ ref | p95 ÷ ref | Ref drift |",
            "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
    for row in rows:
        head = f"| {_cell(row.persona.name)} | {row.page} | `{_cell(row.path)}` |"
        probe_ = row.probe
        if once:
            status = f"**ERROR** {_cell(row.error)}" if row.error else probe_.status
            server = _ms(probe_.server_ms) if not row.error else ""
            lines.append(f"{head} {status} | {probe_.queries} | {probe_.size:,} | {server} |")
        elif row.error:
            lines.append(
                f"{head} {probe_.queries} | {probe_.size:,} | **ERROR** {_cell(row.error)} "
                "| | | | | | | |"
            )
        else:
            load = row.load
            lines.append(
                f"{head} {probe_.queries} | {probe_.size:,} | {load.rps:,.0f} | "
                f"{_ms(load.p50_ms)} | {_ms(load.p95_ms)} | {row.reference_rps:,.0f} | "
                f"{_ms(row.reference_p95_ms)} | {load.rps / row.reference_rps:.2f} | "
                f"{load.p95_ms / row.reference_p95_ms:.1f} | {row.reference_drift:.0%} |"
            )
    if reference_probe is not None:
        ref = reference_probe
        lines.append("")
        lines.append(
            f"Reference page `{REFERENCE_PATH}`: {ref.queries} queries, {ref.size} bytes, "
            f"{_ms(ref.server_ms)} ms in-process (median)."
        )
    return "\n".join(lines)


# --- Main -----------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Measure the manifest's pages served by granian in production mode, "
        "against the reference page, with wrk."
    )
    parser.add_argument("--manifest", required=True, help="JSON manifest (see README.md)")
    parser.add_argument(
        "--once", action="store_true", help="in-process pass only: queries, size, server time"
    )
    parser.add_argument("--duration", type=parse_seconds, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--warmup", type=parse_seconds, default=2, help="seconds of warm-up before each page"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (-c)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--timeout", type=parse_seconds, default=30, help="wrk request timeout")
    parser.add_argument("--workers", type=int, default=2, help="granian workers")
    parser.add_argument("--blocking-threads", type=int, default=2, help="granian threads")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--runs", type=int, default=5, help="in-process timed requests per page")
    parser.add_argument("--persona", action="append", default=[], help="only this persona")
    parser.add_argument("--page", action="append", default=[], help="only this page key")
    parser.add_argument(
        "--skip-collectstatic",
        action="store_true",
        help="reuse the static files already collected in staticfiles/",
    )
    parser.add_argument("--json", help="also write the raw results to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not args.once and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    manifest = read_manifest(args.manifest, args.persona, args.page)
    env = production_environment(manifest.database, secrets.token_urlsafe(50))
    started = datetime.datetime.now().astimezone()
    load_at_start = os.getloadavg()[0]  # other work on the machine skews the absolute figures

    if args.skip_collectstatic:
        log("Static files: reusing staticfiles/")
    else:
        log("Static files: collectstatic into staticfiles/ (git-ignored)…")
        manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "createcachetable")
    setup_django(env)
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        raise SystemExit(f"no static files manifest in {settings.STATIC_ROOT}: collectstatic first")

    from monespace.accounts.models import User

    log(f"Database {manifest.database}; in-process pass ({args.runs} timed requests per page)…")
    users = {}
    for persona in manifest.personas:
        user = User.objects.filter(pk=persona.user_id).first()
        if user is None or not user.is_active:
            raise SystemExit(f"{persona.name}: no active user {persona.user_id} in the database")
        if persona.staff and not user.is_staff:
            log(f"warning: {persona.name} is marked staff but user {user.pk} is not staff")
        users[persona.name] = user

    rows = []
    for persona in manifest.personas:
        for page, path in persona.pages.items():
            result = probe(users[persona.name], path, args.runs)
            row = Row(persona=persona, page=page, path=path, probe=result)
            row.error = probe_error(result)
            log(
                f"  {persona.name:<20} {page:<14} {result.status} {result.queries:>3} queries "
                f"{result.size:>8} bytes {result.server_ms:8.1f} ms {row.error}"
            )
            rows.append(row)
    reference_probe = probe(users[manifest.personas[0].name], REFERENCE_PATH, args.runs)
    if probe_error(reference_probe):
        raise SystemExit(f"reference page: {probe_error(reference_probe)}")

    if not args.once:
        run_load(args, env, manifest, users, rows)

    report(args, started, load_at_start, rows, reference_probe)


def run_load(args, env, manifest, users, rows):
    from django.contrib.sessions.models import Session
    from django.db import connection

    sessions = {name: create_kept_session(user) for name, user in users.items()}
    cookies = {name: session_cookie(session) for name, session in sessions.items()}
    connection.close()
    workdir = Path(tempfile.mkdtemp(prefix="monespace-scale-"))
    server = Server(
        env,
        args.port or free_port(),
        args.workers,
        args.blocking_threads,
        workdir / "granian.log",
    )
    previous_sigterm = signal.signal(signal.SIGTERM, interrupt)
    try:
        log(f"Starting: {shlex.join(server.command)} (log: {server.log_path})")
        log("  with PRODUCTION=1 DEBUG=0 SECURE_SSL_REDIRECT=0 CONN_MAX_AGE=600")
        log("  and STAFF_REQUIRE_MFA=0 ADMIN_REQUIRE_MFA=0 (the benchmark's sessions have no")
        log("  second factor), BENCHMARK_REFERENCE_VIEW=1")
        server.start()
        first = manifest.personas[0].name
        server.wait_ready(cookies[first])
        log(f"Ready on port {server.port}; warming up the reference page ({args.warmup} s)")
        run_wrk(server.url(REFERENCE_PATH), cookies[first], args.warmup, args)
        for persona in manifest.personas:
            persona_rows = [row for row in rows if row.persona is persona and not row.error]
            if not persona_rows:
                continue
            cookie = cookies[persona.name]
            reference = measure_reference(server, cookie, args)
            for row in persona_rows:
                status, location = http_status(server.url(row.path), cookie, args.timeout)
                if not 200 <= status < 300:
                    row.error = f"HTTP {status}{f' → {location}' if location else ''} (served)"
                    log(f"  {persona.name:<20} {row.page:<14} ERROR {row.error}")
                    continue
                run_wrk(server.url(row.path), cookie, args.warmup, args)
                row.load = run_wrk(server.url(row.path), cookie, args.duration, args)
                row.reference_before = reference
                reference = measure_reference(server, cookie, args)
                row.reference_after = reference
                row.error = row.load.error
                log(
                    f"  {persona.name:<20} {row.page:<14} "
                    + (
                        f"ERROR {row.error}"
                        if row.error
                        else f"{row.load.rps:8.1f} req/s  p50 {_ms(row.load.p50_ms)} ms  "
                        f"p95 {_ms(row.load.p95_ms)} ms  (reference "
                        f"{row.reference_rps:.1f} req/s, p95 {_ms(row.reference_p95_ms)} ms)"
                    )
                )
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous_sigterm)
        Session.objects.filter(session_key__in=[s.session_key for s in sessions.values()]).delete()
        log(f"Server stopped; its log is in {server.log_path}")


def measure_reference(server, cookie, args):
    run = run_wrk(server.url(REFERENCE_PATH), cookie, args.duration, args)
    if run.error:
        raise RuntimeError(f"the reference page failed under load: {run.error}")
    return run


def report(args, started, load_at_start, rows, reference_probe):
    lines = [
        f"### Scale benchmark, {started:%Y-%m-%d %H:%M}",
        "",
        f"- Machine: {machine_description(load_at_start)}",
    ]
    if args.once:
        lines.append(
            f"- In-process (Django test client, production settings): queries and size of one "
            f"request after a warm-up one, server time the median of {args.runs}"
        )
    else:
        wrk_version = command_output("wrk", "-v").split("[")[0].strip()
        granian_version = command_output(
            str(Path(sys.executable).with_name("granian")), "--version"
        )
        lines += [
            f"- Server: {granian_version}, {args.workers} workers × {args.blocking_threads} "
            "blocking threads, PRODUCTION=1, CONN_MAX_AGE=600, "
            "STAFF_REQUIRE_MFA=0 ADMIN_REQUIRE_MFA=0",
            f"- Load: {wrk_version}, {min(args.threads, args.connections)} threads, "
            f"{args.connections} connections, {args.duration} s per run after a {args.warmup} s "
            f"warm-up; the reference page runs before and after each page and the ratios use "
            f"the mean of the two (Ref drift: how much it moved between them)",
            "- Queries and bytes: one in-process request (Django test client) after a warm-up one",
        ]
    lines += [f"- Command: `{invocation()}`", "", markdown_table(rows, args.once, reference_probe)]
    text = "\n".join(lines)
    print(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "started": started.isoformat(),
                    "command": invocation(),
                    "reference": dataclasses.asdict(reference_probe),
                    "rows": [row.as_dict() for row in rows],
                },
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted")
    except RuntimeError as error:
        sys.exit(f"error: {error}")
