"""Who may see and deposit bank details: an active member of the company under that profile
with « gérer les coordonnées bancaires » (or its administrator) deposits, for the whole company
when their scope is the whole company, else for the establishments of their scope; « consulter
les factures et règlements » also lets one read them. Staff read every RIB."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Delegation, DelegationStatus, Establishment, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User

    from .lines import Party


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


# Invoices and payments ------------------------------------------------------------------------
#
# « Consulter les factures et règlements » (or administering the organisation) shows:
# - to a company's people, the invoices and payments of its dossiers in their scope, whoever
#   issued them (a training organisation paid directly invoices the company's dossier);
# - to a training organisation's or CFA's people, what their organisation issued and was paid.
# Depositing an invoice also needs the right to enter the dossier's dispositif (or
# administering), for the establishment of their scope that issues it.


def invoice_memberships(user: User | AnonymousUser) -> list[tuple[Membership, set[int] | None]]:
    if not user.is_authenticated:
        return []
    memberships = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .filter(Q(is_admin=True) | Q(can_view_invoices=True))
        .select_related("company")
        .prefetch_related("establishments")
    )
    return [(m, _scope(m)) for m in memberships]


def invoice_delegations(
    readable: list[tuple[Membership, set[int] | None]],
) -> list[tuple[int, set[int] | None]]:
    """(company id, its establishments or None) whose invoices an organisation attached with
    « consulter les factures et règlements » (an accounting firm…) lets the user read."""
    delegates = sorted({m.company_id for m, _scope in readable})
    if not delegates:
        return []
    rows = Delegation.objects.filter(
        delegate_id__in=delegates, can_view_invoices=True, status=DelegationStatus.ACTIVE
    ).prefetch_related("establishments")
    return [(d.company_id, {e.pk for e in d.establishments.all()} or None) for d in rows]


def invoice_q(
    readable: list[tuple[Membership, set[int] | None]],
    *,
    payments: bool = False,
    delegated: Sequence[tuple[int, set[int] | None]] = (),
) -> Q:
    """The invoices (or with ``payments``, the payments) ``readable`` memberships and the
    ``delegated`` companies show."""
    condition = Q(pk__in=[])
    for company_id, scope in delegated:
        if payments:
            mine = Q(payee_company_id=company_id, payee_profile=Profile.MEMBER)
            if scope is not None:
                mine &= Q(payee_establishment_id__in=sorted(scope))
        else:
            mine = Q(company_id=company_id)
            if scope is not None:
                mine &= Q(establishment_id__in=sorted(scope))
        condition |= mine
    for membership, scope in readable:
        if membership.profile == Profile.MEMBER and not payments:
            mine = Q(company_id=membership.company_id)
            if scope is not None:
                mine &= Q(establishment_id__in=sorted(scope))
        else:
            mine = Q(payee_company_id=membership.company_id, payee_profile=membership.profile)
            if scope is not None:
                mine &= Q(payee_establishment_id__in=sorted(scope))
        condition |= mine
    return condition


def may_invoice(user: User | AnonymousUser, party: Party, enter_right: str) -> bool:
    """``party`` (lines.Party) is one of the user's organisations, in their scope, with the
    rights to invoice for the dispositif."""
    for membership, scope in invoice_memberships(user):
        if membership.company_id != party.company_id or membership.profile != party.profile:
            continue
        if not (membership.is_admin or getattr(membership, enter_right, False)):
            continue
        if scope is None or party.establishment_id in scope:
            return True
    return False
