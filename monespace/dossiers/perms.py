"""Who may see, enter and transmit dossiers — the one place that decides, for every door.

Per dispositif (its ``Kind`` names the rights that open it):
- Company users see the dossiers of the establishments in their scope with the dispositif's
  right to view (or to enter); they enter (create, edit drafts) and transmit with the right
  to enter.
- An organisation attached to the company (delegation) does the same within its scope, with
  the delegation's flags for the dispositif; its person also needs, in their own organisation,
  a right on the dispositif (or to administer it), and the right to enter (or to administer)
  to enter. A delegate transmits with the dispositif's transmit flag: for a training action the
  right to enter, for an apprenticeship contract the « mandat de gestion » — without it a CFA
  pre-enters and the company transmits.
- The organisation named as provider of a transmitted dossier (training organisation, CFA)
  sees it under its provider profile, with a right on the dispositif (or as administrator),
  and may attach documents to it.
- OPCO staff see everything.
A dossier outside these is a 404; visible but without the right to act, a 403.

**Reach first.** The user's reach — per dispositif, the companies seen whole, the
establishments seen one by one, the provider establishments — is read once from their
memberships and delegations (one query on small tables) and the dossiers are then filtered
with plain ``IN`` lists on indexed columns. The database never evaluates a membership lookup
per dossier, so a list costs what the user sees, not what the table holds (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet

from monespace.organizations.enums import Profile
from monespace.organizations.models import Delegation, Establishment, Membership

from .enums import EDITABLE_STATES, DossierKind
from .kinds import Kind, all_kinds, get_kind
from .models import Dossier

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User

NOTHING = Q(pk__in=[])


def _any(parts: list[Q]) -> Q:
    if not parts:
        return NOTHING
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


@dataclass(frozen=True)
class Scope:
    """Whole companies and single establishments."""

    companies: frozenset[int] = frozenset()
    establishments: frozenset[int] = frozenset()
    # The companies those single establishments belong to.
    establishment_companies: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.companies or self.establishments)

    def q(self, company: str = "company_id", establishment: str = "establishment_id") -> Q:
        """``company IN (…) OR establishment IN (…)``; matches nothing when the scope is empty."""
        parts = []
        if self.companies:
            parts.append(Q(**{f"{company}__in": sorted(self.companies)}))
        if self.establishments:
            parts.append(Q(**{f"{establishment}__in": sorted(self.establishments)}))
        return _any(parts)

    def covers(self, establishment: Establishment) -> bool:
        return establishment.company_id in self.companies or establishment.pk in self.establishments

    @property
    def all_companies(self) -> frozenset[int]:
        """Every company something of which is in the scope."""
        return self.companies | self.establishment_companies

    def __or__(self, other: Scope) -> Scope:
        return Scope(
            self.companies | other.companies,
            self.establishments | other.establishments,
            self.establishment_companies | other.establishment_companies,
        )


EMPTY = Scope()


@dataclass(frozen=True)
class Delegated:
    """What one organisation's delegations give its people on a dispositif whose delegations
    cover the organisation's own dossiers only (a CFA and the contracts naming it): the scopes
    apply to the dossiers whose provider is one of ``providers``, its establishments."""

    view: Scope = EMPTY
    enter: Scope = EMPTY
    transmit: Scope = EMPTY
    providers: frozenset[int] = frozenset()

    def restrict(self, q: Q) -> Q:
        return q & Q(provider_establishment_id__in=sorted(self.providers))


@dataclass(frozen=True)
class KindReach:
    """What one user may do with the dossiers of one dispositif: ``view``, ``enter`` and
    ``transmit`` apply to every dossier in their scope; ``delegated``, to those naming the
    delegate (``Kind.delegation_own_dossiers``)."""

    view: Scope = EMPTY
    enter: Scope = EMPTY
    transmit: Scope = EMPTY
    delegated: tuple[Delegated, ...] = ()
    # Establishments of the user's organisations named as providers (transmitted dossiers).
    provider_establishments: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(
            self.view or self.provider_establishments or any(d.view for d in self.delegated)
        )

    @property
    def can_create(self) -> Scope:
        """Where new dossiers may be filed (a delegate files them naming itself)."""
        scope = self.enter
        for delegated in self.delegated:
            scope = scope | delegated.enter
        return scope

    def enters(self, dossier: Dossier) -> bool:
        return self._covers(dossier, "enter")

    def transmits(self, dossier: Dossier) -> bool:
        return self._covers(dossier, "transmit")

    def _covers(self, dossier: Dossier, what: str) -> bool:
        establishment = dossier.establishment
        if not establishment.is_active:
            return False
        if getattr(self, what).covers(establishment):
            return True
        return any(
            getattr(d, what).covers(establishment)
            and dossier.provider_establishment_id in d.providers
            for d in self.delegated
        )

    def transmit_q(self) -> Q:
        """The dossiers the user may transmit (the company's to-do list of pre-entries)."""
        parts = [self.transmit.q()] if self.transmit else []
        parts += [d.restrict(d.transmit.q()) for d in self.delegated if d.transmit]
        return _any(parts)

    def provided_q(self) -> Q:
        if not self.provider_establishments:
            return NOTHING
        return Q(provider_establishment_id__in=sorted(self.provider_establishments)) & ~Q(
            state__in=EDITABLE_STATES
        )

    def q(self) -> Q:
        parts = []
        if self.view:
            parts.append(self.view.q())
        parts += [d.restrict(d.view.q()) for d in self.delegated if d.view]
        if self.provider_establishments:
            parts.append(self.provided_q())
        return _any(parts)


NO_KIND = KindReach()


@dataclass(frozen=True)
class Reach:
    """What one user may see, enter and transmit, read once from their memberships and
    delegations."""

    everything: bool = False
    kinds: Mapping[str, KindReach] = field(default_factory=dict)

    def of(self, kind: str) -> KindReach:
        return self.kinds.get(kind, NO_KIND)

    # The training action's reach (the dispositif the first screens were built for).
    @property
    def view(self) -> Scope:
        return self.of(DossierKind.TRAINING_ACTION).view

    @property
    def enter(self) -> Scope:
        return self.of(DossierKind.TRAINING_ACTION).enter

    @property
    def provider_establishments(self) -> frozenset[int]:
        return frozenset().union(*(k.provider_establishments for k in self.kinds.values()))

    @property
    def any_view(self) -> Scope:
        """What the user sees of every dispositif (the establishments of the list's filter)."""
        scope = EMPTY
        for kind in self.kinds.values():
            scope = scope | kind.view
            for delegated in kind.delegated:
                scope = scope | delegated.view
        return scope

    def dossier_q(self) -> Q:
        """The dossiers seen: ``Q()`` for everything, a condition on indexed columns otherwise.
        Dispositifs seen alike are filtered together (no condition on the kind when every
        dispositif is seen alike, the common case)."""
        if self.everything:
            return Q()
        groups: dict[KindReach, list[str]] = {}
        for kind in all_kinds():
            reach = self.of(kind.value)
            if reach:
                groups.setdefault(reach, []).append(kind.value)
        if len(groups) == 1 and len(next(iter(groups.values()))) == len(all_kinds()):
            return next(iter(groups)).q()
        return _any(
            [
                Q(kind__in=sorted(values)) & reach.q()
                if len(values) > 1
                else Q(kind=values[0]) & reach.q()
                for reach, values in groups.items()
            ]
        )

    def provided_q(self) -> Q:
        """Dossiers where one of the user's organisations is the provider."""
        return _any(
            [
                Q(kind=kind) & reach.provided_q()
                for kind, reach in self.kinds.items()
                if reach.provider_establishments
            ]
        )

    def can_enter_for(
        self, establishment: Establishment, kind: str = DossierKind.TRAINING_ACTION
    ) -> bool:
        """Whether new dossiers of ``kind`` may be filed for ``establishment``."""
        return establishment.is_active and self.of(kind).can_create.covers(establishment)

    def can_enter(self, dossier: Dossier) -> bool:
        """Whether the user enters for this dossier (edits it while editable, attaches)."""
        return self.of(dossier.kind).enters(dossier)

    def can_transmit(self, dossier: Dossier) -> bool:
        return self.of(dossier.kind).transmits(dossier)


NOBODY = Reach()
EVERYTHING = Reach(everything=True)


def _scoped(rows: Iterable[dict[str, Any]], *, key: str = "id") -> Scope:
    """Group rows of (owner, company, establishment) into a Scope: an owner without
    establishments covers the whole company; one with establishments covers those (kept only
    when they belong to that company)."""
    by_owner: dict[int, tuple[int, set[int]]] = {}
    for row in rows:
        owner = by_owner.setdefault(row[key], (row["company_id"], set()))
        if row["scope_id"] is not None:
            if row["scope_company_id"] == row["company_id"]:
                owner[1].add(row["scope_id"])
            else:
                owner[1].add(-1)  # scoped, but to nothing of this company
    companies, establishments, establishment_companies = set(), set(), set()
    for company_id, scoped in by_owner.values():
        if scoped - {-1}:
            establishments |= scoped - {-1}
            establishment_companies.add(company_id)
        elif not scoped:
            companies.add(company_id)
    return Scope(
        frozenset(companies), frozenset(establishments), frozenset(establishment_companies)
    )


# The flags the reach reads, of memberships (m) and delegations (d).
_FLAGS = (
    "can_view_training",
    "can_edit_training",
    "can_view_apprenticeship",
    "can_edit_apprenticeship",
    "can_view_professionalisation",
    "can_edit_professionalisation",
)
_COLUMNS = (
    "origin",
    "id",
    "company_id",
    "profile",
    "holder_id",
    *_FLAGS,
    "admin",
    "apprenticeship_mandate",
    "never",  # a right nobody holds (a dispositif whose delegates never transmit)
    "scope_id",
    "scope_company_id",
)


def _reach_sql() -> str:
    """The reach query, written once (it runs on every list, count and dossier page: the
    ORM's compilation of a three-part union cost more than the query itself)."""
    membership = Membership._meta.db_table
    membership_scope = Membership.establishments.through._meta.db_table
    delegation = Delegation._meta.db_table
    delegation_scope = Delegation.establishments.through._meta.db_table
    establishment = Establishment._meta.db_table
    m_flags = ", ".join(f"m.{flag}" for flag in _FLAGS)
    d_flags = ", ".join(f"d.{flag}" for flag in _FLAGS)
    rights = "(" + " OR ".join(f"m.{flag}" for flag in (*_FLAGS, "is_admin")) + ")"
    no_flags = ", ".join("false" for _flag in _FLAGS)
    # Table names come from the models; the user id is a parameter.
    return f"""
        SELECT 'm', m.id, m.company_id, m.profile, NULL, {m_flags}, m.is_admin, false, false,
               s.establishment_id, e.company_id
        FROM {membership} m
        LEFT JOIN {membership_scope} s ON s.membership_id = m.id
        LEFT JOIN {establishment} e ON e.id = s.establishment_id
        WHERE m.user_id = %(user)s AND m.status = 'active'
        UNION ALL
        SELECT 'd', d.id, d.company_id, '', d.delegate_id, {d_flags}, false,
               d.apprenticeship_mandate, false, s.establishment_id, e.company_id
        FROM {delegation} d
        LEFT JOIN {delegation_scope} s ON s.delegation_id = d.id
        LEFT JOIN {establishment} e ON e.id = s.establishment_id
        WHERE d.status = 'active' AND d.delegate_id IN (
            SELECT m.company_id FROM {membership} m
            WHERE m.user_id = %(user)s AND m.status = 'active' AND {rights})
        UNION ALL
        SELECT 'p', e.id, e.company_id, '', m.id, {no_flags}, false, false, false,
               e.id, e.company_id
        FROM {establishment} e
        JOIN {membership} m ON m.company_id = e.company_id
        WHERE m.user_id = %(user)s AND m.status = 'active' AND m.profile = 'provider'
          AND {rights}
          AND NOT EXISTS (SELECT 1 FROM {membership_scope} s WHERE s.membership_id = m.id)
        UNION ALL
        SELECT 'o', e.id, e.company_id, '', NULL, {no_flags}, false, false, false,
               e.id, e.company_id
        FROM {establishment} e
        WHERE e.company_id IN (
            SELECT d.delegate_id FROM {delegation} d
            WHERE d.status = 'active' AND d.delegate_id IN (
                SELECT m.company_id FROM {membership} m
                WHERE m.user_id = %(user)s AND m.status = 'active' AND {rights}))
    """  # noqa: S608


_REACH_SQL: str | None = None


def _reach_rows(user: User) -> list[dict[str, Any]]:
    """Everything the reach is made of, in one query (``UNION ALL``):

    - ``m``: the user's active memberships, one row per establishment of a scope (``scope_id``
      is ``None`` for a whole company);
    - ``d``: the active delegations held by the organisations where the user has a right or
      administers, one row per establishment of their scope;
    - ``p``: the establishments of the organisations the user sees whole as provider
      (``holder_id``: the membership);
    - ``o``: the establishments of the organisations holding those delegations (a delegate's
      own dossiers name one of them).
    """
    global _REACH_SQL
    if _REACH_SQL is None:
        _REACH_SQL = _reach_sql()
    with connection.cursor() as cursor:
        cursor.execute(_REACH_SQL, {"user": user.pk})
        return [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def _has(row: dict[str, Any], names: Iterable[str]) -> bool:
    return any(row[name] for name in names)


def _kind_reach(kind: Kind, rows: list[dict[str, Any]]) -> KindReach:
    memberships = [r for r in rows if r["origin"] == "m"]
    delegations = [r for r in rows if r["origin"] == "d"]
    member = [m for m in memberships if m["profile"] == Profile.MEMBER]
    view = _scoped([m for m in member if _has(m, kind.view_rights)])
    enter = _scoped([m for m in member if m[kind.enter_right]])
    # Delegations count where the person, in the organisation holding them, has a right on
    # the dispositif or administers it (to enter or transmit: the right to enter or to
    # administer).
    seeing = {m["company_id"] for m in memberships if _has(m, (*kind.view_rights, "admin"))}
    entering = {m["company_id"] for m in memberships if m[kind.enter_right] or m["admin"]}
    held = [d for d in delegations if d["holder_id"] in seeing]
    transmit_flag = kind.delegation_transmit_right

    def scopes(rows: list[dict[str, Any]]) -> tuple[Scope, Scope, Scope]:
        entered = [d for d in rows if d[kind.enter_right] and d["holder_id"] in entering]
        return (
            _scoped([d for d in rows if _has(d, kind.view_rights)]),
            _scoped(entered),
            _scoped([d for d in entered if d[transmit_flag]]),
        )

    delegated: tuple[Delegated, ...] = ()
    if kind.delegation_own_dossiers:
        # Per organisation holding delegations: its scopes, over the dossiers naming it.
        own: dict[int, set[int]] = {}
        for row in rows:
            if row["origin"] == "o":
                own.setdefault(row["company_id"], set()).add(row["id"])
        parts = []
        for holder in sorted({d["holder_id"] for d in held}):
            d_view, d_enter, d_transmit = scopes([d for d in held if d["holder_id"] == holder])
            if d_view or d_enter:
                parts.append(Delegated(d_view, d_enter, d_transmit, frozenset(own.get(holder, ()))))
        delegated = tuple(parts)
        reach_view, reach_enter, reach_transmit = view, enter, enter
    else:
        d_view, d_enter, d_transmit = scopes(held)
        reach_view, reach_enter, reach_transmit = view | d_view, enter | d_enter, enter | d_transmit
    # Provider side: memberships under the provider profile with a right on the dispositif.
    provider = [
        m
        for m in memberships
        if m["profile"] == Profile.PROVIDER and _has(m, (*kind.view_rights, "admin"))
    ]
    scoped_provider = _scoped(provider)
    whole = {m["id"] for m in provider if m["company_id"] in scoped_provider.companies}
    provider_establishments = set(scoped_provider.establishments) | {
        r["scope_id"] for r in rows if r["origin"] == "p" and r["holder_id"] in whole
    }
    return KindReach(
        view=reach_view,
        enter=reach_enter,
        transmit=reach_transmit,
        delegated=delegated,
        provider_establishments=frozenset(provider_establishments),
    )


def reach_of(user: User | AnonymousUser) -> Reach:
    """Compute the user's reach in one query, whatever the number of dossiers."""
    if not user.is_authenticated:
        return NOBODY
    if user.is_staff:
        return EVERYTHING
    rows = _reach_rows(user)
    kinds = {kind.value: _kind_reach(kind, rows) for kind in all_kinds()}
    return Reach(
        kinds={value: reach for value, reach in kinds.items() if reach or reach.can_create}
    )


def _reach(user: User | AnonymousUser, reach: Reach | None) -> Reach:
    return reach if reach is not None else reach_of(user)


def visible_to(user: User | AnonymousUser, *, reach: Reach | None = None) -> QuerySet[Dossier]:
    reach = _reach(user, reach)
    if reach.everything:
        return Dossier.objects.all()
    return Dossier.objects.filter(reach.dossier_q())


def provided_by(user: User | AnonymousUser, *, reach: Reach | None = None) -> QuerySet[Dossier]:
    """Dossiers where one of the user's organisations is the provider (provider profile)."""
    return Dossier.objects.filter(_reach(user, reach).provided_q())


def establishments_user_can_enter(
    user: User | AnonymousUser,
    *,
    reach: Reach | None = None,
    kind: str = DossierKind.TRAINING_ACTION,
) -> QuerySet[Establishment]:
    """Establishments for which the user may file requests of a dispositif."""
    scope = _reach(user, reach).of(kind).can_create
    if not scope:
        return Establishment.objects.none()
    return Establishment.objects.active().filter(scope.q(company="company_id", establishment="pk"))


def kinds_user_can_enter(user: User | AnonymousUser, *, reach: Reach | None = None) -> list[Kind]:
    """The dispositifs « Nouvelle demande » offers the user."""
    reach = _reach(user, reach)
    return [kind for kind in all_kinds() if reach.of(kind.value).can_create]


def can_enter_for(
    user: User | AnonymousUser,
    establishment: Establishment,
    *,
    reach: Reach | None = None,
    kind: str = DossierKind.TRAINING_ACTION,
) -> bool:
    return _reach(user, reach).can_enter_for(establishment, kind)


def can_edit(user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None) -> bool:
    """Only drafts (and contracts awaiting the employer's validation) are edited by users;
    after transmission only OPCO staff change a dossier."""
    return dossier.is_editable and can_enter(user, dossier, reach=reach)


def can_enter(user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None) -> bool:
    """Whether the user enters for this dossier (its establishment in their scope to enter,
    and for a delegate's dispositif, the dossier naming the delegate)."""
    return _reach(user, reach).can_enter(dossier)


def can_transmit(
    user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None
) -> bool:
    """Transmitting to the OPCO: company users who enter, delegates who may (a CFA under
    « mandat de gestion » for an apprenticeship contract)."""
    return _reach(user, reach).can_transmit(dossier)


def can_attach_documents(
    user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None
) -> bool:
    """Documents may be attached after transmission too (seed 003), by those who enter for the
    establishment and by the dossier's provider."""
    reach = _reach(user, reach)
    if reach.can_enter(dossier):
        return True
    return (
        not dossier.is_editable
        and dossier.provider_establishment_id is not None
        and dossier.provider_establishment_id in reach.of(dossier.kind).provider_establishments
    )


def kind_of(value: str) -> Kind:
    return get_kind(value)
