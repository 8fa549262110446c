"""Retention of personal data (issue 16): the schedule as data, a dry run that changes
nothing, then deletion or anonymisation past each period; what another record needs stays."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from monespace.accounts.models import User
from monespace.core.models import OutgoingEmail
from monespace.core.retention import RULES, apply
from monespace.invoices.models import LedgerEntry
from monespace.organizations.models import Membership
from monespace.support.models import ContactRequest
from tests.factories import DossierFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def old(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def scene():
    never = User.objects.create_user(email="jamais@exemple.fr", password=None)
    User.objects.filter(pk=never.pk).update(date_joined=old(100))
    recent = User.objects.create_user(email="recent@exemple.fr", password=None)
    active = UserFactory()
    User.objects.filter(pk=active.pk).update(date_joined=old(400))
    # Never activated, but named in the ledger (an accounting record): kept.
    named = User.objects.create_user(email="nomme@exemple.fr", password=None)
    User.objects.filter(pk=named.pk).update(date_joined=old(100))
    LedgerEntry.objects.create(
        dossier=DossierFactory(),
        line="cost_teaching",
        kind="commitment",
        amount=1,
        label="Engagement",
        created_by=named,
    )
    refused = MembershipFactory(status="refused")
    Membership.objects.filter(pk=refused.pk).update(decided_at=old(400))
    kept_refused = MembershipFactory(status="refused")
    Membership.objects.filter(pk=kept_refused.pk).update(decided_at=old(10))
    contact = ContactRequest.objects.create(
        first_name="Léa",
        last_name="MARTIN",
        email="lea@exemple.fr",
        siret="12345678901234",
        region="Bretagne",
        sector="Boulangerie",
        phone="0601020304",
        subject="other",
        message="Rappelez-moi",
    )
    ContactRequest.objects.filter(pk=contact.pk).update(created_at=old(400))
    email = OutgoingEmail.objects.create(to="x@exemple.fr", subject="Ancien", state="sent")
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=old(400))
    return {
        "never": never,
        "recent": recent,
        "active": active,
        "named": named,
        "refused": refused,
        "kept_refused": kept_refused,
        "contact": contact,
        "email": email,
    }


def test_a_dry_run_counts_and_changes_nothing(scene):
    report = {rule.name: count for rule, count in apply(dry_run=True)}
    assert report["never_activated_accounts"] == 2  # the named one is counted, then kept
    assert report["refused_memberships"] == 1
    assert report["contact_requests"] == 1
    assert report["outgoing_emails"] == 1
    assert User.objects.filter(pk=scene["never"].pk).exists()
    assert ContactRequest.objects.get().last_name == "MARTIN"


def test_past_their_period_rows_are_deleted_or_anonymised(scene):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "never_activated_accounts (90 j) : 1 supprimé(s)" in out.getvalue()
    assert not User.objects.filter(pk=scene["never"].pk).exists()
    for kept in ("recent", "active", "named"):
        assert User.objects.filter(pk=scene[kept].pk).exists(), kept
    assert not Membership.objects.filter(pk=scene["refused"].pk).exists()
    assert Membership.objects.filter(pk=scene["kept_refused"].pk).exists()
    contact = ContactRequest.objects.get()
    assert (contact.last_name, contact.phone, contact.message) == ("", "", "")
    assert contact.siret == "12345678901234"  # the company, not a person
    assert not OutgoingEmail.objects.exists()
    # Twice: nothing more.
    assert all(count == 0 for rule, count in apply() if rule.name != "never_activated_accounts")


def test_every_rule_says_what_and_how_long():
    for rule in RULES:
        assert rule.what and rule.days() > 0 and rule.action in ("delete", "anonymise")
