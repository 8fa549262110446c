"""Who may see and enter dossiers — the one place that decides, for every door.

- Company users see the dossiers of the establishments in their scope when an administrator
  gave them the right to view (or enter) training actions; they enter (create, edit drafts)
  with the right to enter.
- An organisation attached to the company (delegation) does the same within its scope; the
  person also needs, in their own organisation, a training right (or to be its administrator),
  and the right to enter (or to administer) to enter for the client.
- The training organisation of a transmitted dossier sees it under its provider profile, and may
  attach documents to it.
- OPCO staff see everything.
A dossier outside these is a 404; visible but without the right to act, a 403.

**Reach first.** The user's reach — the companies seen whole, the establishments seen one by
one, the provider establishments — is read once from their memberships and delegations (two or
three indexed queries on small tables) and the dossiers are then filtered with plain ``IN``
lists on indexed columns. The database never evaluates a membership lookup per dossier, so a
list costs what the user sees, not what the table holds (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet

from monespace.organizations.enums import Profile
from monespace.organizations.models import Delegation, Establishment, Membership

from .enums import DossierState
from .models import Dossier

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User

# The rights that open training actions: any of ``view`` to see them, ``enter`` to enter them.
VIEW_RIGHTS = ("can_view_training", "can_edit_training")
ENTER_RIGHT = "can_edit_training"


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


@dataclass(frozen=True)
class Reach:
    """What one user may see and enter, read once from their memberships and delegations."""

    everything: bool = False
    view: Scope = field(default_factory=Scope)
    enter: Scope = field(default_factory=Scope)
    # Establishments of the user's training organisations: the transmitted dossiers naming one
    # of them as provider are seen (provider profile).
    provider_establishments: frozenset[int] = frozenset()

    def dossier_q(self) -> Q:
        """The dossiers seen: ``Q()`` for everything, a condition on indexed columns otherwise."""
        if self.everything:
            return Q()
        parts = []
        if self.view:
            parts.append(self.view.q())
        if self.provider_establishments:
            parts.append(self.provided_q())
        return _any(parts)

    def provided_q(self) -> Q:
        """Dossiers where one of the user's training organisations is the provider."""
        if not self.provider_establishments:
            return NOTHING
        return Q(provider_establishment_id__in=sorted(self.provider_establishments)) & ~Q(
            state=DossierState.DRAFT
        )

    def can_enter_for(self, establishment: Establishment) -> bool:
        return establishment.is_active and self.enter.covers(establishment)


NOBODY = Reach()
EVERYTHING = Reach(everything=True)


def _has(row: dict[str, Any], names: Iterable[str]) -> bool:
    return any(row[name] for name in names)


def _scoped(
    rows: Iterable[dict[str, Any]], *, key: str = "id", company_key: str = "company_id"
) -> Scope:
    """Group rows of (owner, company, establishment) into a Scope: an owner without
    establishments covers the whole company; one with establishments covers those (kept only
    when they belong to that company)."""
    by_owner: dict[int, tuple[int, set[int]]] = {}
    for row in rows:
        owner = by_owner.setdefault(row[key], (row[company_key], set()))
        if row["scope_id"] is not None:
            if row["scope_company_id"] == row[company_key]:
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


_COLUMNS = (
    "origin",
    "id",
    "company_id",
    "profile",
    "holder_id",
    "can_view_training",
    "can_edit_training",
    "admin",
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
    rights = "(m.can_view_training OR m.can_edit_training OR m.is_admin)"
    # Table names come from the models; the user id is a parameter.
    return f"""
        SELECT 'm', m.id, m.company_id, m.profile, NULL, m.can_view_training,
               m.can_edit_training, m.is_admin, s.establishment_id, e.company_id
        FROM {membership} m
        LEFT JOIN {membership_scope} s ON s.membership_id = m.id
        LEFT JOIN {establishment} e ON e.id = s.establishment_id
        WHERE m.user_id = %(user)s AND m.status = 'active'
        UNION ALL
        SELECT 'd', d.id, d.company_id, '', d.delegate_id, d.can_view_training,
               d.can_edit_training, false, s.establishment_id, e.company_id
        FROM {delegation} d
        LEFT JOIN {delegation_scope} s ON s.delegation_id = d.id
        LEFT JOIN {establishment} e ON e.id = s.establishment_id
        WHERE d.status = 'active' AND d.delegate_id IN (
            SELECT m.company_id FROM {membership} m
            WHERE m.user_id = %(user)s AND m.status = 'active' AND {rights})
        UNION ALL
        SELECT 'p', e.id, e.company_id, '', NULL, false, false, false, e.id, e.company_id
        FROM {establishment} e
        WHERE e.company_id IN (
            SELECT m.company_id FROM {membership} m
            WHERE m.user_id = %(user)s AND m.status = 'active' AND m.profile = 'provider'
              AND {rights}
              AND NOT EXISTS (SELECT 1 FROM {membership_scope} s WHERE s.membership_id = m.id))
    """  # noqa: S608


def _reach_rows(user: User) -> list[dict[str, Any]]:
    """Everything the reach is made of, in one query (``UNION ALL``):

    - ``m``: the user's active memberships, one row per establishment of a scope (``scope_id``
      is ``None`` for a whole company);
    - ``d``: the active delegations held by the organisations where the user has a training
      right or administers, one row per establishment of their scope;
    - ``p``: the establishments of the training organisations the user sees whole as provider.
    """
    global _REACH_SQL
    if _REACH_SQL is None:
        _REACH_SQL = _reach_sql()
    with connection.cursor() as cursor:
        cursor.execute(_REACH_SQL, {"user": user.pk})
        return [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


_REACH_SQL: str | None = None


def reach_of(user: User | AnonymousUser) -> Reach:
    """Compute the user's reach in one query, whatever the number of dossiers."""
    if not user.is_authenticated:
        return NOBODY
    if user.is_staff:
        return EVERYTHING
    rows = _reach_rows(user)
    memberships = [r for r in rows if r["origin"] == "m"]
    delegations = [r for r in rows if r["origin"] == "d"]
    member = [m for m in memberships if m["profile"] == Profile.MEMBER]
    view = _scoped([m for m in member if _has(m, VIEW_RIGHTS)])
    enter = _scoped([m for m in member if m[ENTER_RIGHT]])

    # Delegations count where the person, in the organisation holding them, has a training
    # right or administers it (to enter: the right to enter or to administer).
    entering = {m["company_id"] for m in memberships if m[ENTER_RIGHT] or m["admin"]}
    view = _union(view, _scoped([d for d in delegations if _has(d, VIEW_RIGHTS)]))
    enter = _union(
        enter, _scoped([d for d in delegations if d[ENTER_RIGHT] and d["holder_id"] in entering])
    )

    provider = _scoped(
        [
            m
            for m in memberships
            if m["profile"] == Profile.PROVIDER and _has(m, (*VIEW_RIGHTS, "admin"))
        ]
    )
    provider_establishments = set(provider.establishments) | {
        r["scope_id"]
        for r in rows
        if r["origin"] == "p" and r["scope_company_id"] in provider.companies
    }
    return Reach(view=view, enter=enter, provider_establishments=frozenset(provider_establishments))


def _union(a: Scope, b: Scope) -> Scope:
    return Scope(
        a.companies | b.companies,
        a.establishments | b.establishments,
        a.establishment_companies | b.establishment_companies,
    )


def _reach(user: User | AnonymousUser, reach: Reach | None) -> Reach:
    return reach if reach is not None else reach_of(user)


def visible_to(user: User | AnonymousUser, *, reach: Reach | None = None) -> QuerySet[Dossier]:
    reach = _reach(user, reach)
    if reach.everything:
        return Dossier.objects.all()
    return Dossier.objects.filter(reach.dossier_q())


def provided_by(user: User | AnonymousUser, *, reach: Reach | None = None) -> QuerySet[Dossier]:
    """Dossiers where one of the user's training organisations is the provider (provider profile)."""
    return Dossier.objects.filter(_reach(user, reach).provided_q())


def establishments_user_can_enter(
    user: User | AnonymousUser, *, reach: Reach | None = None
) -> QuerySet[Establishment]:
    """Establishments for which the user may file training-action requests."""
    reach = _reach(user, reach)
    if not reach.enter:
        return Establishment.objects.none()
    return Establishment.objects.active().filter(
        reach.enter.q(company="company_id", establishment="pk")
    )


def can_enter_for(
    user: User | AnonymousUser, establishment: Establishment, *, reach: Reach | None = None
) -> bool:
    return _reach(user, reach).can_enter_for(establishment)


def can_edit(user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None) -> bool:
    """Only drafts are edited by users; after transmission only OPCO staff change a dossier."""
    return dossier.is_draft and can_enter_for(user, dossier.establishment, reach=reach)


def can_attach_documents(
    user: User | AnonymousUser, dossier: Dossier, *, reach: Reach | None = None
) -> bool:
    """Documents may be attached after transmission too (seed 003), by those who enter for the
    establishment and by the dossier's training organisation."""
    reach = _reach(user, reach)
    if reach.can_enter_for(dossier.establishment):
        return True
    return (
        not dossier.is_draft
        and dossier.provider_establishment_id is not None
        and dossier.provider_establishment_id in reach.provider_establishments
    )
