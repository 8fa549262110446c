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
