"""Commitments: the estimate frozen at the accord, recomputed (as a new version) at a rupture."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from monespace.dossiers.enums import DossierKind
from monespace.dossiers.models import (
    CommitmentReason,
    ContractRupture,
    Dossier,
    FundingCommitment,
    Instalment,
)

from . import apprenticeship, training_action

if TYPE_CHECKING:
    from monespace.accounts.models import User

KINDS: dict[str, Any] = {
    DossierKind.APPRENTICESHIP: apprenticeship,
    DossierKind.TRAINING_ACTION: training_action,
}


UNREAD: Any = object()


def estimate_for(
    dossier: Dossier, *, rupture: ContractRupture | None = UNREAD
) -> apprenticeship.Estimate | None:
    """The live estimate of a contract from what is saved (``None`` for other kinds); a page
    that has read the contract's rupture already passes it."""
    module = KINDS.get(dossier.kind)
    if module is None:
        return None
    if module is training_action:
        return module.estimate(module.Inputs.of(dossier))
    if rupture is UNREAD:
        rupture = ContractRupture.objects.filter(dossier=dossier).first()
    day = rupture.rupture_date if rupture is not None else None
    return module.estimate(module.Inputs.of(dossier, rupture=day))


@transaction.atomic
def commitment_freeze(
    *, actor: User | None, dossier: Dossier, reason: str
) -> FundingCommitment | None:
    """Freeze the contract's prise en charge as the next version of its commitment, with its
    échéancier and the rates that decided it; nothing when the rules give no figure yet (the
    advisor sets it). The dossier's granted total follows the latest version."""
    result = estimate_for(dossier)
    if result is None or not result.complete:
        return None
    version = (
        FundingCommitment.objects.filter(dossier=dossier).aggregate(last=Max("version"))["last"]
        or 0
    ) + 1
    commitment = FundingCommitment.objects.create(
        dossier=dossier,
        version=version,
        reason=reason,
        created_by=actor,
        annual_amount=result.annual,
        training_total=result.training_total,
        annexes_total=result.annexes_total,
        employer_contribution=result.contribution,
        total=result.total,
        lines=[line.as_json() for line in result.lines],
        npec=result.npec,
    )
    assert result.book is not None
    commitment.rates.set(result.book.used.values())
    Instalment.objects.bulk_create(
        Instalment(
            commitment=commitment,
            code=planned.code,
            year=planned.year,
            label=planned.label,
            due_on=planned.due_on,
            share=planned.share,
            gross=planned.gross,
            deduction=planned.deduction,
            amount=planned.amount,
        )
        for planned in result.instalments
    )
    Dossier.objects.filter(pk=dossier.pk).update(granted_total=commitment.total)
    return commitment


def commitment_on_rupture(*, actor: User | None, dossier: Dossier) -> FundingCommitment | None:
    """A recorded rupture: the prise en charge on the days performed, when one was frozen."""
    if not FundingCommitment.objects.filter(
        dossier=dossier, reason=CommitmentReason.APPROVAL
    ).exists():
        return None
    return commitment_freeze(actor=actor, dossier=dossier, reason=CommitmentReason.RUPTURE)


@dataclass
class Funding:
    """What a contract's page shows: the commitment in force (and the one it replaced), or the
    estimate while no commitment exists."""

    commitment: FundingCommitment | None
    previous: FundingCommitment | None
    instalments: list[Instalment]
    estimate: apprenticeship.Estimate | None

    @classmethod
    def of_estimate(cls, estimate: apprenticeship.Estimate | None) -> Funding:
        return cls(commitment=None, previous=None, instalments=[], estimate=estimate)

    @property
    def difference(self) -> Decimal | None:
        if self.commitment is None or self.previous is None:
            return None
        return self.commitment.total - self.previous.total


def funding_of(dossier: Dossier, *, rupture: ContractRupture | None = UNREAD) -> Funding:
    commitments = list(FundingCommitment.objects.filter(dossier=dossier).order_by("-version")[:2])
    if commitments:
        current = commitments[0]
        return Funding(
            commitment=current,
            previous=commitments[1] if len(commitments) > 1 else None,
            instalments=list(current.instalments.all()),
            estimate=None,
        )
    return Funding.of_estimate(estimate_for(dossier, rupture=rupture))
