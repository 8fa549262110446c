"""Support opens a user's session only with their consent and a reason; the banner shows it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from monespace.accounts.models import StaffProfile
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_support_access_with_and_without_consent(live_server, page, settings):
    settings.STAFF_REQUIRE_MFA = False  # staff's second factor has its own test
    company = EstablishmentFactory(member=True, company__name="SOCIETE AIDEE").company
    MembershipFactory(
        company=company,
        user__first_name="Marie",
        user__last_name="Consent",
        user__support_access_consent_at=timezone.now(),
    )
    MembershipFactory(company=company, user__first_name="Paul", user__last_name="Refus")
    support = StaffProfile.objects.create(
        user=UserFactory(staff=True, first_name="Sam"), role="support"
    ).user

    sign_in(page, live_server, support.email)
    page.goto(f"{live_server.url}/backoffice/entreprises/{company.pk}/")
    expect(page.get_by_text("Pas d'accord à la connexion « en tant que »")).to_be_visible()  # Paul
    assert_accessible(page)
    page.get_by_label("Motif de la connexion « en tant que »").fill(
        "Aide à la saisie d'une demande"
    )
    page.get_by_role("button", name=re.compile("Se connecter en tant que Marie")).click()
    expect(page.get_by_text("vous agissez au nom de Marie Consent")).to_be_visible()
    assert_accessible(page)
    page.locator(".profile-menu summary").click()
    page.get_by_role("link", name="Mon profil").click()
    expect(page.get_by_text("Aide à la saisie d'une demande")).to_be_visible()
    page.get_by_role("button", name="Terminer la connexion « en tant que »").click()
    expect(page.get_by_text("vous agissez au nom de")).to_have_count(0)
