import pytest
from django.urls import reverse

from monespace.notifications.models import Notification
from monespace.notifications.services import notification_create
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_bell_list_open_and_read_all(client):
    user = UserFactory()
    first = notification_create(
        recipient=user, title="Demande MARQUEUR-1", url=reverse("www:attachments")
    )
    notification_create(recipient=user, title="Autre MARQUEUR-2")
    notification_create(recipient=UserFactory(), title="Pas pour vous MARQUEUR-X")
    client.force_login(user)
    home = client.get(reverse("www:home")).content.decode()
    assert '<span class="badge">2</span>' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "MARQUEUR-1" in page and "MARQUEUR-2" in page and "MARQUEUR-X" not in page
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.url == reverse("www:attachments")
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.unread().filter(recipient=user).exists()
    assert Notification.objects.unread().count() == 1  # the other user's stays unread


def test_someone_elses_notification_is_404(client):
    other = notification_create(recipient=UserFactory(), title="x")
    client.force_login(UserFactory())
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_external_urls_are_not_followed(client):
    user = UserFactory()
    notification = notification_create(recipient=user, title="x", url="https://ailleurs.example/")
    client.force_login(user)
    assert client.post(reverse("notifications:open", args=[notification.pk])).url == reverse(
        "notifications:list"
    )


def test_access_requests_and_decisions_notify_in_the_portal(client):
    establishment = EstablishmentFactory(member=True, member_number="77.001")
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    requester = UserFactory()
    client.force_login(requester)
    client.post(
        reverse("www:attachment_request"),
        {"profile": "member", "identifier": establishment.siret, "number": "77.001"},
    )
    notification = Notification.objects.get(recipient=admin)
    assert establishment.company.name in notification.title
    client.force_login(admin)
    client.post(reverse("notifications:open", args=[notification.pk]))
    membership = requester.memberships.get()
    client.post(
        reverse("www:administration_membership_refuse", args=[membership.pk]), {"reason": "Inconnu"}
    )
    decision = Notification.objects.get(recipient=requester)
    assert "refusée" in decision.title and decision.body == "Inconnu"


def test_list_query_count_is_flat(client, django_assert_num_queries):
    user = UserFactory()
    client.force_login(user)
    for i in range(3):
        notification_create(recipient=user, title=f"n{i}")
    client.get(reverse("notifications:list"))
    with django_assert_num_queries(4):
        client.get(reverse("notifications:list"))
    for i in range(10):
        notification_create(recipient=user, title=f"m{i}")
    with django_assert_num_queries(4):
        client.get(reverse("notifications:list"))
