"""The dispositifs a dossier can be, as a registry.

Each dispositif (training action, and the contracts to come) is a module of this package that
declares a ``Kind``: its detail table (one row per dossier), the number code, the rights that
open it, the fields copied by duplication, its cost lines, its lifecycle's transitions, what
transmission requires and what it warns about, and its entry steps. Everything common — lists,
permissions, numbering, documents, history, instruction — works on ``Dossier`` and asks the
kind for the rest, so adding a dispositif is adding a module here (docs/architecture.md, « How a
dispositif is added »).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils.functional import Promise

from ..enums import DossierState

if TYPE_CHECKING:
    from ..models import Document, Dossier, RequiredDocument

# The states a dossier is instructed in, for every dispositif.
INSTRUCTED = (
    DossierState.SUBMITTED,
    DossierState.UNDER_REVIEW,
    DossierState.DOCUMENTS_REQUESTED,
)

# The lifecycle shared by the dispositifs: action → {from state: to state}. A kind may extend or
# restrict it. Users act on drafts only; the other moves are the OPCO's.
COMMON_TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    "submit": {DossierState.DRAFT: DossierState.SUBMITTED},
    "cancel": {
        DossierState.SUBMITTED: DossierState.CANCELLED,
        DossierState.UNDER_REVIEW: DossierState.CANCELLED,
        DossierState.DOCUMENTS_REQUESTED: DossierState.CANCELLED,
    },
    "assign": {
        DossierState.SUBMITTED: DossierState.UNDER_REVIEW,
        DossierState.UNDER_REVIEW: DossierState.UNDER_REVIEW,
        DossierState.DOCUMENTS_REQUESTED: DossierState.DOCUMENTS_REQUESTED,
    },
    "request_documents": dict.fromkeys(INSTRUCTED, DossierState.DOCUMENTS_REQUESTED),
    "documents_provided": {DossierState.DOCUMENTS_REQUESTED: DossierState.UNDER_REVIEW},
    "approve": dict.fromkeys(INSTRUCTED, DossierState.APPROVED),
    "refuse": dict.fromkeys(INSTRUCTED, DossierState.REFUSED),
    "close": {DossierState.APPROVED: DossierState.CLOSED},
    "change": {state: state for state in (*INSTRUCTED, DossierState.APPROVED)},
}


class Kind:
    """What a dispositif declares. Subclass it in a module of this package and ``register`` an
    instance."""

    value: ClassVar[str]  # a DossierKind value
    order: ClassVar[int] = 0  # place in the menus and lists of dispositifs
    slug: ClassVar[str]  # in the URL of « Nouvelle demande »
    code: ClassVar[str]  # in the dossier's number: 2026-AF-000123
    detail_model: ClassVar[type[models.Model]]
    detail_name: ClassVar[str]  # the one-to-one's related name on Dossier
    # Membership / delegation rights: any of ``view_rights`` shows the dossiers of this kind,
    # ``enter_right`` lets one create and edit drafts.
    view_rights: ClassVar[tuple[str, ...]]
    enter_right: ClassVar[str]
    # The delegation's flag that lets an organisation entering for a company also transmit to
    # the OPCO (with ``enter_right``); without it, the company transmits what it entered.
    delegation_transmit_right: ClassVar[str]
    # Whether a delegation covers only the dossiers naming the delegate as provider (a CFA and
    # its own apprentices' contracts), not every dossier of the company in its scope.
    delegation_own_dossiers: ClassVar[bool] = False
    # Entry steps of the front office: (key, label), in order; entry is non-linear.
    steps: ClassVar[tuple[tuple[str, str | Promise], ...]] = ()
    # Duplication copies these fields of the dossier and of the detail.
    copied_fields: ClassVar[tuple[str, ...]] = ()
    copied_detail_fields: ClassVar[tuple[str, ...]] = ()
    # Fields users enter on the dossier itself (title, dates, provider); the rest is the detail's.
    dossier_fields: ClassVar[tuple[str, ...]] = ()
    # Cost lines asked for: (code, label); the code is the detail's field name.
    cost_lines: ClassVar[tuple[tuple[str, str | Promise], ...]] = ()
    transitions: ClassVar[Mapping[str, Mapping[str, str]]] = COMMON_TRANSITIONS
    # Whether the organisation named as provider is told of the OPCO's decisions.
    tells_provider: ClassVar[bool] = False

    # A short name where room is counted (an Excel sheet's name: 31 characters).
    short_label: ClassVar[str | Promise | None] = None

    @property
    def label(self) -> str:
        from ..enums import DossierKind

        return str(DossierKind(self.value).label)

    @property
    def sheet_name(self) -> str:
        return str(self.short_label or self.label)[:31]

    # --- Data ------------------------------------------------------------------------------

    def detail_fields(self) -> tuple[str, ...]:
        return tuple(
            f.name
            for f in self.detail_model._meta.concrete_fields
            if not f.primary_key and f.name != "dossier"
        )

    def requested_lines(self, dossier: Dossier) -> list[tuple[str, str | Promise, Decimal]]:
        detail = dossier.detail
        return [(code, label, getattr(detail, code)) for code, label in self.cost_lines]

    def total_requested(self, dossier: Dossier) -> Decimal:
        return sum(
            (amount or Decimal(0) for *_rest, amount in self.requested_lines(dossier)), Decimal(0)
        )

    # --- Rules -----------------------------------------------------------------------------

    def missing_items(self, dossier: Dossier, **preloaded: Any) -> list[tuple[str, str, str]]:
        """What transmission still needs: (step, field id, label). ``preloaded``: rows the
        caller has read already (the kind says which it uses)."""
        raise NotImplementedError

    def warnings(self, dossier: Dossier, **preloaded: Any) -> list[str]:
        """What deserves a warning without blocking transmission."""
        return []

    def initial_values(self, establishment: Any, actor: Any) -> tuple[dict, dict]:
        """What a new draft starts with: (the dossier's fields, the detail's), from what the
        portal knows (the establishment, the user's organisation)."""
        return {}, {}

    def after_update(self, dossier: Dossier, changed: set[str]) -> None:
        """Called in the transaction of a draft's update with the names of the fields that
        changed (a kind keeps derived values in step)."""

    def after_transition(self, dossier: Dossier, action: str) -> None:
        """Called by ``lifecycle.transition`` in its transaction, once the state is written."""

    def decision_closed(self, dossier: Dossier) -> str | None:
        """Why the OPCO may no longer refuse or ask for pieces (its silence has decided), or
        None."""
        return None

    def steps_for(self, dossier: Dossier) -> tuple[tuple[str, str | Promise], ...]:
        """The steps shown for this dossier (a kind may leave out a step it does not need)."""
        return self.steps

    # --- Pieces ----------------------------------------------------------------------------

    def piece_required(self, dossier: Dossier, condition: str) -> bool:
        """Whether a piece required under ``condition`` (RequiredDocument.condition) is
        required for this dossier; a kind names its conditions."""
        return not condition

    def required_pieces(self, dossier: Dossier) -> list[RequiredDocument]:
        from ..models import RequiredDocument

        return [
            required
            for required in RequiredDocument.objects.filter(kind=self.value)
            if self.piece_required(dossier, required.condition)
        ]

    def piece_checklist(
        self, dossier: Dossier, documents: Iterable[Document] | None = None
    ) -> list[tuple[str, bool]]:
        """(label, attached) of each required piece; a piece waiting for the antivirus does
        not count yet."""
        present = {
            d.piece_type
            for d in (dossier.documents.all() if documents is None else documents)
            if d.is_usable
        }
        return [
            (str(required.get_piece_type_display()), required.piece_type in present)
            for required in self.required_pieces(dossier)
        ]

    def missing_pieces(
        self, dossier: Dossier, documents: Iterable[Document] | None = None
    ) -> list[str]:
        return [
            label for label, attached in self.piece_checklist(dossier, documents) if not attached
        ]


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _registry[kind.value] = kind
    return kind


def get_kind(value: str) -> Kind:
    return _registry[value]


def all_kinds() -> list[Kind]:
    return sorted(_registry.values(), key=lambda kind: kind.order)


def kind_for_slug(slug: str) -> Kind | None:
    return next((kind for kind in _registry.values() if kind.slug == slug), None)
