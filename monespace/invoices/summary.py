"""« Synthèse financière » (seed 003's menu): per company and year, by dispositif, what the OPCO
engaged, what was invoiced (accepted), paid, and what remains — sums of the ledger's rows of
the dossiers that start that year, within the user's scope."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, Sum

from monespace.dossiers.enums import DossierKind
from monespace.dossiers.models import Dossier
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company

from . import perms
from .ledger import Balance
from .models import LedgerEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


@dataclass(frozen=True)
class Readable:
    company: Company
    # None: the whole company; else its establishments in the user's scope.
    establishments: frozenset[int] | None


def readable_companies(user: User | AnonymousUser) -> list[Readable]:
    """The companies whose figures the user reads: as one of its people with « consulter les
    factures et règlements » (or administrator), or through an organisation attached with it."""
    memberships = perms.invoice_memberships(user)
    scopes: dict[int, set[int] | None] = {}

    def add(company_id: int, scope: set[int] | None) -> None:
        if company_id in scopes and scopes[company_id] is None:
            return
        if scope is None:
            scopes[company_id] = None
        else:
            scopes[company_id] = (scopes.get(company_id) or set()) | scope

    for membership, scope in memberships:
        if membership.profile == Profile.MEMBER:
            add(membership.company_id, scope)
    for company_id, scope in perms.invoice_delegations(memberships):
        add(company_id, scope)
    companies = Company.objects.in_bulk(list(scopes))
    return sorted(
        (
            Readable(companies[pk], None if scope is None else frozenset(scope))
            for pk, scope in scopes.items()
            if pk in companies
        ),
        key=lambda r: r.company.name,
    )


def _dossiers(readable: Readable) -> Q:
    q = Q(dossier__company_id=readable.company.pk)
    if readable.establishments is not None:
        q &= Q(dossier__establishment_id__in=sorted(readable.establishments))
    return q


def years(readable: Readable) -> list[int]:
    """The years (of the dossiers' start) that have figures, newest first."""
    dossiers = Dossier.objects.filter(company_id=readable.company.pk, ledger__isnull=False)
    if readable.establishments is not None:
        dossiers = dossiers.filter(establishment_id__in=sorted(readable.establishments))
    return sorted(
        {d.year for d in dossiers.dates("start_date", "year")},
        reverse=True,
    )


def by_kind(readable: Readable, year: int) -> dict[str, Balance]:
    """{dispositif: Balance} of the dossiers starting in ``year``, in one aggregate query."""
    rows = (
        LedgerEntry.objects.filter(_dossiers(readable), dossier__start_date__year=year)
        .values_list("dossier__kind", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    result: dict[str, Balance] = defaultdict(Balance)
    for kind, entry_kind, total in rows:
        result[kind].add(entry_kind, total)
    return {kind: result[kind] for kind in DossierKind.values if kind in result}
