"""Who may see and do what on companies and attachments — the one place that decides.

Rules:
- a user sees their own attachments, and the attachments of the companies (per profile) they
  administer; OPCO staff see all;
- an administrator of a company under a profile manages the attachments of that company under
  that profile;
- something out of the user's reach is a 404 (its existence is not confirmed); within reach but
  without the right, a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .enums import MembershipStatus, Profile
from .models import Company, Delegation, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


def _admin_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE, is_admin=True)


def administered(user: User | AnonymousUser) -> set[tuple[int, str]]:
    """(company_id, profile) pairs the user administers."""
    if not user.is_authenticated:
        return set()
    return set(_admin_memberships(user).values_list("company_id", "profile"))


def companies_reachable_by(user: User) -> QuerySet[Company]:
    """Companies the user is attached to (any status but refused/revoked), or all for staff."""
    if user.is_staff:
        return Company.objects.all()
    return Company.objects.filter(
        memberships__user=user,
        memberships__status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING],
    ).distinct()


def is_insider(user: User | AnonymousUser, company: Company) -> bool:
    return user.is_authenticated and (
        user.is_staff
        or Membership.objects.filter(
            user=user,
            company=company,
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING],
        ).exists()
    )


def can_administer(user: User | AnonymousUser, company: Company, profile: str) -> bool:
    return (
        user.is_authenticated
        and _admin_memberships(user).filter(company=company, profile=profile).exists()
    )


def can_decide_membership(user: User | AnonymousUser, membership: Membership) -> bool:
    """Company administrators decide on their company's attachments; staff when there is none."""
    if can_administer(user, membership.company, membership.profile):
        return True
    return user.is_staff and not company_has_admin(membership.company, membership.profile)


def company_has_admin(company: Company, profile: str) -> bool:
    return Membership.objects.filter(
        company=company, profile=profile, status=MembershipStatus.ACTIVE, is_admin=True
    ).exists()


def administered_company_ids(user: User) -> set[int]:
    return set(_admin_memberships(user).values_list("company_id", flat=True))


def can_decide_delegation(user: User | AnonymousUser, delegation: Delegation) -> bool:
    """The client company's administrators (adhérent profile) set the scope, accept or refuse."""
    return can_administer(user, delegation.company, Profile.MEMBER)


def can_end_delegation(user: User, delegation: Delegation) -> bool:
    """The client company's administrators (adhérent profile) or the organisation's administrators."""
    return can_decide_delegation(
        user, delegation
    ) or delegation.delegate_id in administered_company_ids(user)


def member_administered_company_ids(user: User) -> set[int]:
    return set(
        _admin_memberships(user).filter(profile=Profile.MEMBER).values_list("company_id", flat=True)
    )
