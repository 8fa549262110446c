"""« Connexion en tant que »: consent, reason, banner, time limit, record, no sensitive change."""

from datetime import timedelta

import pytest
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


def test_sensitive_changes_are_blocked(client, staff):
    user = consenting_user()
    acquire(client, user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "Motdepasse-solide-42",
            "password1": "Autre-mdp-2026",
            "password2": "Autre-mdp-2026",
        },
    )
    assert response.status_code == 403 and "Modification impossible" in response.content.decode()
    assert client.post(reverse("www:support_consent"), {}).status_code == 403
    user.refresh_from_db()
    assert (
        user.check_password("Motdepasse-solide-42") and user.support_access_consent_at is not None
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
