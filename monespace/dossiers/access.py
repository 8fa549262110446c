"""One way to get a dossier (and what hangs from it) for a user, for every door.

Each helper returns the object or raises ``NotFound`` (a 404) when it is missing *or* out of the
user's reach — the two look the same — and ``Forbidden`` (a 403) when the user sees it without
the right to act. The web front office, the back office and the API all go through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from monespace.core.errors import Forbidden, NotFound
from monespace.core.identifiers import parse_id

from . import perms
from .enums import EDITABLE_STATES, DossierState
from .errors import AwaitingEmployer, NotADraft
from .filters import perimeter_q
from .models import Document, Dossier, SavedView

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User

    from .perms import Reach

DETAIL_RELATED = (
    "company",
    "establishment__company",
    "provider_establishment",
    "training",
    "apprenticeship",
    "professionalisation",
)


def _id(value: int | str | None) -> int:
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound
    return parsed


def visible_dossiers(
    user: User | AnonymousUser, *, reach: Reach | None = None, perimeter: int | None = None
) -> QuerySet[Dossier]:
    """The dossiers ``user`` sees, narrowed to the working perimeter (a company id) if any."""
    visible = perms.visible_to(user, reach=reach)
    return visible.filter(perimeter_q(perimeter)) if perimeter else visible


def dossier_for(
    user: User | AnonymousUser,
    pk: int | str,
    *,
    reach: Reach | None = None,
    perimeter: int | None = None,
) -> Dossier:
    dossier = (
        visible_dossiers(user, reach=reach, perimeter=perimeter)
        .select_related(*DETAIL_RELATED)
        .filter(pk=_id(pk))
        .first()
    )
    if dossier is None:
        raise NotFound
    return dossier


def dossier_to_enter(
    user: User | AnonymousUser,
    pk: int | str,
    *,
    reach: Reach | None = None,
    perimeter: int | None = None,
) -> Dossier:
    """A dossier the user may enter for (seen, and the right to enter for its establishment).
    Raises ``NotADraft`` when it is no longer a draft."""
    dossier = dossier_for(user, pk, reach=reach, perimeter=perimeter)
    if not perms.can_enter(user, dossier, reach=reach):
        raise Forbidden
    if not dossier.is_editable:
        raise NotADraft
    if dossier.state == DossierState.AWAITING_EMPLOYER and not perms.can_transmit(
        user, dossier, reach=reach
    ):
        # The CFA's pre-entry is the company's to validate: it does not change under it.
        raise AwaitingEmployer
    return dossier


def dossier_for_entrant(
    user: User | AnonymousUser,
    pk: int | str,
    *,
    reach: Reach | None = None,
    perimeter: int | None = None,
) -> Dossier:
    """A dossier (any state) the user may enter for."""
    dossier = dossier_for(user, pk, reach=reach, perimeter=perimeter)
    if not perms.can_enter(user, dossier, reach=reach):
        raise Forbidden
    return dossier


def dossier_to_attach(
    user: User | AnonymousUser,
    pk: int | str,
    *,
    reach: Reach | None = None,
    perimeter: int | None = None,
) -> Dossier:
    dossier = dossier_for(user, pk, reach=reach, perimeter=perimeter)
    if not perms.can_attach_documents(user, dossier, reach=reach):
        raise Forbidden
    return dossier


def document_for(user: User | AnonymousUser, dossier: Dossier, pk: int | str) -> Document:
    """A document of a dossier already reached through ``dossier_for``."""
    document = Document.objects.filter(dossier=dossier, pk=_id(pk)).first()
    if document is None:
        raise NotFound
    return document


def staff_dossiers() -> QuerySet[Dossier]:
    """What the back office instructs: every transmitted dossier (drafts are the companies')."""
    return Dossier.objects.exclude(state__in=EDITABLE_STATES)


def staff_dossier_for(user: User | AnonymousUser, pk: int | str) -> Dossier:
    if not (user.is_authenticated and user.is_staff):
        raise NotFound
    dossier = (
        staff_dossiers().select_related(*DETAIL_RELATED, "assigned_to").filter(pk=_id(pk)).first()
    )
    if dossier is None:
        raise NotFound
    return dossier


def saved_view_for(user: User, pk: int | str) -> SavedView:
    view = SavedView.objects.filter(user=user, pk=_id(pk)).first()
    if view is None:
        raise NotFound
    return view
