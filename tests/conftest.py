"""Guard rails for every test: immediate tasks, fast hashing (settings), clean caches."""

import os
import shutil

import pytest
from django.core.cache import cache
from django.test import Client, TestCase

from monespace.core import memo

# Playwright runs an event loop in the test thread; the ORM calls of the tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Browser journeys carry the ``e2e`` marker from collection on, so that
    ``pytest -m "not e2e"`` really skips them (a fixture would mark them too late)."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    memo.clear_all()
    yield
    cache.clear()
    memo.clear_all()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _second_factor_off(request, settings):
    """Most tests act as administrators without an authenticator; the tests of the second-factor
    rule itself (marker ``second_factor``) keep the production default (required)."""
    if request.node.get_closest_marker("second_factor") is None:
        settings.ADMIN_REQUIRE_MFA = False
        settings.STAFF_REQUIRE_MFA = False


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


class OnCommitClient(Client):
    """Test client that runs the on-commit callbacks of each request (e-mails, tasks), as the
    end of the request's transaction would in production."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return OnCommitClient()


@pytest.fixture
def clamd(settings):
    """The real clamd started by the test command (scripts/clamd); required in CI
    (MONESPACE_REQUIRE_CLAMD=1), skipped on a machine without it."""
    from pathlib import Path

    from monespace.core import antivirus

    socket = os.environ.get("CLAMAV_TEST_SOCKET") or str(
        Path(__file__).resolve().parent.parent / "var" / "clamav" / "clamd.sock"
    )
    settings.CLAMAV_SOCKET = socket
    settings.CLAMAV_REQUIRED = True
    if not antivirus.available():
        if os.environ.get("MONESPACE_REQUIRE_CLAMD") == "1":
            pytest.fail(f"clamd does not answer on {socket}")
        pytest.skip("clamd is not running (bash scripts/clamd start)")
    return socket
