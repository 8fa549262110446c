"""Payment runs: prepared by one staff member with the payment role, approved by another (four
eyes), producing the SEPA credit-transfer file (pain.001.001.03, written by sepaxml and
validated against the schema it ships) and one « avis de virement » per transfer.

An invoice is claimed by one run with a conditional UPDATE (« à payer » and in no run): two
runs prepared at the same moment cannot both take it, whatever the interleaving."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.accounts.enums import StaffRole
from monespace.api.webhooks import endpoints_for
from monespace.api.webhooks import invoice_paid as invoice_paid_event
from monespace.core.errors import DomainError
from monespace.core.formats import format_euros
from monespace.core.models import ActivityEvent
from monespace.core.urls import path_to
from monespace.notifications.services import notify

from .billing import invoice_readers
from .ledger import record_deducted, record_paid
from .lines import Party
from .models import (
    BankAccount,
    BankAccountState,
    CreditNote,
    Invoice,
    InvoiceState,
    Payment,
    PaymentRun,
    PaymentRunState,
)
from .perms import Target
from .services import in_force

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


class PaymentError(DomainError):
    pass


PAYMENT_ROLES = (StaffRole.ACCOUNTANT, StaffRole.MANAGER)


def can_pay(user: User | AnonymousUser) -> bool:
    """Prepares and approves payment runs: staff with the payment role (or managers)."""
    if not (user.is_authenticated and user.is_staff):
        return False
    profile = getattr(user, "staff_profile", None)
    return profile is not None and profile.role in PAYMENT_ROLES


def _event(actor: User, run: PaymentRun, action: str, message: str = "") -> None:
    ActivityEvent.objects.create(
        actor=actor, object_type="payment_run", object_id=run.pk, action=action, message=message
    )


def payable() -> Iterable[Invoice]:
    """Invoices « à payer » in no run, oldest decision first."""
    return (
        Invoice.objects.filter(state=InvoiceState.TO_PAY, payment__isnull=True)
        .select_related("payee_company", "payee_establishment", "dossier")
        .order_by("decided_at", "id")
    )


@dataclass
class Group:
    party: Party
    account: BankAccount | None
    invoices: list[Invoice]
    # Credit notes of the payee not yet deducted from a transfer.
    credits: list[CreditNote] = field(default_factory=list)

    @property
    def invoiced(self) -> Decimal:
        return sum((i.accepted_total or Decimal(0) for i in self.invoices), Decimal(0))

    @property
    def deducted(self) -> Decimal:
        return sum((c.amount for c in self.credits), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.invoiced - self.deducted

    @property
    def recently_changed(self) -> bool:
        if self.account is None or self.account.decided_at is None:
            return False
        limit = timezone.now() - timedelta(days=settings.PAYMENT_RIB_CHANGE_DAYS)
        return self.account.decided_at >= limit


def _accounts_in_force(parties: Iterable[Party]) -> dict[tuple[int, str, int | None], BankAccount]:
    """The active RIBs of the parties' companies, by (company, profile, establishment or None)
    — one query for the whole list (``services.in_force`` picks among them the same way)."""
    companies = sorted({p.company_id for p in parties})
    if not companies:
        return {}
    return {
        (a.company_id, a.profile, a.establishment_id): a
        for a in BankAccount.objects.filter(company_id__in=companies, state=BankAccountState.ACTIVE)
    }


def group(invoices: Iterable[Invoice]) -> list[Group]:
    """Invoices by payee, each with the RIB in force for it (None: no validated RIB)."""
    by_party: dict[Party, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_party[
            Party(invoice.payee_company_id, invoice.payee_profile, invoice.payee_establishment_id)
        ].append(invoice)
    credits: dict[Party, list[CreditNote]] = defaultdict(list)
    if by_party:
        for note in CreditNote.objects.filter(
            payment__isnull=True,
            payee_company_id__in=sorted({p.company_id for p in by_party}),
        ).select_related("invoice", "payee_company"):
            credits[
                Party(note.payee_company_id, note.payee_profile, note.payee_establishment_id)
            ].append(note)
    accounts = _accounts_in_force(by_party)
    groups = []
    for party, rows in by_party.items():
        account = accounts.get((party.company_id, party.profile, party.establishment_id))
        if account is None:
            account = accounts.get((party.company_id, party.profile, None))
        groups.append(Group(party, account, rows, credits.get(party, [])))
    groups.sort(key=lambda g: (g.invoices[0].payee_company.name, g.party.establishment_id))
    return groups


def _reference(run: PaymentRun, day: date) -> str:
    """From the run's id: two runs prepared at the same moment never share a reference."""
    return f"OPCO-{day:%Y%m%d}-{run.pk:06d}"


def _remittance(invoices: list[Invoice], credits: list[CreditNote]) -> str:
    numbers = ", ".join(i.number for i in invoices)
    text = _("Règlement factures %(numbers)s") % {"numbers": numbers}
    if credits:
        text += " " + _("moins avoirs %(numbers)s") % {
            "numbers": ", ".join(c.number for c in credits)
        }
    return text if len(text) <= 140 else text[:137] + "..."


@transaction.atomic
def run_prepare(
    *, actor: User, invoice_ids: Iterable[int], execution_date: date
) -> tuple[PaymentRun, list[Group]]:
    """A run of the chosen invoices whose payee has a validated RIB; the others are left out
    (returned, for the message)."""
    if not can_pay(actor):
        raise PaymentError(_("Seul un gestionnaire des règlements prépare une campagne."))
    if execution_date < timezone.localdate():
        raise PaymentError(
            _("La date d'exécution ne peut pas être passée."), field="execution_date"
        )
    wanted = sorted(set(invoice_ids))
    if not wanted:
        raise PaymentError(_("Choisissez au moins une facture à payer."))
    chosen = list(payable().filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        raise PaymentError(
            _(
                "Une des factures choisies n'est plus à payer (payée ou prise par une autre "
                "campagne) : actualisez la liste."
            )
        )
    groups = group(chosen)
    ready = [g for g in groups if g.account is not None and g.total > 0]
    left_out = [g for g in groups if g not in ready]
    if not ready:
        raise PaymentError(
            _(
                "Aucune des factures choisies ne peut être payée : leur bénéficiaire n'a pas de "
                "RIB validé par l'OPCO, ou ses avoirs dépassent ses factures."
            )
        )
    run = PaymentRun.objects.create(
        reference=uuid.uuid4().hex,
        execution_date=execution_date,
        total=sum((g.total for g in ready), Decimal(0)),
        count=len(ready),
        created_by=actor,
    )
    run.reference = _reference(run, timezone.localdate())
    run.save(update_fields=["reference"])
    for number, item in enumerate(ready, start=1):
        assert item.account is not None
        payment = Payment.objects.create(
            run=run,
            payee_company_id=item.party.company_id,
            payee_establishment_id=item.party.establishment_id,
            payee_profile=item.party.profile,
            bank_account=item.account,
            amount=item.total,
            end_to_end=f"{run.reference}-{number:04d}",
            remittance=_remittance(item.invoices, item.credits),
            rib_recently_changed=item.recently_changed,
        )
        ids = [i.pk for i in item.invoices]
        # The claim: only invoices still « à payer » and in no run. A concurrent run that took
        # one first makes this count short, and this whole run is rolled back.
        claimed = Invoice.objects.filter(
            pk__in=ids, state=InvoiceState.TO_PAY, payment__isnull=True
        ).update(payment=payment)
        credit_ids = [c.pk for c in item.credits]
        deducted = CreditNote.objects.filter(pk__in=credit_ids, payment__isnull=True).update(
            payment=payment
        )
        if claimed != len(ids) or deducted != len(credit_ids):
            raise PaymentError(
                _(
                    "Une autre campagne vient de prendre une des factures choisies : "
                    "actualisez la liste."
                )
            )
    _event(actor, run, "prepared", f"{run.count} virements, {run.total}")
    return run, left_out


@transaction.atomic
def run_cancel(*, actor: User, run: PaymentRun) -> PaymentRun:
    if not can_pay(actor):
        raise PaymentError(_("Seul un gestionnaire des règlements annule une campagne."))
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.state != PaymentRunState.PREPARED:
        raise PaymentError(_("Seule une campagne à approuver peut être annulée."))
    Invoice.objects.filter(payment__run=run).update(payment=None)
    CreditNote.objects.filter(payment__run=run).update(payment=None)
    run.state = PaymentRunState.CANCELLED
    run.save(update_fields=["state"])
    _event(actor, run, "cancelled")
    return run


def sepa_xml(run: PaymentRun, payments: list[Payment]) -> str:
    """The pain.001.001.03 file of ``run`` (validated against the schema by sepaxml)."""
    from sepaxml import SepaTransfer

    transfer = SepaTransfer(
        {
            "name": settings.OPCO_SEPA_NAME,
            "IBAN": settings.OPCO_SEPA_IBAN,
            "BIC": settings.OPCO_SEPA_BIC,
            "batch": True,
            "currency": "EUR",
        },
        schema="pain.001.001.03",
        clean=True,
    )
    for payment in payments:
        account = payment.bank_account
        transfer.add_payment(
            {
                "name": account.holder,
                "IBAN": account.iban,
                "BIC": account.bic,
                "amount": int((payment.amount * 100).to_integral_value()),
                "execution_date": run.execution_date,
                "description": payment.remittance,
                "endtoend_id": payment.end_to_end,
            }
        )
    return transfer.export(validate=True).decode()


@transaction.atomic
def run_approve(*, actor: User, run: PaymentRun) -> PaymentRun:
    """The second pair of eyes: the SEPA file is written, the invoices are paid, the ledger
    records each payment and every payee is told, with its avis de virement."""
    if not can_pay(actor):
        raise PaymentError(_("Seul un gestionnaire des règlements approuve une campagne."))
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.state != PaymentRunState.PREPARED:
        raise PaymentError(_("Cette campagne n'est plus à approuver."))
    if run.created_by_id == actor.pk:
        raise PaymentError(
            _("Une campagne est approuvée par une autre personne que celle qui l'a préparée.")
        )
    payments = list(
        run.payments.select_related("bank_account", "payee_company").order_by("end_to_end")
    )
    if run.execution_date < timezone.localdate():
        raise PaymentError(
            _(
                "La date d'exécution de cette campagne est passée : annulez-la et préparez-en "
                "une autre."
            )
        )
    # The RIBs are locked while the file is written: none is validated or replaced meanwhile.
    list(
        BankAccount.objects.select_for_update()
        .filter(company_id__in=sorted({p.payee_company_id for p in payments}))
        .values_list("pk", flat=True)
    )
    for payment in payments:
        current = in_force(
            Target(payment.payee_company_id, payment.payee_profile, payment.payee_establishment_id)
        )
        if current is None or current.pk != payment.bank_account_id:
            raise PaymentError(
                _(
                    "Le RIB de %(name)s a changé depuis la préparation : annulez cette "
                    "campagne et préparez-en une autre."
                )
                % {"name": payment.payee_company.name}
            )
    run.sepa_xml = sepa_xml(run, payments)
    hooks = endpoints_for((p.payee_company_id, p.payee_profile) for p in payments)
    run.state = PaymentRunState.APPROVED
    run.approved_by, run.approved_at = actor, timezone.now()
    run.save(update_fields=["sepa_xml", "state", "approved_by", "approved_at"])
    for payment in payments:
        invoices = list(Invoice.objects.filter(payment=payment).select_related("dossier"))
        Invoice.objects.filter(payment=payment).update(
            state=InvoiceState.PAID, paid_on=run.execution_date
        )
        record_paid(payment=payment, invoices=invoices, actor=actor)
        for invoice in invoices:
            invoice_paid_event(invoice, payment, endpoints=hooks)
        record_deducted(
            payment=payment,
            notes=list(payment.credit_notes.select_related("invoice")),
            actor=actor,
        )
        users = invoice_readers(
            Party(payment.payee_company_id, payment.payee_profile, payment.payee_establishment_id)
        )
        title = _("Avis de virement : %(amount)s") % {"amount": format_euros(payment.amount)}
        body = _(
            "L'OPCO a ordonné un virement de %(amount)s le %(date)s pour les factures : "
            "%(numbers)s."
        ) % {
            "amount": format_euros(payment.amount),
            "date": run.execution_date.strftime("%d/%m/%Y"),
            "numbers": ", ".join(i.number for i in invoices),
        }
        url = path_to("payment", payment)
        transaction.on_commit(
            lambda users=users, title=title, body=body, url=url: notify(
                users, title=title, body=body, url=url, theme="payments"
            )
        )
    _event(actor, run, "approved", run.reference)
    return run
