import pytest
from django.urls import reverse

from monespace.accounts.models import SecurityEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client):
    user = UserFactory(phone="")
    client.force_login(user)
    return user


def test_profile_update(client, user):
    response = client.post(
        reverse("www:profile"),
        {
            "civility": "m",
            "last_name": " Martin ",
            "first_name": "Paul",
            "phone": "01 23 45 67 89",
            "themes": ["invoices"],
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.civility, user.last_name, user.phone, user.notification_themes) == (
        "m",
        "Martin",
        "01 23 45 67 89",
        ["invoices"],
    )


@pytest.mark.parametrize("name", ["0", "12345", "\u200b", "\u202e"])
def test_profile_names_are_made_of_letters(client, user, name):
    """The sign-up's rule, reused: digits only or an invisible character is not a name."""
    response = client.post(
        reverse("www:profile"), {"civility": "mme", "last_name": name, "first_name": "Paul"}
    )
    assert response.status_code == 200
    assert "Saisissez un nom composé de lettres." in response.content.decode()
    user.refresh_from_db()
    assert user.last_name != name


def test_profile_bad_input_keeps_what_was_typed(client, user):
    response = client.post(
        reverse("www:profile"),
        {
            "civility": "zz",
            "last_name": "",
            "first_name": "Paul",
            "phone": "appelez-moi",
            "themes": ["nope"],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez un numéro de téléphone" in page
    assert 'value="appelez-moi"' in page
    user.refresh_from_db()
    assert user.first_name == "Claire" and user.phone == ""


def test_support_consent_can_be_given_and_withdrawn(client, user):
    client.post(reverse("www:support_consent"), {"consent": "on"})
    user.refresh_from_db()
    assert user.support_access_consent_at is not None
    assert "Vous avez donné votre accord le" in client.get(reverse("www:profile")).content.decode()
    client.post(reverse("www:support_consent"), {})
    user.refresh_from_db()
    assert user.support_access_consent_at is None
    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert "support_consent_given" in kinds and "support_consent_withdrawn" in kinds
    assert client.get(reverse("www:support_consent")).status_code == 405


def test_attachments_show_only_the_users_own(client, user):
    own = MembershipFactory(user=user, company__name="MA SOCIETE MARQUEUR-A")
    MembershipFactory(company__name="AUTRE SOCIETE MARQUEUR-B")
    page = client.get(reverse("www:attachments")).content.decode()
    assert own.company.name in page
    assert "MARQUEUR-B" not in page
    assert "MARQUEUR-B" not in client.get(reverse("www:home")).content.decode()


def test_home_and_attachments_query_counts(client, user, django_assert_num_queries):
    for _ in range(3):
        MembershipFactory(user=user)
    client.get(reverse("www:home"))  # first request of the session records it (usersessions)
    with django_assert_num_queries(6):
        client.get(reverse("www:home"))
    with django_assert_num_queries(4):
        client.get(reverse("www:attachments"))
    for _ in range(5):
        MembershipFactory(user=user)
    with django_assert_num_queries(6):
        client.get(reverse("www:home"))
    with django_assert_num_queries(4):
        client.get(reverse("www:attachments"))


def test_profile_shows_my_rights(client, user):
    MembershipFactory(user=user, company__name="SOCIETE DROITS", can_view_invoices=True)
    page = client.get(reverse("www:profile")).content.decode()
    assert "SOCIETE DROITS" in page and "consulter les factures et règlements" in page
