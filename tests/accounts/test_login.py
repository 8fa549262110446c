"""Sign-in, lockout, password reset, logout and sessions (seed 003 login page; CNIL 2022-100)."""

import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from monespace.accounts.middleware import LAST_ACTIVITY_KEY
from monespace.accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Motdepasse-solide-42"


def login(client, email, password, remember=False):
    data = {"login": email, "password": password}
    if remember:
        data["remember"] = "on"
    return client.post(reverse("account_login"), data)


def test_login_page_has_the_seed_labels(client):
    page = client.get(reverse("account_login")).content.decode()
    for label in [
        "Votre e-mail",
        "Votre mot de passe",
        "Rester connecté",
        "Choisir mon mot de passe / Mot de passe oublié ?",
        "Créer mon compte",
    ]:
        assert label in page


def test_login_and_logout(client):
    user = UserFactory()
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("www:home")
    assert client.get(reverse("www:home")).status_code == 200
    assert SecurityEvent.objects.filter(user=user, kind="login").exists()
    client.post(reverse("account_logout"))
    assert client.get(reverse("www:home")).status_code == 302


def test_email_is_case_insensitive(client):
    user = UserFactory(email="marie@exemple.fr")
    assert login(client, "Marie@Exemple.FR", PASSWORD).status_code == 302
    assert client.get(reverse("www:home")).context["user"] == user


def test_generic_error_does_not_tell_which_part_is_wrong(client):
    user = UserFactory()
    wrong_password = login(client, user.email, "pas-le-bon-1").content.decode()
    unknown_account = login(client, "inconnu@exemple.fr", "pas-le-bon-1").content.decode()

    def errors(page):
        return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)

    assert errors(wrong_password) == errors(unknown_account)
    assert errors(wrong_password)
    assert 'value="' + user.email + '"' in wrong_password  # what was typed is kept
    assert SecurityEvent.objects.filter(kind="login_failed", user=None).count() == 2


def test_failed_attempts_lock_the_account_for_a_growing_time(client, settings):
    """CNIL 2022-100 « temporisation »: after 5 failures the account waits 1 minute, then twice
    as long after each new failure; the message says how long and what else to do."""
    from unittest import mock

    from monespace.accounts import lockout

    user = UserFactory()
    for _ in range(5):
        login(client, user.email, "mauvais-mot-2")
    response = login(client, user.email, PASSWORD)
    page = response.content.decode()
    assert response.status_code == 200, "the right password waits while the account is locked"
    assert "attendez 1 minute avant de réessayer" in page
    assert "Mot de passe oublié ?" in page and reverse("www:help") in page
    assert SecurityEvent.objects.filter(kind="lockout").exists()
    # One minute later the right password gets in, and the count starts again.
    later = time.time() + 61
    with mock.patch("monespace.accounts.lockout.time.time", return_value=later):
        assert login(client, user.email, PASSWORD).status_code == 302
    assert lockout.account_wait(user.email) == 0
    assert [lockout.lock_seconds(n) for n in (4, 5, 6, 7, 12, 20)] == [0, 60, 120, 240, 3600, 3600]


def test_one_office_address_never_locks_the_colleagues_out(client, settings):
    """Two accounts behind one address: the failures of one never lock the other; beyond a
    high ceiling of failures from the address (many accounts tried: credential stuffing), every
    attempt from it is slowed down, and correct credentials still get in."""
    from unittest import mock

    settings.LOGIN_IP_SLOWDOWN_AFTER = 10
    typo, colleague = UserFactory(), UserFactory()
    for _ in range(5):
        login(client, typo.email, "mauvais-mot-2")
    assert "attendez" in login(client, typo.email, PASSWORD).content.decode()
    with mock.patch("monespace.accounts.adapter._sleep") as sleep:
        response = login(client, colleague.email, PASSWORD)
    assert response.status_code == 302, "the colleague signs in"
    sleep.assert_not_called()
    client.post(reverse("account_logout"))
    for n in range(5):  # other accounts tried from the same address: 10 failures in all
        login(client, f"inconnu{n}@exemple.fr", "mauvais-mot-3")
    with mock.patch("monespace.accounts.adapter._sleep") as sleep:
        response = login(client, colleague.email, PASSWORD)
    assert response.status_code == 302, "slowed down, never refused"
    sleep.assert_called_once_with(2.0)


def test_a_new_password_ends_the_lock(client):
    from monespace.accounts import lockout
    from monespace.accounts.adapter import AccountAdapter

    user = UserFactory()
    for _ in range(6):
        lockout.record_failure(user.email, "203.0.113.9")
    assert lockout.account_wait(user.email) > 0
    AccountAdapter().set_password(user, "Nouveau-mot-2026")
    assert lockout.account_wait(user.email) == 0


def test_unverified_or_passwordless_account_cannot_log_in(client):
    user = UserFactory(verified=False)
    response = login(client, user.email, PASSWORD)
    assert client.get(reverse("www:home")).status_code == 302
    assert response.status_code in (200, 302)


def test_session_ends_with_browser_unless_remembered(client):
    user = UserFactory()
    login(client, user.email, PASSWORD)
    assert client.session.get_expire_at_browser_close()
    client.post(reverse("account_logout"))
    login(client, user.email, PASSWORD, remember=True)
    assert not client.session.get_expire_at_browser_close()


def test_idle_session_expires(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    user = UserFactory()
    login(client, user.email, PASSWORD)
    client.get(reverse("www:home"))
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - 120
    session.save()
    response = client.get(reverse("www:home"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_password_reset_does_not_reveal_accounts(client):
    user = UserFactory()
    known = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 2  # allauth writes to unknown addresses too, without a link
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    target = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(
        target, {"password1": "Nouveau-mdp-2026", "password2": "Nouveau-mdp-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-mdp-2026")
    assert user.password_changed_at is not None


def test_password_reset_applies_the_rules(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    ).group(1)
    target = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(target, {"password1": "azerty123", "password2": "azerty123"})
    assert "trop courant" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_requires_current_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "faux-1234",
            "password1": "Nouveau-mdp-2026",
            "password2": "Nouveau-mdp-2026",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Nouveau-mdp-2026", "password2": "Nouveau-mdp-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nouveau-mdp-2026")
    assert SecurityEvent.objects.filter(user=user, kind="password_changed").exists()


def test_signup_through_allauth_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert (
        "Créer mon compte" not in response.content.decode()
        or "inscription" in response.content.decode()
    )
    response = client.post(reverse("account_signup"), {"email": "x@exemple.fr"})
    from monespace.accounts.models import User

    assert not User.objects.filter(email="x@exemple.fr").exists()
