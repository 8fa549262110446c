"""Error pages, security headers and staff pages. Every URL against every persona and method
is in tests/test_persona_matrix.py."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_staff_pages_never_show_to_company_users(client):
    client.force_login(MembershipFactory(is_admin=True).user)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 404
    assert "Back office" not in response.content.decode()


def test_error_pages_are_french_and_styled(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page
    assert 'lang="fr"' in page


def test_security_headers(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    page = response.content.decode()
    for tag in page.split("<script")[1:]:
        assert f'nonce="{nonce}"' in tag.split(">")[0] or "src=" in tag.split(">")[0]


def test_server_error_and_forbidden_pages_render_in_french(rf):
    from monespace.core import views

    request = rf.get("/")
    response = views.error_500(request)
    assert response.status_code == 500
    assert "Erreur du service" in response.content.decode()
    response = views.error_403(request, None)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_permissions_policy_switches_off_unused_features(client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "payment=()" in policy


def test_production_cookies_and_hsts():
    """In production: « __Host- » session and CSRF cookies (HTTPS, this host only), HSTS
    without « preload » unless configured; and `check --deploy` stays clean."""
    import os
    import subprocess
    import sys

    env = {
        "PRODUCTION": "1",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "monespace.example",
        "SMTP_HOST": "smtp.example",
        "SITE_URL": "https://monespace.example",
        "MONESPACE_TESTING": "",
    }
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_HSTS_PRELOAD)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["__Host-sessionid", "__Host-csrftoken", "False"]
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env, "SECURE_HSTS_PRELOAD": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[2] == "True"
