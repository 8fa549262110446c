"""The one way a dossier changes state.

Each dispositif declares its transitions as data (``Kind.transitions``: action → {from: to});
``transition`` locks the dossier's row, checks the table, writes the new state and its history
row in the caller's transaction, and returns the locked dossier. Submission, cancellation and
every staff move go through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from .enums import EventKind
from .errors import InvalidTransition
from .models import Dossier, DossierEvent

if TYPE_CHECKING:
    from monespace.accounts.models import User

EVENTS = {
    "submit": EventKind.SUBMITTED,
    "cancel": EventKind.CANCELLED,
    "assign": EventKind.ASSIGNED,
    "request_documents": EventKind.DOCUMENTS_REQUESTED,
    "documents_provided": EventKind.DOCUMENTS_PROVIDED,
    "approve": EventKind.APPROVED,
    "refuse": EventKind.REFUSED,
    "close": EventKind.CLOSED,
    "change": EventKind.CHANGED,
    "send_to_employer": EventKind.SENT_TO_EMPLOYER,
    "return_to_cfa": EventKind.RETURNED,
    "break": EventKind.BROKEN,
}


def allowed(dossier: Dossier, action: str) -> bool:
    return dossier.state in dossier.spec.transitions.get(action, {})


@transaction.atomic
def transition(
    *, actor: User, dossier: Dossier, action: str, message: str = "", **values: Any
) -> Dossier:
    """Move ``dossier`` by ``action``: ``values`` are other fields saved with the new state.

    The returned dossier is the locked, current row; its ``transition_event`` is the history
    row written (from-state → to-state, by ``actor``)."""
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("company", "establishment", "provider_establishment")
        .get(pk=dossier.pk)
    )
    table = locked.spec.transitions.get(action, {})
    if locked.state not in table:
        raise InvalidTransition(locked)
    before = locked.state
    locked.state = table[before]
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "updated_at", *values])
    locked.transition_event = DossierEvent.objects.create(
        dossier=locked,
        actor=actor,
        kind=EVENTS[action],
        from_state=before,
        to_state=locked.state,
        message=message,
    )
    locked.spec.after_transition(locked, action)
    if before != locked.state:
        from monespace.api.webhooks import contract_state_changed

        contract_state_changed(locked)
    return locked
