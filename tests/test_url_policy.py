"""Every URL of our doors against every persona: a URL missing from the policy fails the build.

Expected answers to a GET:
- PUBLIC: 200 for everybody.
- ANONYMOUS_ONLY: 200 for visitors; signed-in users are sent home (302).
- LOGIN: visitors are sent to the login page (302); signed-in users get 200.
- STAFF: 404 for everybody but OPCO staff (a staff page never confirms it exists), 200 for staff.
- POST_ONLY: GET answers 405; LOGIN_POST_ONLY: the same, after visitors are sent to log in.
- DEV: the developer outbox exists only with DEBUG (404 here).
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from monespace.organizations.models import Delegation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "public"
ANONYMOUS_ONLY = "anonymous_only"
LOGIN = "login"
STAFF = "staff"
POST_ONLY = "post_only"
LOGIN_POST_ONLY = "login_post_only"
DEV = "dev"
WIZARD = "wizard"
ADMIN_ONLY = "admin_only"  # signed-in users without the administrator right: 403
STAFF_POST_ONLY = "staff_post_only"
DECISION = "decision"  # a company without administrator: its requests are decided by staff

POLICY = {
    "www:home": (LOGIN, {}),
    "www:dossiers": (LOGIN, {}),
    "www:invoices": (LOGIN, {}),
    "www:help": (PUBLIC, {}),
    "www:privacy": (PUBLIC, {}),
    "www:accessibility": (PUBLIC, {}),
    "www:profile": (LOGIN, {}),
    "www:support_consent": (LOGIN_POST_ONLY, {}),
    "www:attachments": (LOGIN, {}),
    "www:signup": (ANONYMOUS_ONLY, {}),
    # Later steps send visitors back to step 1 (302) and signed-in users home (302).
    "www:signup_themes": (WIZARD, {}),
    "www:signup_attachment": (WIZARD, {}),
    "www:signup_number": (WIZARD, {}),
    "www:signup_idcc": (WIZARD, {}),
    "www:signup_done": (WIZARD, {}),
    "www:signup_activate": (PUBLIC, {"uidb64": "MQ", "token": "x-y"}),
    "www:signup_resend": (POST_ONLY, {"uidb64": "MQ"}),
    "www:attachment_request": (LOGIN_POST_ONLY, {}),
    "www:attachment_leave": (LOGIN_POST_ONLY, lambda p: {"pk": p["membership"].pk}),
    "www:administration": (ADMIN_ONLY, {}),
    "www:administration_company": (
        ADMIN_ONLY,
        lambda p: {"company_id": p["membership"].company_id, "profile": "member"},
    ),
    "www:administration_membership": (DECISION, lambda p: {"pk": p["membership"].pk}),
    "www:administration_membership_rights": (LOGIN_POST_ONLY, lambda p: {"pk": p["membership"].pk}),
    "www:administration_membership_refuse": (LOGIN_POST_ONLY, lambda p: {"pk": p["membership"].pk}),
    "www:administration_membership_revoke": (LOGIN_POST_ONLY, lambda p: {"pk": p["membership"].pk}),
    "notifications:list": (LOGIN, {}),
    "notifications:open": (LOGIN_POST_ONLY, {"pk": 1}),
    "notifications:read_all": (LOGIN_POST_ONLY, {}),
    "backoffice:home": (STAFF, {}),
    "backoffice:requests": (STAFF, {}),
    "backoffice:companies": (STAFF, {}),
    "backoffice:company": (STAFF, lambda p: {"pk": p["membership"].company_id}),
    "backoffice:issue_code": (
        STAFF_POST_ONLY,
        lambda p: {"pk": p["membership"].company_id, "profile": "member"},
    ),
    "backoffice:designate_admin": (STAFF_POST_ONLY, lambda p: {"pk": p["membership"].company_id}),
    "backoffice:remove_admin": (STAFF_POST_ONLY, lambda p: {"pk": p["membership"].company_id}),
    "www:activation_code": (LOGIN, {}),
    "www:set_perimeter": (LOGIN_POST_ONLY, {}),
    "www:delegations": (ADMIN_ONLY, {}),
    "www:delegation_request": (LOGIN_POST_ONLY, {}),
    "www:delegation": (DECISION, lambda p: {"pk": p["delegation"].pk}),
    "www:delegation_scope": (LOGIN_POST_ONLY, lambda p: {"pk": p["delegation"].pk}),
    "www:delegation_refuse": (LOGIN_POST_ONLY, lambda p: {"pk": p["delegation"].pk}),
    "www:delegation_end": (LOGIN_POST_ONLY, lambda p: {"pk": p["delegation"].pk}),
    "api:schema": (PUBLIC, {}),
    "dev_outbox": (DEV, {}),
    "dev_outbox_message": (DEV, {"pk": 1}),
}

OUR_NAMESPACES = {"www", "backoffice", "api", "notifications"}


def our_url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from our_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in OUR_NAMESPACES:
                yield f"{namespace}:{entry.name}"
            elif namespace is None and entry.name.startswith("dev_"):
                yield entry.name


def test_every_url_is_in_the_policy():
    names = set(our_url_names())
    assert names, "no URL found"
    assert names - set(POLICY) == set(), "add these URLs to POLICY"
    assert set(POLICY) - names == set(), "these POLICY entries match no URL"


@pytest.fixture
def personas():
    user = UserFactory()
    membership = MembershipFactory(user=user)
    delegation = Delegation.objects.create(
        company=membership.company,
        delegate=MembershipFactory(is_admin=True).company,
        kind="accounting_firm",
    )
    return {
        "anonymous": None,
        "user": user,
        "staff": UserFactory(staff=True),
        "membership": membership,
        "delegation": delegation,
    }


def expected_status(policy, persona):
    if policy == PUBLIC:
        return 200
    if policy == ANONYMOUS_ONLY:
        return 200 if persona == "anonymous" else 302
    if policy == WIZARD:
        return 302
    if policy == LOGIN:
        return 302 if persona == "anonymous" else 200
    if policy == STAFF:
        return 200 if persona == "staff" else 404
    if policy == POST_ONLY:
        return 405
    if policy == LOGIN_POST_ONLY:
        return 302 if persona == "anonymous" else 405
    if policy == DEV:
        return 404
    if policy == STAFF_POST_ONLY:
        return 405 if persona == "staff" else 404
    if policy == ADMIN_ONLY:
        return 302 if persona == "anonymous" else 403
    if policy == DECISION:
        return {"anonymous": 302, "user": 403, "staff": 200}[persona]
    raise AssertionError(policy)


@pytest.mark.parametrize("name", sorted(POLICY))
@pytest.mark.parametrize("persona", ["anonymous", "user", "staff"])
def test_get_answers_as_the_policy_says(client, personas, name, persona):
    policy, kwargs = POLICY[name]
    if callable(kwargs):
        kwargs = kwargs(personas)
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = client.get(reverse(name, kwargs=kwargs))
    if policy == PUBLIC and name == "www:signup_activate":
        assert response.status_code in (200, 404)  # an unknown account id is a 404
        return
    assert response.status_code == expected_status(policy, persona), response.get("Location")
    if response.status_code == 302 and policy == LOGIN:
        assert response["Location"].startswith(reverse("account_login"))


def test_staff_pages_never_show_to_company_users(client, personas):
    client.force_login(personas["user"])
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
