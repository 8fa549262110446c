"""The one lifecycle function: every allowed and every refused move of the training action,
the state and its history row written together, and the services that go through it."""

import pytest
from django.utils import timezone

from monespace.dossiers import instruction, lifecycle
from monespace.dossiers.enums import DossierState, EventKind
from monespace.dossiers.errors import InvalidTransition, NotADraft
from monespace.dossiers.kinds import COMMON_TRANSITIONS, all_kinds
from monespace.dossiers.models import DossierEvent
from tests.factories import ContractFactory, DossierFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "submit": {"draft": "submitted"},
    "cancel": {
        "submitted": "cancelled",
        "under_review": "cancelled",
        "documents_requested": "cancelled",
    },
    "assign": {
        "submitted": "under_review",
        "under_review": "under_review",
        "documents_requested": "documents_requested",
    },
    "request_documents": {
        "submitted": "documents_requested",
        "under_review": "documents_requested",
        "documents_requested": "documents_requested",
    },
    "documents_provided": {"documents_requested": "under_review"},
    "approve": {
        "submitted": "approved",
        "under_review": "approved",
        "documents_requested": "approved",
    },
    "refuse": {
        "submitted": "refused",
        "under_review": "refused",
        "documents_requested": "refused",
    },
    "close": {"approved": "closed"},
    "change": {
        "submitted": "submitted",
        "under_review": "under_review",
        "documents_requested": "documents_requested",
        "approved": "approved",
    },
}


# The apprenticeship contract adds the CFA's pre-entry and the rupture.
EXPECTED_APPRENTICESHIP = {
    **EXPECTED,
    "submit": {"draft": "submitted", "awaiting_employer": "submitted"},
    "send_to_employer": {"draft": "awaiting_employer"},
    "return_to_cfa": {"awaiting_employer": "draft"},
    "break": {"approved": "broken"},
}
# The professionalisation contract and Pro-A: the organisation's entry validated by the
# company, and the rupture.
EXPECTED_PROFESSIONALISATION = {
    **EXPECTED,
    "submit": {"draft": "submitted", "awaiting_employer": "submitted"},
    "send_to_employer": {"draft": "awaiting_employer"},
    "return_to_cfa": {"awaiting_employer": "draft"},
    "break": {"approved": "broken"},
}
TABLES = {
    "training_action": EXPECTED,
    "apprenticeship": EXPECTED_APPRENTICESHIP,
    "professionalisation": EXPECTED_PROFESSIONALISATION,
    "pro_a": EXPECTED_PROFESSIONALISATION,
}


def test_the_table_is_the_one_documented():
    assert {a: dict(t) for a, t in COMMON_TRANSITIONS.items()} == EXPECTED
    assert [kind.value for kind in all_kinds()] == [
        "training_action",
        "apprenticeship",
        "professionalisation",
        "pro_a",
    ]
    for kind in all_kinds():
        assert {a: dict(t) for a, t in kind.transitions.items()} == TABLES[kind.value]


@pytest.mark.parametrize("action", sorted(EXPECTED_APPRENTICESHIP))
@pytest.mark.parametrize("state", [s.value for s in DossierState])
def test_every_move_of_a_contract_from_every_state(action, state):
    actor = UserFactory()
    dossier = ContractFactory(state=state)
    target = EXPECTED_APPRENTICESHIP[action].get(state)
    if target is None:
        with pytest.raises(InvalidTransition):
            lifecycle.transition(actor=actor, dossier=dossier, action=action)
        dossier.refresh_from_db()
        assert dossier.state == state
        return
    values = {"number": "2026-CA-999999"} if action == "submit" else {}
    moved = lifecycle.transition(actor=actor, dossier=dossier, action=action, **values)
    dossier.refresh_from_db()
    assert dossier.state == moved.state == target
    assert dossier.events.get().kind == lifecycle.EVENTS[action]


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("state", [s.value for s in DossierState])
def test_every_move_from_every_state(action, state):
    actor = UserFactory()
    dossier = DossierFactory(state=state)
    target = EXPECTED[action].get(state)
    if target is None:
        with pytest.raises(InvalidTransition):
            lifecycle.transition(actor=actor, dossier=dossier, action=action)
        dossier.refresh_from_db()
        assert dossier.state == state
        assert not DossierEvent.objects.filter(dossier=dossier).exists()
        return
    values = {"number": "2026-AF-999999"} if action == "submit" else {}
    moved = lifecycle.transition(actor=actor, dossier=dossier, action=action, message="m", **values)
    dossier.refresh_from_db()
    assert dossier.state == moved.state == target
    event = DossierEvent.objects.get(dossier=dossier)
    assert (event.actor, event.kind, event.from_state, event.to_state, event.message) == (
        actor,
        lifecycle.EVENTS[action],
        state,
        target,
        "m",
    )


def test_values_are_saved_with_the_state():
    advisor = StaffProfileFactory().user
    dossier = DossierFactory(submitted=True)
    instruction.dossier_assign(actor=advisor, dossier=dossier)
    dossier.refresh_from_db()
    assert (dossier.state, dossier.assigned_to) == ("under_review", advisor)
    event = dossier.events.get()
    # The history says where the dossier went, not « Transmis → Transmis ».
    assert (event.kind, event.from_state, event.to_state) == (
        EventKind.ASSIGNED,
        "submitted",
        "under_review",
    )


def test_a_refused_move_changes_nothing_else():
    dossier = DossierFactory(closed=True)
    with pytest.raises(InvalidTransition) as error:
        lifecycle.transition(
            actor=UserFactory(), dossier=dossier, action="approve", granted_total=1
        )
    assert "Clôturé" in str(error.value) and error.value.code == "invalid_transition"
    dossier.refresh_from_db()
    assert dossier.granted_total is None


def test_cancellation_by_the_opco_tells_the_company():
    dossier = DossierFactory(submitted=True)
    member = dossier.company.memberships.model.objects.create(
        user=UserFactory(),
        company=dossier.company,
        profile="member",
        status="active",
        source="request",
        can_view_training=True,
    )
    instruction.dossier_cancel(actor=StaffProfileFactory().user, dossier=dossier, reason="Doublon")
    dossier.refresh_from_db()
    assert dossier.state == "cancelled"
    assert member.user.notifications.filter(title__contains="annulé", body="Doublon").exists()


def test_a_stale_copy_cannot_move_a_dossier_moved_meanwhile():
    """The row is locked and read again: the table applies to the current state."""
    dossier = DossierFactory(submitted=True)
    stale = type(dossier).objects.get(pk=dossier.pk)
    lifecycle.transition(actor=UserFactory(), dossier=dossier, action="refuse")
    with pytest.raises(InvalidTransition):
        lifecycle.transition(actor=UserFactory(), dossier=stale, action="approve")


def test_users_edit_drafts_only():
    from monespace.dossiers import services

    dossier = DossierFactory(submitted=True, submitted_at=timezone.now())
    with pytest.raises(NotADraft):
        services.dossier_update(actor=UserFactory(), dossier=dossier, values={"title": "X"})


def test_draft_edits_are_recorded():
    from monespace.dossiers import services

    actor = UserFactory()
    dossier = DossierFactory()
    services.dossier_update(
        actor=actor, dossier=dossier, values={"title": "NOUVEAU", "cost_meals": 12}
    )
    services.dossier_update(actor=actor, dossier=dossier, values={"title": "NOUVEAU"})
    event = dossier.events.get()  # the second save changed nothing: no row
    assert event.kind == EventKind.EDITED and "intitulé" in event.message
    assert "repas" in event.message
