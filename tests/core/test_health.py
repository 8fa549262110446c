"""/livez and /readyz (issue 16): the process answers; the instance is ready when the database,
the cache, the storage (and the antivirus when configured) answer — JSON, 200 or 503 with
Retry-After, no session, no detail beyond which part fails."""

import pytest
from django.urls import reverse

from monespace.core import health

pytestmark = pytest.mark.django_db


def test_live_and_ready(client):
    response = client.get(reverse("livez"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "antivirus"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]
    assert client.post(reverse("readyz")).status_code == 405


def test_a_failing_dependency_makes_the_instance_not_ready(client, monkeypatch):
    def down():
        raise OSError("connection refused to 10.0.0.5")

    monkeypatch.setitem(health.CHECKS, "database", down)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["database"] == "fail"
    assert "10.0.0.5" not in response.content.decode()  # the detail stays in the logs
    assert body["checks"]["cache"].startswith("ok")


def test_a_database_that_does_not_answer_gives_a_503_page_never_a_traceback(monkeypatch):
    """The session (read on every page) fails as a stopped PostgreSQL would: a French page
    that needs nothing from the database, 503 with Retry-After; JSON for the API."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError
    from django.test import Client

    from tests.factories import MembershipFactory

    user = MembershipFactory().user
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def down(self):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(SessionStore, "load", down)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page and "127.0.0.1" not in page
    api = client.get("/api/v1/dossiers/", HTTP_X_API_KEY="x")
    assert api.status_code == 503 and "indisponible" in api.json()["detail"]
    assert api["Retry-After"] == "30"


def test_another_error_is_still_the_500_page():
    from django.contrib.auth.models import AnonymousUser
    from django.db import OperationalError
    from django.test import RequestFactory

    from monespace.core.views import error_500

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = {}
    try:
        raise ValueError("bug")
    except ValueError:
        response = error_500(request)
    assert response.status_code == 500 and "Erreur du service" in response.content.decode()
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        assert error_500(request).status_code == 503
