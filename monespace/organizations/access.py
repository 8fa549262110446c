"""One way to get a company, an attachment or a delegation for a user, for every door: the
object, or ``NotFound`` (404) when it is missing or out of reach, or ``Forbidden`` (403) when it
is in reach without the right (organizations/perms.py decides both)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet

from monespace.core.errors import Forbidden, NotFound
from monespace.core.identifiers import parse_id

from . import perms
from .enums import MembershipStatus, Profile
from .models import Company, Delegation, Membership

if TYPE_CHECKING:
    from monespace.accounts.models import User

OPEN = (MembershipStatus.PENDING, MembershipStatus.ACTIVE)


def _first_or_404[M: models.Model](queryset: QuerySet[M], pk: int | str) -> M:
    parsed = parse_id(pk)
    found = queryset.filter(pk=parsed).first() if parsed is not None else None
    if found is None:
        raise NotFound
    return found


def company_to_administer(user: User, company_id: int | str, profile: str) -> Company:
    """A company the user administers under ``profile``."""
    if profile not in Profile.values:
        raise NotFound
    company = _first_or_404(perms.companies_reachable_by(user), company_id)
    if not perms.can_administer(user, company, profile):
        raise Forbidden
    return company


def membership_to_decide(user: User, pk: int | str) -> Membership:
    """An attachment of a reachable company that the user may decide on (its administrators,
    or staff when it has none)."""
    within_reach = Membership.objects.filter(company__in=perms.companies_reachable_by(user))
    membership = _first_or_404(
        within_reach.select_related("company", "user", "requested_establishment"), pk
    )
    if not perms.can_decide_membership(user, membership):
        raise Forbidden
    return membership


def own_membership(user: User, pk: int | str, *, open_only: bool = False) -> Membership:
    """One of the user's own attachments."""
    mine = Membership.objects.filter(user=user)
    if open_only:
        mine = mine.filter(status__in=OPEN)
    return _first_or_404(mine, pk)


def delegations_reachable_by(user: User) -> QuerySet[Delegation]:
    """Delegations of the companies the user is attached to, on either side (all for staff)."""
    reachable = Delegation.objects.select_related("company", "delegate")
    if user.is_staff:
        return reachable
    attached = Company.objects.filter(memberships__user=user, memberships__status__in=OPEN).values(
        "pk"
    )
    return reachable.filter(Q(company__in=attached) | Q(delegate__in=attached))


def delegation_for(user: User, pk: int | str, *, deciding: bool = False) -> Delegation:
    """A reachable delegation; ``deciding``: one whose scope the user sets (the client's
    administrators), otherwise one they may see and end (either side's administrators, staff
    read only)."""
    delegation = _first_or_404(delegations_reachable_by(user), pk)
    allowed = (
        perms.can_decide_delegation(user, delegation)
        if deciding
        else (perms.can_end_delegation(user, delegation) or user.is_staff)
    )
    if not allowed:
        raise Forbidden
    return delegation
