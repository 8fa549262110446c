"""Defences found in review: API, admin login, first password by reset, support access, demo data."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from monespace.accounts.perms import can_support_access
from monespace.core.errors import Forbidden
from monespace.organizations.models import Membership
from monespace.support.models import SupportSession
from monespace.support.services import support_session_open
from tests.factories import KnownContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_api_accepts_no_http_basic_password():
    from rest_framework.settings import api_settings

    names = [cls.__name__ for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    assert names == ["SessionAuthentication"]


def test_django_admin_signs_in_through_the_rate_limited_login(client):
    response = client.get("/django-admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_first_password_through_forgotten_password_activates_the_account(client):
    KnownContactFactory(email="claire@exemple.fr", can_view_training=True)
    client.post(
        reverse("www:signup"),
        {
            "civility": "mme",
            "last_name": "Dupont",
            "first_name": "Claire",
            "email": "claire@exemple.fr",
        },
    )
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "claire@exemple.fr"})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body
    ).group(1)
    target = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        target, {"password1": "Nouveau-mdp-2026", "password2": "Nouveau-mdp-2026"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="claire@exemple.fr")
    assert membership.status == "active" and membership.can_view_training


@pytest.mark.parametrize(
    ("hijacker", "hijacked", "allowed"),
    [
        ({"is_superuser": True, "is_staff": True}, {"consent": True}, True),
        ({"is_superuser": True, "is_staff": True}, {"consent": False}, False),
        ({"is_superuser": False, "is_staff": True}, {"consent": True}, False),
        ({"is_superuser": True, "is_staff": True}, {"consent": True, "is_staff": True}, False),
    ],
)
def test_support_access_needs_consent(hijacker, hijacked, allowed):
    from django.utils import timezone

    actor = UserFactory(**hijacker)
    target = UserFactory(
        is_staff=hijacked.get("is_staff", False),
        support_access_consent_at=timezone.now() if hijacked["consent"] else None,
    )
    assert can_support_access(hijacker=actor, hijacked=target) is False, (
        "never without a recorded reason"
    )
    if allowed:
        support_session_open(staff=actor, user=target, reason="Aide")
    else:
        # A refused opening records nothing (the record is what authorises the hijack).
        with pytest.raises(Forbidden):
            support_session_open(staff=actor, user=target, reason="Aide")
        assert not SupportSession.objects.filter(staff=actor).exists()
    assert can_support_access(hijacker=actor, hijacked=target) is allowed
    assert can_support_access(hijacker=actor, hijacked=None) is False


def test_demo_data_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_production_needs_smtp_and_public_site_url(settings):
    from monespace.core.checks import production_settings

    settings.PRODUCTION = True
    settings.MAILERS = {"default": {"BACKEND": "monespace.core.mail.OutboxBackend"}}
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.CLAMAV_SOCKET = settings.CLAMAV_HOST = ""
    settings.BENCHMARK_REFERENCE_VIEW = True
    settings.WEBHOOKS_ALLOW_INSECURE = True
    settings.OPCO_SEPA_IBAN = ""
    assert {e.id for e in production_settings(None)} == {
        "monespace.E001",
        "monespace.E002",
        "monespace.E003",
        "monespace.E004",
        "monespace.E005",
        "monespace.E006",
    }
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    settings.SITE_URL = "https://monespace.example"
    settings.CLAMAV_SOCKET = "/run/clamav/clamd.ctl"
    settings.CLAMAV_REQUIRED = True
    settings.BENCHMARK_REFERENCE_VIEW = False
    settings.WEBHOOKS_ALLOW_INSECURE = False
    settings.OPCO_SEPA_IBAN = "FR7630006000019876543210076"
    assert production_settings(None) == []
    settings.CLAMAV_REQUIRED = False  # scanning configured but not required: refused too
    assert [e.id for e in production_settings(None)] == ["monespace.E003"]


@pytest.mark.second_factor
class TestDjangoAdminSecondFactor:
    """The Django admin demands the back office's second factor, and a superuser's writes there
    a recent re-authentication."""

    def _staff(self, superuser=False):
        return UserFactory(staff=True, is_superuser=superuser)

    def _with_authenticator(self, user):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
        return user

    @pytest.mark.parametrize("path", ["/django-admin/", "/django-admin/accounts/user/"])
    @pytest.mark.parametrize("superuser", [False, True])
    def test_without_an_authenticator_it_sends_to_set_one_up(self, client, path, superuser):
        client.force_login(self._staff(superuser))
        response = client.get(path)
        assert response.status_code == 302 and response.url == reverse("mfa_index")

    def test_with_an_authenticator_it_opens(self, client):
        client.force_login(self._with_authenticator(self._staff(superuser=True)))
        assert client.get("/django-admin/accounts/user/").status_code == 200

    def test_a_superusers_write_needs_a_recent_reauthentication(self, client, settings):
        from django.utils import timezone

        from monespace.accounts.models import SecurityEvent

        admin = self._with_authenticator(self._staff(superuser=True))
        client.force_login(admin)
        target = UserFactory(first_name="Avant")
        url = f"/django-admin/accounts/user/{target.pk}/change/"
        # Signed in long ago (the session's authentication is older than the timeout).
        session = client.session
        session["account_authentication_methods"] = [
            {"method": "password", "at": timezone.now().timestamp() - 3600, "email": admin.email}
        ]
        session.save()
        response = client.post(url, {"email": target.email, "first_name": "Après"})
        assert response.status_code == 302 and "reauthenticate" in response.url
        target.refresh_from_db()
        assert target.first_name == "Avant"
        assert not SecurityEvent.objects.filter(user=target, kind="password_changed").exists()

    def test_staff_without_a_second_factor_requirement_open_it(self, client, settings):
        settings.STAFF_REQUIRE_MFA = False
        client.force_login(self._staff(superuser=True))
        assert client.get("/django-admin/").status_code == 200
