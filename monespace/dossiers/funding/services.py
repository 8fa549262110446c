"""Commitments: the estimate frozen at the accord, recomputed (as a new version) at a rupture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import (
    CommitmentReason,
    ContractRupture,
    Dossier,
    FundingCommitment,
    Instalment,
    InstalmentState,
)

from . import apprenticeship, professionalisation, training_action
from .rates import RateBook

if TYPE_CHECKING:
    from monespace.accounts.models import User

KINDS: dict[str, Any] = {
    DossierKind.APPRENTICESHIP: apprenticeship,
    DossierKind.TRAINING_ACTION: training_action,
    DossierKind.PROFESSIONALISATION: professionalisation,
    DossierKind.PRO_A: professionalisation,
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


def _current(dossier: Dossier) -> FundingCommitment | None:
    return (
        FundingCommitment.objects.select_for_update()
        .filter(dossier=dossier)
        .order_by("-version")
        .first()
    )


def _store(
    *,
    actor: User | None,
    dossier: Dossier,
    reason: str,
    result: apprenticeship.Estimate,
    previous: FundingCommitment | None,
    cutoff: date | None,
) -> FundingCommitment:
    """A new version of ``dossier``'s commitment from ``result``. After a first version, the
    instalments due up to ``cutoff`` are kept as they were (they may have been paid), the new
    plan's later ones follow, and one « Régularisation » makes the total right (negative when
    too much was due)."""
    commitment = FundingCommitment.objects.create(
        dossier=dossier,
        version=(previous.version + 1) if previous else 1,
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
    rows: list[Instalment] = []
    planned = result.instalments
    if previous is not None and cutoff is not None:
        for kept in previous.instalments.exclude(state=InstalmentState.CANCELLED).filter(
            due_on__lte=cutoff
        ):
            kept.pk, kept.commitment = None, commitment
            rows.append(kept)
        kept_codes = {row.code for row in rows}
        # An échéance known by its own code (a professionalisation contract's training and
        # tutoring) takes its new amount even when the rupture dates it on the cutoff.
        planned = [
            p for p in planned if p.due_on > cutoff or (p.keep_code and p.code not in kept_codes)
        ]
    kept_codes = {row.code for row in rows}
    for item in planned:
        rows.append(
            Instalment(
                commitment=commitment,
                code=item.code if item.keep_code and item.code not in kept_codes else "",
                year=item.year,
                label=item.label,
                due_on=item.due_on,
                share=item.share,
                gross=item.gross,
                deduction=item.deduction,
                amount=item.amount,
            )
        )
    # An échéance keeps its code from version to version (invoices and the ledger refer to
    # it): the kept ones as they were, the new ones numbered after them, by date.
    taken = {row.code for row in rows if row.code}

    def next_code(prefix: str) -> str:
        numbers = [int(c[1:]) for c in taken if c[:1] == prefix and c[1:].isdigit()]
        code = f"{prefix}{max(numbers, default=0) + 1}"
        taken.add(code)
        return code

    rows.sort(key=lambda row: (row.due_on, row.year))
    for row in rows:
        if not row.code:
            row.code = next_code("E")
    balance = commitment.total - sum((row.amount for row in rows), Decimal(0))
    if balance and cutoff is not None:
        rows.append(
            Instalment(
                commitment=commitment,
                code=next_code("R"),
                year=rows[-1].year if rows else 1,
                label=str(
                    _("Régularisation au %(date)s (%(reason)s)")
                    % {
                        "date": cutoff.strftime("%d/%m/%Y"),
                        "reason": CommitmentReason(reason).label.lower(),
                    }
                ),
                due_on=cutoff,
                share=None,
                gross=balance,
                amount=balance,
            )
        )
    Instalment.objects.bulk_create(rows)
    Dossier.objects.filter(pk=dossier.pk).update(granted_total=commitment.total)
    from monespace.invoices.ledger import record_commitment

    record_commitment(
        dossier=dossier,
        lines={
            row.code: (row.label, row.amount)
            for row in rows
            if row.state != InstalmentState.CANCELLED
        },
        actor=actor,
    )
    return commitment


@transaction.atomic
def commitment_freeze(
    *, actor: User | None, dossier: Dossier, reason: str
) -> FundingCommitment | None:
    """At the accord: freeze the contract's prise en charge with its échéancier and the rates
    that decided it; nothing when the rules give no figure yet (the advisor sets it). An
    avenant is no contract of its own: its accord makes a new version of the commitment of the
    contract it amends, from the avenant's data, the instalments due before its effect kept."""
    contract = getattr(dossier, "apprenticeship", None)
    target = dossier
    cutoff = None
    if contract is not None and contract.amends_id:
        target = contract.amends
        reason = CommitmentReason.AMENDMENT
        cutoff = contract.amendment_effect_date or timezone.localdate()
    result = estimate_for(dossier)
    if result is None or not result.complete:
        return None
    previous = _current(target)
    return _store(
        actor=actor,
        dossier=target,
        reason=reason,
        result=result,
        previous=previous,
        cutoff=cutoff if previous is not None else None,
    )


@transaction.atomic
def commitment_on_rupture(*, actor: User | None, dossier: Dossier) -> FundingCommitment | None:
    """A recorded rupture: the prise en charge on the days performed, with the rules that
    decided the commitment in force (its NPEC row and rates, never rules published since)."""
    previous = _current(dossier)
    rupture = ContractRupture.objects.filter(dossier=dossier).first()
    if previous is None or rupture is None:
        return None
    if KINDS.get(dossier.kind) is professionalisation:
        pro = professionalisation.Inputs.of(dossier, rupture=rupture.rupture_date)
        day = pro.conclusion or pro.start or rupture.rupture_date
        result = professionalisation.estimate(pro, book=RateBook.frozen(day, previous.rates.all()))
    else:
        inputs = apprenticeship.Inputs.of(dossier, rupture=rupture.rupture_date)
        day = inputs.conclusion or inputs.start or rupture.rupture_date
        result = apprenticeship.estimate(
            inputs,
            book=RateBook.frozen(day, previous.rates.all()),
            npec=previous.npec,
        )
    if not result.complete:
        return None
    return _store(
        actor=actor,
        dossier=dossier,
        reason=CommitmentReason.RUPTURE,
        result=result,
        previous=previous,
        cutoff=rupture.rupture_date,
    )


@dataclass
class Funding:
    """What a contract's page shows: the commitment in force (and the one it replaced), or the
    estimate while no commitment exists."""

    commitment: FundingCommitment | None
    previous: FundingCommitment | None
    instalments: list[Instalment]
    estimate: apprenticeship.Estimate | None
    # Accepted without a commitment (before the funding engine, or no figure then).
    after_accord: bool = False

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
    funding = Funding.of_estimate(estimate_for(dossier, rupture=rupture))
    funding.after_accord = dossier.state in ACCEPTED
    return funding


ACCEPTED = (DossierState.APPROVED, DossierState.BROKEN, DossierState.CLOSED)


def commitments_backfill(*, actor: User | None = None) -> int:
    """Freeze the commitments of contracts accepted before the funding engine existed (and
    recompute those broken since); idempotent. Returns how many were frozen."""
    done = 0
    contracts = Dossier.objects.filter(
        kind=DossierKind.APPRENTICESHIP,
        state__in=ACCEPTED,
        apprenticeship__amends__isnull=True,
        commitments__isnull=True,
    )
    for dossier in contracts.iterator():
        if commitment_freeze(actor=actor, dossier=dossier, reason=CommitmentReason.APPROVAL):
            done += 1
            if ContractRupture.objects.filter(dossier=dossier, recorded_at__isnull=False).exists():
                commitment_on_rupture(actor=actor, dossier=dossier)
    return done
