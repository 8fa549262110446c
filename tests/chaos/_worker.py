"""The task worker as a real process for the fault tests of the worker, the mail and the storage
(they do not need the multi-server topology of tests/chaos/conftest.py).

``Worker`` runs ``manage.py db_worker`` (the command of docs/operations.md §4) in a process of
its own, against the test database — a PostgreSQL database, which a process of its own can
open (pytest-django's SQLite database lives in the test process's memory) — with the test's
``MEDIA_ROOT`` and SMTP server. Run as ``python -m tests.chaos._worker db_worker …``, this
module is that command with one test hook: with ``CHAOS_HOLD_EXPORTS=<dir>``, an export's file,
once written to storage, waits there (``<dir>/held`` names it) until ``<dir>/release`` exists,
before its row is marked done — the moment a worker killed leaves a file without a row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The test process's own environment that must not reach the worker.
NOT_INHERITED = ("MONESPACE_TESTING", "S3_BUCKET", "REDIS_URL", "PGBOUNCER", "SQLITE_PATH")


def needs_postgres() -> None:
    """Skip, saying why, unless the tests run on PostgreSQL (``DB=pg``, as scripts/test does)."""
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "the worker's fault tests need PostgreSQL (DB=pg): a worker process cannot open "
            "pytest-django's in-memory SQLite database"
        )


def wait_until(condition: Callable[[], object], what: str, timeout: float = 45, logs=()):
    """Poll ``condition`` until it is true; fail saying ``what`` was awaited (and the workers'
    logs) otherwise. Not a timing assertion: the limit only stops a test that would hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    tails = "\n".join(worker.tail() for worker in logs)
    raise AssertionError(f"still waiting for {what} after {timeout} s\n{tails}")


def worker_env(settings, *, smtp_port: int | None = None, **extra: str) -> dict[str, str]:
    """The environment of a worker on the test database, files and mail server."""
    from django.db import connection

    database = connection.settings_dict
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        DB="pg",
        PGHOST=str(database["HOST"] or "127.0.0.1"),
        PGPORT=str(database["PORT"] or "5432"),
        PGDATABASE=str(database["NAME"]),
        PGUSER=str(database["USER"] or "postgres"),
        PGPASSWORD=str(database["PASSWORD"] or ""),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    if smtp_port is not None:
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_TLS="0")
    env.update(extra)
    return env


class Worker:
    """One ``db_worker`` process: started, killed (``kill -9``) or stopped (SIGTERM)."""

    def __init__(self, worker_id: str, env: dict[str, str], log_dir: Path):
        self.worker_id = worker_id
        self.env = env
        self.log = log_dir / f"worker-{worker_id}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        command = [sys.executable, "-m", "tests.chaos._worker", "db_worker", "--no-reload"]
        command += ["--no-startup-delay", "--interval", "0.1", "--worker-id", self.worker_id]
        with self.log.open("wb") as output:  # the process writes to its own copy
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        return self

    def kill(self) -> None:
        """``kill -9``: no handler runs, the task in hand stays « running »."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.worker_id} ---\n" + "\n".join(text.splitlines()[-lines:])


def _hold_exports(directory: Path) -> None:
    from django.core.files.storage import FileSystemStorage

    save = FileSystemStorage._save

    def held_save(self, name, content):
        saved = save(self, name, content)
        if saved.startswith("exports/"):
            (directory / "held").write_text(saved)
            while not (directory / "release").exists():
                time.sleep(0.05)
        return saved

    FileSystemStorage._save = held_save


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if hold := os.environ.get("CHAOS_HOLD_EXPORTS"):
        _hold_exports(Path(hold))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
