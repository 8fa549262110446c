"""Instruction by OPCO staff: queue, assignment, documents request, approval, refusal, closure,
letters among the dossier's documents, notifications of the company's users."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monespace.accounts.models import StaffProfile
from monespace.dossiers.models import Decision, Document, DossierEvent
from monespace.notifications.models import Notification
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory
from tests.helpers import create_dossier, read_streaming

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def scene(client):
    establishment = EstablishmentFactory(member=True, branch="Boulangerie")
    editor = MembershipFactory(
        company=establishment.company,
        can_view_training=True,
        can_edit_training=True,
        user__notification_themes=["dossiers"],
    ).user
    quiet = MembershipFactory(
        company=establishment.company, can_view_training=True
    ).user  # no e-mail theme
    stranger = MembershipFactory(company=establishment.company).user  # no training right
    dossier = create_dossier(
        company=establishment.company,
        establishment=establishment,
        title="HYGIÈNE",
        state="submitted",
        number="2026-AF-000042",
        submitted_at=timezone.now(),
        cost_teaching=Decimal("1000.00"),
        cost_meals=Decimal("100.00"),
        start_date=timezone.localdate() + timedelta(days=40),
        end_date=timezone.localdate() + timedelta(days=41),
        duration_hours=Decimal("14"),
    )
    advisor = StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Ericka"), role="advisor"
    ).user
    client.force_login(advisor)
    return {
        "dossier": dossier,
        "editor": editor,
        "quiet": quiet,
        "stranger": stranger,
        "advisor": advisor,
    }


def post(client, name, dossier, data=None):
    return client.post(reverse(f"backoffice:{name}", args=[dossier.pk]), data or {})


def test_assign_moves_to_review(client, scene):
    post(client, "dossier_assign", scene["dossier"])
    scene["dossier"].refresh_from_db()
    assert (
        scene["dossier"].assigned_to == scene["advisor"]
        and scene["dossier"].state == "under_review"
    )


def test_approval_with_amounts_and_letter(client, scene):
    dossier = scene["dossier"]
    response = post(
        client, "dossier_approve", dossier, {"cost_teaching": "1200", "cost_meals": "50"}
    )
    assert response.status_code == 200
    assert "ne peut pas dépasser le montant demandé" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == "submitted"

    post(client, "dossier_approve", dossier, {"cost_teaching": "900", "cost_meals": "50"})
    dossier.refresh_from_db()
    assert dossier.state == "approved" and dossier.granted_total == Decimal("950")
    decision = Decision.objects.get(dossier=dossier, kind="approval")
    assert {a.line: a.amount for a in decision.amounts.all()} == {
        "cost_teaching": Decimal("900.00"),
        "cost_meals": Decimal("50.00"),
    }
    letter = Document.objects.get(dossier=dossier, piece_type="letter")
    assert decision.letter == letter
    with letter.file.open("rb") as handle:
        assert handle.read(4) == b"%PDF"
    recipients = set(
        Notification.objects.filter(title__contains="accordé").values_list("recipient", flat=True)
    )
    assert recipients == {scene["editor"].pk, scene["quiet"].pk}
    assert [m.to for m in mail.outbox if "accordé" in m.subject] == [[scene["editor"].email]]

    # the company user downloads the courrier d'accord
    client.force_login(scene["editor"])
    page = client.get(
        reverse("www:dossier", args=[dossier.pk]) + "?onglet=documents"
    ).content.decode()
    assert "Courrier d&#x27;accord" in page or "Courrier d'accord" in page
    response = client.get(reverse("www:dossier_document", args=[dossier.pk, letter.pk]))
    assert response.status_code == 200
    assert read_streaming(response).startswith(b"%PDF")


def test_documents_request_then_user_provides_them(client, scene):
    dossier = scene["dossier"]
    post(client, "dossier_assign", dossier)
    response = post(
        client, "dossier_request_documents", dossier, {"due_date": timezone.localdate().isoformat()}
    )
    page = response.content.decode()
    assert "Choisissez une date à venir" in page and "Indiquez au moins une pièce" in page
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    post(
        client,
        "dossier_request_documents",
        dossier,
        {"pieces": ["programme"], "other": "Devis signé", "due_date": due},
    )
    dossier.refresh_from_db()
    assert dossier.state == "documents_requested"
    decision = Decision.objects.get(kind="documents_request")
    assert decision.missing_pieces == ["Programme détaillé", "Devis signé"]
    assert Document.objects.filter(
        dossier=dossier, piece_type="letter", title="Courrier de relance"
    ).exists()

    client.force_login(scene["editor"])
    page = client.get(reverse("www:dossier", args=[dossier.pk])).content.decode()
    assert "L&#x27;OPCO demande des pièces" in page or "L'OPCO demande des pièces" in page
    upload = SimpleUploadedFile("programme.pdf", PDF, content_type="application/pdf")
    client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {"file": upload, "piece_type": "programme", "title": "Programme"},
    )
    dossier.refresh_from_db()
    assert dossier.state == "under_review"
    assert Notification.objects.filter(
        recipient=scene["advisor"], title__contains="Pièces fournies"
    ).exists()


def test_refusal_and_closure_rules(client, scene):
    dossier = scene["dossier"]
    assert "Indiquez le motif du refus" in post(client, "dossier_refuse", dossier).content.decode()
    response = post(client, "dossier_close", dossier, {})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "submitted"  # only an approved dossier is closed
    post(client, "dossier_refuse", dossier, {"reason": "Action non éligible"})
    dossier.refresh_from_db()
    assert dossier.state == "refused"
    assert Document.objects.filter(dossier=dossier, title="Courrier de refus").exists()
    post(client, "dossier_approve", dossier, {"cost_teaching": "10", "cost_meals": "0"})
    dossier.refresh_from_db()
    assert dossier.state == "refused"


def test_staff_change_is_recorded_and_users_ask_for_changes(client, scene):
    dossier = scene["dossier"]
    post(client, "dossier_assign", dossier)
    start = dossier.start_date + timedelta(days=7)
    post(
        client,
        "dossier_change",
        dossier,
        {
            "title": "HYGIÈNE HACCP",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "duration_hours": "14",
            "message": "Report demandé",
        },
    )
    dossier.refresh_from_db()
    assert dossier.title == "HYGIÈNE HACCP"
    event = DossierEvent.objects.filter(dossier=dossier, kind="changed").get()
    assert "Report demandé" in event.message and "HYGIÈNE → HYGIÈNE HACCP" in event.message
    client.force_login(scene["editor"])
    client.post(
        reverse("www:dossier_change_request", args=[dossier.pk]),
        {"message": "Ajouter un stagiaire"},
    )
    assert DossierEvent.objects.filter(
        dossier=dossier, kind="change_requested", message="Ajouter un stagiaire"
    ).exists()
    assert Notification.objects.filter(
        recipient=scene["advisor"], title__contains="Demande de modification"
    ).exists()


def test_queue_filters_and_flat_query_count(client, scene, django_assert_num_queries):
    url = reverse("backoffice:queue")
    assert scene["dossier"].number in client.get(url).content.decode()
    assert scene["dossier"].number not in client.get(url + "?assigned=me").content.decode()
    assert scene["dossier"].number in client.get(url + "?branch=boulang").content.decode()
    assert scene["dossier"].number not in client.get(url + "?state=approved").content.decode()
    assert scene["dossier"].number in client.get(url + "?q=2026-AF-0000").content.decode()
    client.get(url)
    with django_assert_num_queries(4):
        client.get(url)
    for i in range(5):
        create_dossier(
            company=scene["dossier"].company,
            establishment=scene["dossier"].establishment,
            state="submitted",
            number=f"2026-AF-1000{i}",
            submitted_at=timezone.now(),
        )
    with django_assert_num_queries(4):
        client.get(url)


@pytest.mark.second_factor
def test_staff_need_a_second_factor(client, scene):
    response = client.get(reverse("backoffice:queue"))
    assert response.status_code == 302 and response.url == reverse("mfa_index")
