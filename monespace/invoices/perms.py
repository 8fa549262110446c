"""Who may see and deposit bank details: an active member of the company under that profile
with « gérer les coordonnées bancaires » (or its administrator) deposits, for the whole company
when their scope is the whole company, else for the establishments of their scope; « consulter
les factures et règlements » also lets one read them. Staff read every RIB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from monespace.organizations.enums import MembershipStatus
from monespace.organizations.models import Establishment, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


@dataclass(frozen=True)
class Target:
    """Where a RIB applies: a company (``establishment`` None) or one establishment, for a
    profile."""

    company_id: int
    profile: str
    establishment_id: int | None = None


def _memberships(user: User | AnonymousUser, *, manage: bool) -> list[Membership]:
    if not user.is_authenticated:
        return []
    rights = Q(is_admin=True) | Q(can_manage_bank_details=True)
    if not manage:
        rights |= Q(can_view_invoices=True)
    return list(
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .filter(rights)
        .select_related("company")
        .prefetch_related("establishments")
    )


def _scope(membership: Membership) -> set[int] | None:
    """The establishments of a membership's scope, or None for the whole company."""
    ids = {e.pk for e in membership.establishments.all()}
    return ids or None


def targets(
    user: User | AnonymousUser, *, manage: bool
) -> list[tuple[Membership, set[int] | None]]:
    """(membership, its establishments or None for the whole company) the user may read bank
    details of, or deposit them for with ``manage``."""
    return [(m, _scope(m)) for m in _memberships(user, manage=manage)]


def manages(membership: Membership) -> bool:
    return membership.is_admin or membership.can_manage_bank_details


def may(user: User | AnonymousUser, target: Target, *, manage: bool) -> bool:
    for membership, scope in targets(user, manage=manage):
        if membership.company_id != target.company_id or membership.profile != target.profile:
            continue
        if scope is None or (target.establishment_id in scope):
            return True
    return False


def deposit_choices(user: User | AnonymousUser) -> list[tuple[Target, str]]:
    """The targets a user may deposit a RIB for, with their labels, company first."""
    choices: list[tuple[Target, str]] = []
    for membership, scope in targets(user, manage=True):
        company = membership.company
        if scope is None:
            choices.append(
                (
                    Target(company.pk, membership.profile),
                    f"{company.name} — SIREN {company.siren} (tous les établissements)",
                )
            )
        establishments = Establishment.objects.filter(company=company).order_by("siret")
        if scope is not None:
            establishments = establishments.filter(pk__in=scope)
        for establishment in establishments:
            choices.append(
                (
                    Target(company.pk, membership.profile, establishment.pk),
                    f"{establishment.display_name} — SIRET {establishment.siret}",
                )
            )
    return choices
