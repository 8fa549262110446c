"""Writes to, and sums of, the append-only ledger (models/ledger.py).

A commitment is recorded as the difference per line with what the ledger already holds, so
that a revised commitment (a new approval, a rupture, an avenant) is one more row per line
that moved, and the engaged amount of a line is always the sum of its rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from .models import ENGAGED_KINDS, INVOICED_KINDS, PAID_KINDS, LedgerEntry, LedgerKind

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier

ZERO = Decimal("0.00")


@dataclass
class Balance:
    engaged: Decimal = ZERO
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        """What may still be invoiced."""
        return self.engaged - self.invoiced

    @property
    def unpaid(self) -> Decimal:
        return self.invoiced - self.paid

    def add(self, kind: str, amount: Decimal) -> None:
        if kind in ENGAGED_KINDS:
            self.engaged += amount
        elif kind in INVOICED_KINDS:
            self.invoiced += amount
        elif kind in PAID_KINDS:
            self.paid += amount


def balances(dossier_ids: Iterable[int]) -> dict[int, dict[str, Balance]]:
    """{dossier id: {line: Balance}} in one aggregate query."""
    result: dict[int, dict[str, Balance]] = defaultdict(lambda: defaultdict(Balance))
    rows = (
        LedgerEntry.objects.filter(dossier_id__in=list(dossier_ids))
        .values_list("dossier_id", "line", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for dossier_id, line, kind, total in rows:
        result[dossier_id][line].add(kind, total)
    return result


def balance_of(dossier: Dossier) -> dict[str, Balance]:
    return balances([dossier.pk]).get(dossier.pk, {})


def total(lines: Mapping[str, Balance]) -> Balance:
    whole = Balance()
    for balance in lines.values():
        whole.engaged += balance.engaged
        whole.invoiced += balance.invoiced
        whole.paid += balance.paid
    return whole


def record_commitment(
    *,
    dossier: Dossier,
    lines: Mapping[str, tuple[str, Decimal]],
    actor: User | None,
) -> list[LedgerEntry]:
    """``lines``: {code: (label, amount engaged now)}. Writes one row per line whose engaged
    amount moved (a line engaged before and absent now goes back to zero)."""
    engaged = {code: b.engaged for code, b in balance_of(dossier).items()}
    first = not any(engaged.values())
    rows = []
    labels = {code: label for code, (label, _amount) in lines.items()}
    wanted = {code: amount for code, (_label, amount) in lines.items()}
    for code in sorted(set(wanted) | set(engaged)):
        delta = wanted.get(code, ZERO) - engaged.get(code, ZERO)
        if delta:
            rows.append(
                LedgerEntry(
                    dossier=dossier,
                    line=code,
                    kind=LedgerKind.COMMITMENT if first else LedgerKind.REVISION,
                    amount=delta,
                    label=str(labels.get(code, code))[:200],
                    created_by=actor,
                )
            )
    return LedgerEntry.objects.bulk_create(rows)


def record_invoiced(*, invoice, lines, actor: User | None) -> list[LedgerEntry]:
    """An invoice accepted: one row per line with an amount accepted."""
    return LedgerEntry.objects.bulk_create(
        LedgerEntry(
            dossier_id=invoice.dossier_id,
            line=line.code,
            kind=LedgerKind.INVOICED,
            amount=line.accepted,
            label=f"Facture {invoice.number}"[:200],
            invoice=invoice,
            created_by=actor,
        )
        for line in lines
        if line.accepted
    )


def record_paid(*, payment, invoices, actor: User | None) -> list[LedgerEntry]:
    """A transfer approved: one row per accepted line of each invoice it pays."""
    from .models import InvoiceLine

    lines = InvoiceLine.objects.filter(invoice__in=invoices, accepted__gt=0).select_related(
        "invoice"
    )
    return LedgerEntry.objects.bulk_create(
        LedgerEntry(
            dossier_id=line.invoice.dossier_id,
            line=line.code,
            kind=LedgerKind.PAYMENT,
            amount=line.accepted,
            label=f"Virement {payment.end_to_end} — facture {line.invoice.number}"[:200],
            invoice_id=line.invoice_id,
            payment=payment,
            created_by=actor,
        )
        for line in lines
    )


def record_credit(*, note, dossier_id: int, actor: User | None) -> LedgerEntry:
    """An « avoir »: what was invoiced on its line goes down."""
    return LedgerEntry.objects.create(
        dossier_id=dossier_id,
        line=note.line,
        kind=LedgerKind.CANCELLATION,
        amount=-note.amount,
        label=f"Avoir {note.number} (facture {note.invoice.number})"[:200],
        invoice_id=note.invoice_id,
        created_by=actor,
    )


def record_deducted(*, payment, notes, actor: User | None) -> list[LedgerEntry]:
    """Credit notes deducted from a transfer: what was paid on their line goes down."""
    return LedgerEntry.objects.bulk_create(
        LedgerEntry(
            dossier_id=note.invoice.dossier_id,
            line=note.line,
            kind=LedgerKind.PAYMENT,
            amount=-note.amount,
            label=f"Avoir {note.number} déduit du virement {payment.end_to_end}"[:200],
            invoice_id=note.invoice_id,
            payment=payment,
            created_by=actor,
        )
        for note in notes
    )
