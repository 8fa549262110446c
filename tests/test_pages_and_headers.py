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
