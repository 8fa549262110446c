"""The home page: coordonnées, interlocuteurs, informations and the computed to-do list."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.accounts.models import StaffProfile
from monespace.dossiers.models import Decision
from monespace.notifications.models import Announcement
from monespace.notifications.services import notification_create
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory
from tests.helpers import create_dossier

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
        user=UserFactory(staff=True, first_name="Ericka"),
        role="advisor",
        branches=["Boulangerie"],
        contact_roles=["plan_advisor"],
    )
    StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Autre"),
        role="advisor",
        branches=["Hôtellerie"],
        contact_roles=["plan_advisor"],
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


def test_coordinates_show_the_phone_and_the_catalogue_link_when_configured(client, scene, settings):
    from monespace.accounts.models import User

    User.objects.filter(pk=scene["user"].pk).update(phone="06 01 02 03 04")
    page = client.get(reverse("www:home")).content.decode()
    assert "06 01 02 03 04" in page and "Espace Formation" not in page
    settings.TRAINING_CATALOGUE_URL = "https://formation.opco-demo.fr/"
    page = client.get(reverse("www:home")).content.decode()
    assert 'href="https://formation.opco-demo.fr/"' in page and "Espace Formation" in page


def test_todo_is_computed_from_the_data(client, scene):
    establishment = scene["establishment"]
    create_dossier(
        company=establishment.company, establishment=establishment, created_by=scene["user"]
    )
    waiting = create_dossier(
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
    create_dossier(
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
    # Seed 003: the training over lists the pieces it still lacks, per dossier.
    text = " ".join(html.unescape(page).split())
    assert "Formation terminée 2026-AF-000008" in text
    assert "certificat de réalisation" in text and "feuilles d'émargement" in text
    assert "1 notification non lue" in page


def test_home_query_count_does_not_grow(client, scene, django_assert_num_queries):
    establishment = scene["establishment"]
    client.get(reverse("www:home"))
    with django_assert_num_queries(8):
        client.get(reverse("www:home"))
    for i in range(5):
        dossier = create_dossier(
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
    with django_assert_num_queries(8):
        client.get(reverse("www:home"))


def test_quick_accesses_with_live_counts_loaded_after_the_page(
    client, scene, django_assert_num_queries
):
    from monespace.dossiers.models import SavedView

    establishment = scene["establishment"]
    for i, state in enumerate(["approved", "approved", "submitted"]):
        create_dossier(
            company=establishment.company,
            establishment=establishment,
            state=state,
            number=f"2026-AF-00020{i}",
            title=f"T{i}",
        )
    response = client.post(
        reverse("www:quick_access_add"),
        {"name": "Dossiers accordés", "query": "group=accordes&page=3"},
    )
    assert response.url == "/dossiers/?group=accordes"
    client.post(reverse("www:quick_access_add"), {"name": "Recherche T2", "query": "q=T2"})
    client.post(reverse("www:quick_access_add"), {"name": "", "query": "q=x"})
    assert SavedView.objects.count() == 2
    page = client.get(reverse("www:home")).content.decode()
    views = {v.name: v for v in SavedView.objects.all()}
    # The page shows the links at once; each count is a fragment loaded after it.
    for name in ("Dossiers accordés", "Recherche T2"):
        count_url = reverse("www:quick_access_count", args=[views[name].pk])
        assert f'{name}</a> <span class="badge-soft" hx-get="{count_url}"' in page
    counts = {
        name: client.get(reverse("www:quick_access_count", args=[view.pk])).content.decode()
        for name, view in views.items()
    }
    assert counts == {
        "Dossiers accordés": '<span class="badge-soft">2</span>\n',
        "Recherche T2": '<span class="badge-soft">1</span>\n',
    }
    with django_assert_num_queries(8):
        client.get(reverse("www:home"))
    for i in range(4):
        client.post(reverse("www:quick_access_add"), {"name": f"Vue {i}", "query": f"q=T{i}"})
    with django_assert_num_queries(8):  # whatever the number of quick accesses
        client.get(reverse("www:home"))
    with django_assert_num_queries(5):  # session, user, reach, the view, its count
        client.get(reverse("www:quick_access_count", args=[views["Recherche T2"].pk]))
    # Another user's quick access: 404.
    outsider = SavedView.objects.create(user=UserFactory(), name="Autre", query="")
    assert client.get(reverse("www:quick_access_count", args=[outsider.pk])).status_code == 404
    outsider.delete()
    first, second = SavedView.objects.order_by("position")[:2]
    client.post(reverse("www:quick_access_change", args=[second.pk]), {"action": "up"})
    assert list(SavedView.objects.order_by("position").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    client.post(
        reverse("www:quick_access_change", args=[first.pk]),
        {"action": "rename", "name": "Accordés"},
    )
    client.post(reverse("www:quick_access_change", args=[second.pk]), {"action": "delete"})
    assert list(SavedView.objects.values_list("name", flat=True))[:1] == ["Accordés"]
    other = SavedView.objects.create(user=UserFactory(), name="Autre", query="")
    assert (
        client.post(
            reverse("www:quick_access_change", args=[other.pk]), {"action": "delete"}
        ).status_code
        == 404
    )


def test_staff_publish_information_shown_on_home(client, scene):
    staff = StaffProfile.objects.create(user=UserFactory(staff=True), role="manager").user
    client.force_login(staff)
    bad = client.post(
        reverse("backoffice:announcements"),
        {
            "title": "Qualiopi",
            "body": "x",
            "audience": "all",
            "published_from": "2026-12-10",
            "published_until": "2026-12-01",
        },
    )
    assert "La date de fin doit être postérieure" in bad.content.decode()
    client.post(
        reverse("backoffice:announcements"),
        {
            "title": "Rappel Qualiopi",
            "body": "Vérifiez la certification.",
            "audience": "member",
            "published_from": timezone.localdate().isoformat(),
        },
    )
    client.force_login(scene["user"])
    assert "Rappel Qualiopi" in client.get(reverse("www:home")).content.decode()


def test_two_documents_requests_make_one_to_do_line(client):
    """Issue 15: a dossier asked for pieces twice is one line of the to-do list."""
    from datetime import timedelta

    from django.utils import timezone

    from monespace.dossiers.models import Decision
    from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    dossier = DossierFactory(establishment=establishment, documents_requested=True)
    for days in (10, 20):
        Decision.objects.create(
            dossier=dossier,
            kind="documents_request",
            missing_pieces=["Programme"],
            due_date=timezone.localdate() + timedelta(days=days),
        )
    client.force_login(user)
    page = client.get(reverse("www:home")).content.decode()
    assert page.count(f"dossiers/{dossier.pk}/") == 1
