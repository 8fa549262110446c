"""The home page: coordonnées, interlocuteurs, informations and the computed to-do list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.accounts.models import StaffProfile
from monespace.dossiers.models import Decision, Dossier
from monespace.notifications.models import Announcement
from monespace.notifications.services import notification_create
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(client):
    establishment = EstablishmentFactory(
        member=True, member_number="12927.001", branch="Boulangerie"
    )
    membership = MembershipFactory(
        company=establishment.company,
        requested_establishment=establishment,
        can_view_training=True,
        can_edit_training=True,
        is_admin=True,
    )
    client.force_login(membership.user)
    return {"establishment": establishment, "user": membership.user}


def test_coordinates_contacts_and_information(client, scene):
    advisor = StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Ericka"), role="advisor", branches=["Boulangerie"]
    )
    StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Autre"), role="advisor", branches=["Hôtellerie"]
    )
    Announcement.objects.create(
        title="Pensez à Qualiopi", body="Vérifiez la certification.", audience="member"
    )
    Announcement.objects.create(title="Pour les OF seulement", body="x", audience="provider")
    Announcement.objects.create(
        title="Expirée", body="x", published_until=timezone.localdate() - timedelta(days=1)
    )
    page = client.get(reverse("www:home")).content.decode()
    assert "12927.001" in page and scene["establishment"].siret in page
    assert advisor.user.email in page and "Autre" not in page
    assert (
        "Pensez à Qualiopi" in page
        and "Pour les OF seulement" not in page
        and "Expirée" not in page
    )


def test_todo_is_computed_from_the_data(client, scene):
    establishment = scene["establishment"]
    Dossier.objects.create(
        company=establishment.company, establishment=establishment, created_by=scene["user"]
    )
    waiting = Dossier.objects.create(
        company=establishment.company,
        establishment=establishment,
        state="documents_requested",
        number="2026-AF-000007",
    )
    Decision.objects.create(
        dossier=waiting,
        kind="documents_request",
        missing_pieces=["Programme"],
        due_date=timezone.localdate() + timedelta(days=9),
    )
    Dossier.objects.create(
        company=establishment.company,
        establishment=establishment,
        state="approved",
        number="2026-AF-000008",
        end_date=timezone.localdate() - timedelta(days=3),
    )
    MembershipFactory(company=establishment.company, pending=True)
    notification_create(recipient=scene["user"], title="Décision")
    page = client.get(reverse("www:home")).content.decode()
    assert "Pièces à fournir pour le dossier 2026-AF-000007" in page
    assert "1 brouillon à terminer" in page
    assert "1 demande de rattachement à traiter" in page
    assert "1 formation terminée : déposez les factures" in page
    assert "1 notification non lue" in page


def test_home_query_count_does_not_grow(client, scene, django_assert_num_queries):
    establishment = scene["establishment"]
    client.get(reverse("www:home"))
    with django_assert_num_queries(9):
        client.get(reverse("www:home"))
    for i in range(5):
        dossier = Dossier.objects.create(
            company=establishment.company,
            establishment=establishment,
            state="documents_requested",
            number=f"2026-AF-00010{i}",
        )
        Decision.objects.create(
            dossier=dossier,
            kind="documents_request",
            missing_pieces=["x"],
            due_date=timezone.localdate(),
        )
        notification_create(recipient=scene["user"], title=f"n{i}")
        Announcement.objects.create(title=f"a{i}", body="x")
    with django_assert_num_queries(9):
        client.get(reverse("www:home"))
