"""Writes on invoices, each in one transaction, with who did it: the deposit by a company,
training organisation or CFA, and the OPCO's control (taken, accepted line by line, or
rejected). An accepted amount goes to the ledger; nothing else moves money."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core import antivirus
from monespace.core.errors import DomainError
from monespace.core.formats import format_euros
from monespace.core.models import ActivityEvent
from monespace.core.uploads import store_file
from monespace.core.urls import path_to
from monespace.dossiers.enums import ScanStatus
from monespace.dossiers.models import Dossier
from monespace.notifications.services import notify
from monespace.organizations.enums import MembershipStatus
from monespace.organizations.models import Membership

from .ledger import balance_of, record_credit, record_invoiced
from .lines import Party, billables
from .models import (
    OPEN_STATES,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoicePiece,
    InvoiceState,
)

if TYPE_CHECKING:
    from django.core.files import File

    from monespace.accounts.models import User

CENT = Decimal("0.01")


class InvoiceError(DomainError):
    pass


@dataclass
class LineInput:
    code: str
    amount_ht: Decimal
    vat_rate: Decimal
    details: list = field(default_factory=list)

    @property
    def amount_tva(self) -> Decimal:
        return (self.amount_ht * self.vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def amount_ttc(self) -> Decimal:
        return self.amount_ht + self.amount_tva


@dataclass
class PieceInput:
    piece_type: str
    upload: File[bytes]
    content_type: str
    verdict: antivirus.Verdict | None = None


def _event(actor: User | None, invoice: Invoice, action: str, message: str = "") -> None:
    ActivityEvent.objects.create(
        actor=actor, object_type="invoice", object_id=invoice.pk, action=action, message=message
    )


def invoice_readers(party: Party) -> list[User]:
    """The people of the issuing organisation who read its invoices, in their scope."""
    memberships = (
        Membership.objects.filter(
            company_id=party.company_id, profile=party.profile, status=MembershipStatus.ACTIVE
        )
        .filter(Q(is_admin=True) | Q(can_view_invoices=True))
        .filter(Q(establishments__isnull=True) | Q(establishments=party.establishment_id))
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


def _party(invoice: Invoice) -> Party:
    return Party(invoice.payee_company_id, invoice.payee_profile, invoice.payee_establishment_id)


def _tell(invoice: Invoice, *, title: str, body: str, theme: str) -> None:
    users = invoice_readers(_party(invoice))
    url = path_to("invoice", invoice)
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url, theme=theme))


def _store_piece(invoice: Invoice, piece: PieceInput) -> InvoicePiece:
    verdict = piece.verdict or antivirus.scan(piece.upload)
    if verdict.status not in (antivirus.CLEAN, antivirus.UNSCANNED):
        raise InvoiceError(
            _(
                "L'analyse antivirus d'un fichier n'a pas pu être faite : réessayez dans "
                "quelques minutes."
            ),
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in piece.upload.chunks():
        digest.update(chunk)
    piece.upload.seek(0)
    row = InvoicePiece(
        invoice=invoice,
        piece_type=piece.piece_type,
        original_name=(piece.upload.name or "facture")[:255],
        content_type=piece.content_type,
        size=piece.upload.size or 0,
        sha256=digest.hexdigest(),
        scan_status=ScanStatus.CLEAN if verdict.status == antivirus.CLEAN else ScanStatus.UNSCANNED,
    )
    # Saved after every check of the deposit; a later rollback leaves an unreferenced
    # object for the storage sweeper (issue 16), never a row without its file.
    store_file(row.file, "facture", piece.upload)
    row.save()
    return row


@transaction.atomic
def invoice_deposit(
    *,
    actor: User | None,
    dossier: Dossier,
    payee: Party,
    number: str,
    issued_on: date,
    lines: Sequence[LineInput],
    pieces: Sequence[PieceInput],
) -> Invoice:
    """« Déposer une facture » (the caller checked the user's right to invoice for
    ``payee``, the amounts' formats and the files; ``actor`` None: by the API, for the key's
    organisation)."""
    # One deposit at a time per dossier: what remains is read under the dossier's lock.
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("training", "provider_establishment")
        .get(pk=dossier.pk)
    )
    number = " ".join(number.split())
    if (
        Invoice.objects.filter(
            payee_company_id=payee.company_id,
            payee_profile=payee.profile,
            number__iexact=number,
        )
        .exclude(state=InvoiceState.REJECTED)
        .exists()
    ):
        raise InvoiceError(
            _("Vous avez déjà déposé une facture portant ce numéro."), field="number"
        )
    open_lines = {b.code: b for b in billables(dossier, payee=payee)}
    if not open_lines:
        raise InvoiceError(_("Ce dossier ne peut pas être facturé par votre organisation."))
    asked = [line for line in lines if line.amount_ht > 0]
    if not asked:
        raise InvoiceError(_("Saisissez le montant d'au moins une ligne."))
    for line in asked:
        billable = open_lines.get(line.code)
        if billable is None:
            raise InvoiceError(_("Cette ligne ne peut pas être facturée."), field=line.code)
        if line.amount_ht > billable.remaining:
            raise InvoiceError(
                _("Le montant dépasse ce qui reste à facturer sur cette ligne (%(remaining)s).")
                % {"remaining": format_euros(max(billable.remaining, Decimal(0)))},
                field=line.code,
            )
    invoice = Invoice(
        dossier=dossier,
        kind=dossier.kind,
        company_id=dossier.company_id,
        establishment_id=dossier.establishment_id,
        payee_company_id=payee.company_id,
        payee_establishment_id=payee.establishment_id,
        payee_profile=payee.profile,
        number=number,
        issued_on=issued_on,
        total_ht=sum((line.amount_ht for line in asked), Decimal(0)),
        total_tva=sum((line.amount_tva for line in asked), Decimal(0)),
        total_ttc=sum((line.amount_ttc for line in asked), Decimal(0)),
        deposited_by=actor,
    )
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:  # the same number deposited at the same moment
        raise InvoiceError(
            _("Vous avez déjà déposé une facture portant ce numéro."), field="number"
        ) from None
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            code=line.code,
            label=open_lines[line.code].label[:200],
            amount_ht=line.amount_ht,
            vat_rate=line.vat_rate,
            amount_tva=line.amount_tva,
            amount_ttc=line.amount_ttc,
            details=line.details,
        )
        for line in asked
    )
    for piece in pieces:
        _store_piece(invoice, piece)
    _event(actor, invoice, "deposited", f"{invoice.number} {invoice.total_ht}")
    return invoice


def _lock(invoice: Invoice) -> Invoice:
    """The dossier's row first (as the deposit takes it: what remains on a line is read and
    changed under it, in one order), then the invoice's."""
    Dossier.objects.select_for_update(of=("self",)).filter(pk=invoice.dossier_id).values_list(
        "pk"
    ).first()
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


@transaction.atomic
def invoice_take(*, actor: User, invoice: Invoice) -> Invoice:
    """An advisor starts the control: « En contrôle », in their name."""
    invoice = _lock(invoice)
    if invoice.state not in OPEN_STATES:
        raise InvoiceError(_("Cette facture a déjà été contrôlée."))
    invoice.state, invoice.controller = InvoiceState.UNDER_CONTROL, actor
    invoice.save(update_fields=["state", "controller"])
    _event(actor, invoice, "taken")
    return invoice


@transaction.atomic
def invoice_accept(
    *, actor: User, invoice: Invoice, accepted: Mapping[str, tuple[Decimal, str]]
) -> Invoice:
    """« À payer » with the amount accepted per line (``accepted``: {code: (amount, reason)}),
    possibly less than asked with a reason; the accepted amounts go to the ledger."""
    invoice = _lock(invoice)
    if invoice.state not in OPEN_STATES:
        raise InvoiceError(_("Cette facture a déjà été contrôlée."))
    lines = list(invoice.lines.all())
    total = Decimal(0)
    for line in lines:
        amount, reason = accepted.get(line.code, (line.amount_ht, ""))
        amount = Decimal(amount).quantize(CENT)
        if amount < 0 or amount > line.amount_ht:
            raise InvoiceError(
                _("Le montant accepté doit être compris entre 0 et le montant facturé (%(asked)s).")
                % {"asked": format_euros(line.amount_ht)},
                field=line.code,
            )
        reason = reason.strip()
        if amount < line.amount_ht and not reason:
            raise InvoiceError(
                _("Indiquez le motif de l'écart avec le montant facturé."),
                field=f"{line.code}_reason",
            )
        line.accepted, line.reason = amount, reason
        total += amount
    if total <= 0:
        raise InvoiceError(
            _("Aucun montant n'est accepté : rejetez la facture en indiquant le motif.")
        )
    # What the OPCO engaged may have gone down since the deposit (a rupture, a revision).
    balance = balance_of(invoice.dossier)
    for line in lines:
        current = balance.get(line.code)
        room = (current.engaged - current.invoiced) if current else Decimal(0)
        if line.accepted and line.accepted > room:
            raise InvoiceError(
                _("Le montant accepté dépasse ce qui reste engagé sur cette ligne (%(room)s).")
                % {"room": format_euros(max(room, Decimal(0)))},
                field=line.code,
            )
    InvoiceLine.objects.bulk_update(lines, ["accepted", "reason"])
    invoice.state = InvoiceState.TO_PAY
    invoice.accepted_total = total
    invoice.controller = invoice.controller or actor
    invoice.decided_at = timezone.now()
    invoice.save(update_fields=["state", "accepted_total", "controller", "decided_at"])
    record_invoiced(invoice=invoice, lines=lines, actor=actor)
    _event(actor, invoice, "accepted", str(total))
    partial = total < invoice.total_ht
    body = (
        _(
            "Montant accepté : %(accepted)s sur %(asked)s facturés. Le détail des écarts est "
            "sur la page de la facture."
        )
        if partial
        else _("Montant accepté : %(accepted)s. Elle sera payée lors de la prochaine campagne.")
    ) % {"accepted": format_euros(total), "asked": format_euros(invoice.total_ht)}
    _tell(
        invoice,
        title=_("Facture %(number)s acceptée") % {"number": invoice.number},
        body=body,
        theme="invoices",
    )
    return invoice


@transaction.atomic
def invoice_reject(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    invoice = _lock(invoice)
    if invoice.state not in OPEN_STATES:
        raise InvoiceError(_("Cette facture a déjà été contrôlée."))
    invoice.state, invoice.reason = InvoiceState.REJECTED, reason
    invoice.controller = invoice.controller or actor
    invoice.decided_at = timezone.now()
    invoice.save(update_fields=["state", "reason", "controller", "decided_at"])
    _event(actor, invoice, "rejected", reason)
    _tell(
        invoice,
        title=_("Facture %(number)s rejetée") % {"number": invoice.number},
        body=reason,
        theme="invoices",
    )
    return invoice


@transaction.atomic
def credit_note_deposit(
    *,
    actor: User,
    invoice: Invoice,
    line: str,
    number: str,
    issued_on: date,
    amount: Decimal,
    reason: str,
    piece: PieceInput,
) -> CreditNote:
    """« Déposer un avoir » on an accepted or paid invoice (the caller checked the right to
    invoice for its payee and the file): what was invoiced goes down at once, and the amount
    is deducted from the next transfer to the payee."""
    invoice = _lock(invoice)
    if invoice.state not in (InvoiceState.TO_PAY, InvoiceState.PAID):
        raise InvoiceError(_("Un avoir se dépose sur une facture acceptée ou payée."))
    row = invoice.lines.filter(code=line, accepted__gt=0).first()
    if row is None:
        raise InvoiceError(_("Choisissez une ligne acceptée de la facture."), field="line")
    number = " ".join(number.split())
    if CreditNote.objects.filter(
        payee_company_id=invoice.payee_company_id,
        payee_profile=invoice.payee_profile,
        number__iexact=number,
    ).exists():
        raise InvoiceError(_("Vous avez déjà déposé un avoir portant ce numéro."), field="number")
    credited = sum((c.amount for c in invoice.credit_notes.filter(line=line)), Decimal(0))
    assert row.accepted is not None
    left = row.accepted - credited
    if amount > left:
        raise InvoiceError(
            _("L'avoir dépasse le montant accepté restant sur cette ligne (%(left)s).")
            % {"left": format_euros(max(left, Decimal(0)))},
            field="amount",
        )
    verdict = piece.verdict or antivirus.scan(piece.upload)
    if verdict.status not in (antivirus.CLEAN, antivirus.UNSCANNED):
        raise InvoiceError(
            _("L'analyse antivirus du fichier n'a pas pu être faite : réessayez."), field="file"
        )
    digest = hashlib.sha256()
    for chunk in piece.upload.chunks():
        digest.update(chunk)
    piece.upload.seek(0)
    note = CreditNote(
        invoice=invoice,
        line=line,
        number=number,
        issued_on=issued_on,
        amount=amount,
        reason=reason,
        payee_company_id=invoice.payee_company_id,
        payee_establishment_id=invoice.payee_establishment_id,
        payee_profile=invoice.payee_profile,
        original_name=(piece.upload.name or "avoir")[:255],
        content_type=piece.content_type,
        size=piece.upload.size or 0,
        sha256=digest.hexdigest(),
        scan_status=ScanStatus.CLEAN if verdict.status == antivirus.CLEAN else ScanStatus.UNSCANNED,
        deposited_by=actor,
    )
    store_file(note.file, "avoir", piece.upload)
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        raise InvoiceError(
            _("Vous avez déjà déposé un avoir portant ce numéro."), field="number"
        ) from None
    record_credit(note=note, dossier_id=invoice.dossier_id, actor=actor)
    _event(actor, invoice, "credited", f"{note.number} {note.amount}")
    return note
