"""The database settings read from the environment (issue 16): behind PgBouncer in transaction
mode (``PGBOUNCER=1``) no server-side cursor and no per-connection statement timeout."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

READ = (
    "import json; from config import settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'cursors': d.get('DISABLE_SERVER_SIDE_CURSORS'), "
    "'options': d['OPTIONS'].get('options'), 'age': d['CONN_MAX_AGE'], "
    "'checks': d['CONN_HEALTH_CHECKS'], 'static': str(s.STATIC_ROOT)}))"
)


def settings_with(**env) -> dict:
    base = {"PATH": "/usr/bin:/bin", "DB": "pg", "PRODUCTION": "1", "SECRET_KEY": "x" * 50}
    done = subprocess.run(
        [sys.executable, "-c", READ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("env", "cursors", "options"),
    [
        ({}, False, "-c statement_timeout=30000"),
        ({"PGBOUNCER": "1"}, True, None),
        # Even asked for: PgBouncer would refuse the connection's ``options``.
        ({"PGBOUNCER": "1", "PG_STATEMENT_TIMEOUT_MS": "5000"}, True, None),
        ({"PG_STATEMENT_TIMEOUT_MS": "0"}, False, None),
    ],
)
def test_pgbouncer_transaction_mode(env, cursors, options):
    read = settings_with(**env)
    assert (read["cursors"], read["options"]) == (cursors, options)
    # Persistent connections (to PgBouncer) and their health checks stay.
    assert (read["age"], read["checks"]) == (60, True)


def test_static_root_from_the_environment(tmp_path):
    assert settings_with(STATIC_ROOT=str(tmp_path))["static"] == str(tmp_path)
    assert settings_with()["static"] == str(ROOT / "staticfiles")
