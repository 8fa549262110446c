"""« Connexion en tant que »: consent, reason, banner, time limit, record, no sensitive change."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monespace.accounts.models import StaffProfile
from monespace.support.models import ContactRequest, SupportSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Sam"), role="support"
    ).user
    client.force_login(user)
    return user


def consenting_user():
    return UserFactory(first_name="Marie", support_access_consent_at=timezone.now())


def acquire(client, user, reason="Aide à la saisie d'un dossier"):
    return client.post(reverse("backoffice:support_access", args=[user.pk]), {"reason": reason})


def test_support_access_with_consent_is_recorded_and_visible(client, staff):
    user = consenting_user()
    response = acquire(client, user)
    assert response.status_code == 302
    page = client.get(reverse("www:home")).content.decode()
    assert "vous agissez au nom de Marie" in page
    record = SupportSession.objects.get()
    assert record.started_at is not None and record.reason == "Aide à la saisie d'un dossier"
    profile = client.get(reverse("www:profile")).content.decode()
    assert (
        "Aide à la saisie d&#x27;un dossier" in profile
        or "Aide à la saisie d'un dossier" in profile
    )
    client.post(reverse("hijack:release"), {"next": "/backoffice/"})
    record.refresh_from_db()
    assert record.ended_at is not None


def test_without_consent_or_reason_or_role_nothing_happens(client, staff):
    refusing = UserFactory(support_access_consent_at=None)
    acquire(client, refusing)
    assert client.get(reverse("www:home")).wsgi_request.user == staff
    acquire(client, consenting_user(), reason="")
    assert not SupportSession.objects.exists()
    assistant = StaffProfile.objects.create(
        user=UserFactory(staff=True), role="training_assistant"
    ).user
    client.force_login(assistant)
    assert acquire(client, consenting_user()).status_code == 403
    assert not SupportSession.objects.filter(staff=assistant).exists(), (
        "nothing recorded for a role that may not"
    )


def test_the_hijack_url_alone_is_refused(client, staff):
    user = consenting_user()
    response = client.post(reverse("hijack:acquire"), {"user_pk": user.pk})
    assert response.status_code == 403


def test_the_session_is_read_only(client, staff):
    """Support sees what the user sees and changes nothing: every write is refused (403), only
    ending the session is allowed; nothing is recorded in the user's name."""
    from monespace.organizations.models import Membership
    from tests.factories import MembershipFactory

    user = consenting_user()
    membership = MembershipFactory(user=user, is_admin=True)
    other = MembershipFactory(company=membership.company)
    acquire(client, user)
    writes = [
        (
            reverse("account_change_password"),
            {
                "oldpassword": "Motdepasse-solide-42",
                "password1": "Autre-mdp-2026",
                "password2": "Autre-mdp-2026",
            },
        ),
        (reverse("www:support_consent"), {}),
        (
            reverse("www:profile"),
            {"civility": "m", "first_name": "Pirate", "last_name": "X", "phone": ""},
        ),
        (
            reverse("www:administration_membership_rights", args=[other.pk]),
            {"is_admin": "on", "can_view_training": "on"},
        ),
        (reverse("usersessions_list"), {"action": "end"}),
        (reverse("www:quick_access_add"), {"name": "Vue", "query": ""}),
        (reverse("account_logout"), {}),
    ]
    for url, data in writes:
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "Consultation seulement" in response.content.decode()
    user.refresh_from_db()
    other.refresh_from_db()
    assert user.check_password("Motdepasse-solide-42") and user.first_name == "Marie"
    assert user.support_access_consent_at is not None and not other.is_admin
    assert not user.saved_views.exists()
    assert Membership.objects.get(pk=membership.pk).status == "active"
    # Reading is allowed, and ending the session too.
    assert client.get(reverse("www:profile")).status_code == 200
    response = client.post(reverse("hijack:release"), {"next": "/backoffice/"})
    assert response.status_code == 302
    assert client.get(reverse("www:home")).wsgi_request.user == staff


def test_a_session_left_open_shows_its_end(client, staff):
    """Closing the browser does not end it: it ends at its time limit, and the user's profile
    shows that time."""
    user = consenting_user()
    acquire(client, user)
    record = SupportSession.objects.get()
    record.expires_at = timezone.now() - timedelta(minutes=5)
    record.save(update_fields=["expires_at"])
    own = Client()
    own.force_login(user)
    page = own.get(reverse("www:profile")).content.decode()
    assert (
        "terminée le" in page
        and timezone.localtime(record.expires_at).strftime("%d/%m/%Y %H:%M") in page
    )


def test_the_session_ends_after_the_time_limit(client, staff):
    acquire(client, consenting_user())
    SupportSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("www:home"))
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert SupportSession.objects.get().ended_at is not None


def test_callback_form_is_stored_and_acknowledged(client):
    from django.core import mail

    data = {
        "first_name": "Claire",
        "last_name": "Dupont",
        "email": "claire@exemple.fr",
        "siret": "73282932000074",
        "region": "Bretagne",
        "sector": "Boulangerie",
        "phone": "01 23 45 67 89",
        "company_size": "under_11",
        "subject": "account",
        "message": "Je n'arrive pas à créer mon compte.",
        "consent": "on",
    }
    bad = client.post(reverse("www:help"), {**data, "siret": "73282932000075", "consent": ""})
    page = bad.content.decode()
    assert "clé de contrôle incorrecte" in page and "Votre accord est nécessaire" in page
    assert 'value="Claire"' in page and not ContactRequest.objects.exists()
    response = client.post(reverse("www:help"), data)
    assert response.status_code == 302
    assert ContactRequest.objects.get().subject == "account"
    assert mail.outbox[-1].to == ["claire@exemple.fr"]
    staff = StaffProfile.objects.create(user=UserFactory(staff=True), role="support").user
    client.force_login(staff)
    assert (
        "Je n&#x27;arrive pas"
        in client.get(reverse("backoffice:contact_requests")).content.decode()
    )
