"""A transmitted dossier is instructed by an advisor: pieces requested, the company sees the to-do
item and the courrier de relance, uploads the piece, the advisor approves with amounts and the
company downloads the courrier d'accord; another dossier is refused."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monespace.accounts.models import StaffProfile
from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def transmitted(establishment, number, title):
    return create_dossier(
        company=establishment.company,
        establishment=establishment,
        title=title,
        state="submitted",
        number=number,
        submitted_at=timezone.now(),
        provider_name="FORMAPRO CONSEIL",
        provider_siret="83012345100015",
        duration_hours=Decimal("14"),
        start_date=timezone.localdate() + timedelta(days=40),
        end_date=timezone.localdate() + timedelta(days=41),
        cost_teaching=Decimal("1450.00"),
        cost_meals=Decimal("120.00"),
    )


def test_documents_requested_then_approved_and_a_refusal(live_server, page, tmp_path):
    establishment = EstablishmentFactory(
        member=True, company__name="BOULANGERIE DES LILAS", branch="Boulangerie"
    )
    user = MembershipFactory(
        company=establishment.company,
        requested_establishment=establishment,
        can_view_training=True,
        can_edit_training=True,
        user__first_name="Marie",
    ).user
    advisor = StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Ericka"),
        role="advisor",
        branches=["Boulangerie"],
        contact_roles=["plan_advisor"],
    ).user
    dossier = transmitted(establishment, "2026-AF-000101", "HYGIÈNE ALIMENTAIRE")
    other = transmitted(establishment, "2026-AF-000102", "PÂTISSERIE FINE")

    sign_in(page, live_server, advisor.email)
    page.get_by_role("link", name="Back office").click()
    page.get_by_role("navigation", name="Navigation du back office").get_by_role(
        "link", name="Dossiers à instruire"
    ).click()
    assert_accessible(page)
    page.get_by_role("link", name=dossier.number).click()
    page.get_by_role("button", name="M'attribuer le dossier").click()
    expect(page.get_by_text("Le dossier vous est attribué.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Programme détaillé").check()
    page.get_by_label("À fournir avant le").fill(
        (timezone.localdate() + timedelta(days=15)).isoformat()
    )
    page.get_by_role("button", name="Envoyer le courrier de relance").click()
    expect(page.get_by_text("Le courrier de relance est envoyé")).to_be_visible()
    sign_out(page)

    # The company sees the to-do item and the letter, and uploads the piece.
    sign_in(page, live_server, user.email)
    expect(page.get_by_role("heading", name="Vos interlocuteurs")).to_be_visible()
    expect(page.get_by_text("Ericka")).to_be_visible()
    page.get_by_role(
        "link", name=re.compile(f"Pièces à fournir pour le dossier {dossier.number}")
    ).click()
    expect(page.get_by_text("L'OPCO demande des pièces")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Joindre les pièces").click()
    expect(page.get_by_role("link", name="Courrier de relance")).to_be_visible()
    path = tmp_path / "programme.pdf"
    path.write_bytes(PDF)
    page.get_by_label("Fichier").set_input_files(str(path))
    page.get_by_label("Titre du document").fill("Programme détaillé")
    page.get_by_role("button", name="Joindre le fichier").click()
    expect(page.get_by_text("Le document est joint au dossier.")).to_be_visible()
    sign_out(page)

    # The advisor approves with amounts; one above the request is refused first.
    sign_in(page, live_server, advisor.email)
    page.goto(f"{live_server.url}/backoffice/dossiers/{dossier.pk}/")
    expect(page.get_by_text("En instruction", exact=True)).to_be_visible()
    page.get_by_label("Repas (HT)").fill("500")
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(page.get_by_text("ne peut pas dépasser le montant demandé")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Repas (HT)").fill("100")
    page.get_by_role("button", name="Accorder et envoyer le courrier d'accord").click()
    expect(page.get_by_text("Le dossier est accordé")).to_be_visible()

    # ... and refuses the other dossier.
    page.goto(f"{live_server.url}/backoffice/dossiers/{other.pk}/")
    page.get_by_label("Motif du refus").fill("Action hors du champ de la branche")
    page.get_by_role("button", name="Refuser et envoyer le courrier de refus").click()
    expect(page.get_by_text("Le dossier est refusé")).to_be_visible()
    sign_out(page)

    # The company is notified and downloads the courrier d'accord.
    sign_in(page, live_server, user.email)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(page.locator("strong", has_text=f"Dossier {dossier.number} accordé")).to_be_visible()
    expect(page.locator("strong", has_text=f"Dossier {other.number} refusé")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Ouvrir Dossier {dossier.number} accordé").click()
    page.get_by_role("link", name=re.compile("^Documents")).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Courrier d'accord").click()
    letter = tmp_path / "accord.pdf"
    download.value.save_as(letter)
    assert letter.read_bytes().startswith(b"%PDF")
