import io
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from monespace.accounts.models import User
from monespace.core.models import OutgoingEmail
from monespace.demo.management.commands.demo import site_url_for
from monespace.demo.volume import letter_pdf
from monespace.dossiers.enums import EDITABLE_STATES, DossierKind, DossierState
from monespace.dossiers.models import (
    Decision,
    DecisionKind,
    Document,
    Dossier,
    DossierEvent,
    SavedView,
)
from monespace.notifications.models import Notification
from monespace.organizations.models import Company, Membership

PASSWORD = "Demo-Mon-Espace-2026"
COMPANY_USER = "entreprise@demo.monespace.fr"


@pytest.mark.parametrize(
    ("addrport", "url"),
    [
        ("8123", "http://127.0.0.1:8123"),
        ("0.0.0.0:8123", "http://127.0.0.1:8123"),
        ("0:8123", "http://127.0.0.1:8123"),
        ("[::]:8123", "http://127.0.0.1:8123"),
        ("127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("192.168.1.20:8000", "http://192.168.1.20:8000"),
        ("[::1]:8123", "http://[::1]:8123"),
        ("demo.local:9000", "http://demo.local:9000"),
    ],
)
def test_email_links_follow_the_address_served(addrport, url):
    assert site_url_for(addrport) == url


@pytest.mark.parametrize("addrport", ["localhost", "http://127.0.0.1:8000", "127.0.0.1:port"])
def test_an_address_runserver_would_refuse_is_refused_before_anything_is_done(addrport):
    with pytest.raises(CommandError):
        site_url_for(addrport)


def test_an_explicit_site_url_wins_and_the_host_served_is_accepted(settings, monkeypatch):
    from monespace.demo.management.commands.demo import Command

    monkeypatch.setenv("SITE_URL", "https://demo.opco.example")  # a demo behind a proxy
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    command = Command(stdout=io.StringIO())
    assert command._site_url("demo.local:9000") == "https://demo.opco.example"
    assert settings.SITE_URL == os.environ["SITE_URL"] == "https://demo.opco.example"
    assert settings.ALLOWED_HOSTS == ["127.0.0.1", "localhost", "demo.local"]
    command._site_url("0.0.0.0:9000")  # every interface: reached at 127.0.0.1, accepted already
    assert settings.ALLOWED_HOSTS == ["127.0.0.1", "localhost", "demo.local"]


def test_the_volume_letters_are_pdf_files_that_say_what_they_are():
    pdf = letter_pdf(["Objet : Courrier d'accord (dossier 2026-AF-000123)", "Montant : 1 450,00 €"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    # Parentheses escaped, accents and the euro sign in the PDF's WinAnsi encoding.
    assert b"Courrier d'accord \\(dossier 2026-AF-000123\\)" in pdf
    assert "Montant : 1 450,00 €".encode("cp1252") in pdf
    # The cross-reference table points at each object.
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    offsets = [int(line[:10]) for line in pdf[xref:].split(b"\n")[3:8]]
    assert [pdf[o:].split(b"\n", 1)[0] for o in offsets] == [b"%d 0 obj" % n for n in range(1, 6)]


@pytest.mark.django_db
def test_every_persona_can_sign_in_and_finds_their_own_dossiers(client):
    out = io.StringIO()
    call_command("seed_demo", volume=0, stdout=out)
    assert "Demo-Mon-Espace-2026" in out.getvalue()
    for email in [
        "entreprise@demo.monespace.fr",
        "of@demo.monespace.fr",
        "conseiller@demo.monespace.fr",
    ]:
        assert client.login(email=email, password=PASSWORD), email
        client.logout()
    assert Dossier.objects.filter(state="submitted", number__isnull=False).count() == 3
    # Professionalisation contracts: accepted with its commitment, to instruct, entered by the
    # training organisation for the company to validate; a Pro-A draft.
    pro = Dossier.objects.filter(kind="professionalisation")
    assert sorted(pro.values_list("state", flat=True)) == [
        "approved",
        "awaiting_employer",
        "submitted",
    ]
    assert pro.get(state="approved").commitments.get().total > 0
    assert Dossier.objects.get(kind="pro_a").state == "draft"
    # Apprenticeship contracts for every side: accepted with its deposit number, to instruct,
    # pre-entered by the CFA for the company to validate.
    contracts = Dossier.objects.filter(kind="apprenticeship")
    assert sorted(contracts.values_list("state", flat=True)) == [
        "approved",
        "awaiting_employer",
        "submitted",
    ]
    assert contracts.get(state="approved").apprenticeship.deca_number
    assert client.login(email="cfa@demo.monespace.fr", password=PASSWORD)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            User,
            Membership,
            Company,
            Dossier,
            Document,
            Decision,
            DossierEvent,
            Notification,
            SavedView,
            OutgoingEmail,
        )
    }


@pytest.mark.django_db
def test_the_demo_serves_a_living_portal_and_writes_its_links_on_the_address_given(
    client, settings, monkeypatch
):
    monkeypatch.setenv("SITE_URL", "")
    monkeypatch.delenv("SITE_URL")  # restored (absent) after the test
    settings.SITE_URL = "http://127.0.0.1:8000"  # what the command sets is undone after the test
    out = io.StringIO()
    call_command("demo", "0.0.0.0:8123", "--no-server", stdout=out)

    # The served process and those it starts (worker, scheduler) link to the port given.
    assert settings.SITE_URL == os.environ["SITE_URL"] == "http://127.0.0.1:8123"
    assert "Liens des e-mails : http://127.0.0.1:8123" in out.getvalue()
    assert "entreprise@demo.monespace.fr" in out.getvalue()  # the personas' logins, printed
    bodies = list(OutgoingEmail.objects.values_list("body", flat=True))
    assert any("http://127.0.0.1:8123/dossiers/" in body for body in bodies), bodies
    assert not any("127.0.0.1:8000" in body for body in bodies)

    # Every state, every dispositif, several companies, over two years.
    by_state = dict(Dossier.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert {state: by_state.get(state, 0) > 0 for state in DossierState} == dict.fromkeys(
        DossierState, True
    )
    assert Dossier.objects.count() >= 300
    assert set(Dossier.objects.values_list("kind", flat=True)) == set(DossierKind)
    assert Company.objects.annotate(n=Count("dossiers")).filter(n__gte=20).count() >= 6
    now = timezone.now()
    oldest = Dossier.objects.order_by("created_at").first().created_at
    assert now - timedelta(days=731) < oldest < now - timedelta(days=600)
    # Transmitted ones numbered in the year of their transmission (never reused later).
    assert Dossier.objects.filter(number__startswith=f"{now.year - 1}-").count() > 50
    # Decisions by the OPCO's staff, each letter among the dossier's documents.
    lettered = Decision.objects.exclude(kind=DecisionKind.CLOSURE)
    assert lettered.filter(decided_by__is_staff=True).count() == lettered.count() > 100
    assert not lettered.filter(letter__isnull=True).exists()
    assert Document.objects.filter(piece_type="letter").count() >= lettered.count()
    letter = lettered.filter(kind=DecisionKind.APPROVAL).order_by("created_at").first().letter
    with letter.file.open("rb") as pdf:
        assert pdf.read().startswith(b"%PDF-1.4")

    # The main persona: her notifications (the counter agrees), her quick accesses.
    user = User.objects.get(email=COMPANY_USER)
    assert user.notifications.count() > 5
    assert user.unread_notifications == user.notifications.filter(read_at__isnull=True).count()
    views = list(user.saved_views.values_list("name", flat=True))
    assert len(views) >= 3

    # The queue by deadline reads the contracts' complete file day on their dossier.
    from monespace.dossiers.models import ApprenticeshipContract

    completed = ApprenticeshipContract.objects.filter(complete_on__isnull=False)
    assert completed.exists()
    assert not Dossier.objects.filter(
        pk__in=completed.values("dossier_id"), complete_on__isnull=True
    ).exists()
    # « Vos interlocuteurs »: the demo's staff have their roles and regional entity.
    from monespace.accounts.models import StaffProfile

    assert StaffProfile.objects.exclude(contact_roles=[]).exclude(entity=None).exists()

    # Loaded once: a second run changes nothing.
    counts = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == counts

    # « Mes dossiers »: a full page, counts in every group; the home page with her accesses.
    assert client.login(email=COMPANY_USER, password=PASSWORD)
    response = client.get(reverse("www:dossiers"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert response.context["count_all"] > 120
    assert all(count > 5 for _group, _label, count in response.context["groups"])
    response = client.get(reverse("www:dossiers"), {"state": "documents_requested"})
    assert response.status_code == 200
    assert {d.state for d in response.context["page"]} == {"documents_requested"}
    response = client.get(reverse("www:home"))
    assert response.status_code == 200
    for name in views:
        assert escape(name) in response.content.decode()

    # One dossier of each dispositif and state opens for its company and for the OPCO.
    advisor = User.objects.get(email="conseiller@demo.monespace.fr")
    samples = {}
    for dossier in Dossier.objects.order_by("-pk"):
        samples[dossier.kind, dossier.state] = dossier
    assert len(samples) > 25
    for (kind, state), dossier in samples.items():
        admin = Membership.objects.filter(company=dossier.company_id, is_admin=True).first().user
        client.force_login(admin)
        response = client.get(reverse("www:dossier", args=[dossier.pk]))
        assert response.status_code == 200, (kind, state)
        if state not in EDITABLE_STATES:
            client.force_login(advisor)
            response = client.get(reverse("backoffice:dossier", args=[dossier.pk]))
            assert response.status_code == 200, (kind, state)
