"""What may be invoiced on a dossier, line by line, and by whom (seed 003).

- A training action, once accorded: each cost line granted. The pedagogic costs (teaching,
  engineering) are invoiced by the training organisation when the company chose « paiement
  direct par l'OPCO à l'organisme » (subrogation), else by the company, with the
  organisation's receipted invoice; salaries and annex costs always by the company.
- An apprenticeship contract, once accorded: each échéance of its commitment that is due, by
  the CFA.
- A professionalisation contract or a Pro-A, once accorded: its training échéance by the
  training organisation (the company for an internal training), its tutoring échéance by the
  employer, each once due.
What remains on a line is what the ledger engaged, less what was accepted and what is being
controlled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import Decision, DecisionKind
from monespace.dossiers.models.funding import FundingCommitment, InstalmentState
from monespace.organizations.enums import Profile

from .ledger import ZERO, balance_of
from .models import OPEN_STATES, InvoiceLine

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

PEDAGOGIC_LINES = ("cost_teaching", "cost_engineering", "cost_modules")
# How the seed's invoice model asks each line to be stated.
LINE_HELP = {
    "cost_pay": _("Pour chaque stagiaire : salaire horaire chargé × heures de présence effective."),
    "cost_meals": _(
        "Assujetti à la TVA : frais après déduction de la TVA récupérée ; sinon, frais TTC."
    ),
    "cost_lodging": _("Frais TTC, quel que soit votre assujettissement à la TVA."),
    "cost_transport": _("Frais TTC, quel que soit votre assujettissement à la TVA."),
    "cost_other": _(
        "Location de salle, matériel… Assujetti à la TVA : après déduction de la TVA "
        "récupérée ; sinon, TTC."
    ),
}
INVOICEABLE_STATES = {
    DossierKind.TRAINING_ACTION: (DossierState.APPROVED,),
    DossierKind.APPRENTICESHIP: (DossierState.APPROVED, DossierState.BROKEN),
    DossierKind.PROFESSIONALISATION: (DossierState.APPROVED, DossierState.BROKEN),
    DossierKind.PRO_A: (DossierState.APPROVED, DossierState.BROKEN),
}


@dataclass(frozen=True)
class Party:
    """Who issues an invoice and is paid: a company under a profile, and the establishment
    whose RIB applies."""

    company_id: int
    profile: str
    establishment_id: int


@dataclass
class Billable:
    code: str
    label: str
    payee: Party
    engaged: Decimal
    remaining: Decimal
    due_on: date | None = None

    @property
    def help(self) -> str:
        return str(LINE_HELP.get(self.code, ""))


def company_party(dossier: Dossier) -> Party:
    return Party(dossier.company_id, Profile.MEMBER, dossier.establishment_id)


def provider_party(dossier: Dossier) -> Party | None:
    provider = dossier.provider_establishment
    if provider is None:
        return None
    return Party(provider.company_id, Profile.PROVIDER, provider.pk)


def _in_flight(dossier: Dossier) -> dict[str, Decimal]:
    """Asked on invoices being controlled, per line (not yet in the ledger)."""
    rows = (
        InvoiceLine.objects.filter(invoice__dossier=dossier, invoice__state__in=OPEN_STATES)
        .values_list("code")
        .annotate(total=Sum("amount_ht"))
        .order_by()
    )
    return dict(rows)


def _training_lines(dossier: Dossier) -> list[tuple[str, str, Party | None, date | None]]:
    approval = (
        Decision.objects.filter(dossier=dossier, kind=DecisionKind.APPROVAL)
        .order_by("-created_at", "-id")
        .prefetch_related("amounts")
        .first()
    )
    if approval is None:
        return []
    labels = dict(dossier.spec.cost_lines)
    direct = dossier.training.direct_payment
    rows = []
    for granted in approval.amounts.all():
        if granted.amount <= 0:
            continue
        if granted.line in PEDAGOGIC_LINES and direct:
            payee = provider_party(dossier)
        else:
            payee = company_party(dossier)
        rows.append((granted.line, str(labels.get(granted.line, granted.line)), payee, None))
    return rows


def _contract_lines(dossier: Dossier) -> list[tuple[str, str, Party | None, date | None]]:
    commitment = FundingCommitment.objects.filter(dossier=dossier).order_by("-version").first()
    if commitment is None:
        return []
    provider = provider_party(dossier)

    def payee_of(code: str) -> Party | None:
        if dossier.kind == DossierKind.APPRENTICESHIP:
            return provider
        # Professionalisation / Pro-A: the tutoring to the employer, the training to the
        # organisation (to the company when it trains in-house or names none).
        from monespace.dossiers.funding.professionalisation import TUTORING_CODE

        if code == TUTORING_CODE or dossier.detail.internal_training or provider is None:
            return company_party(dossier)
        return provider

    return [
        (i.code, f"{i.code} — {i.label}", payee_of(i.code), i.due_on)
        for i in commitment.instalments.exclude(state=InstalmentState.CANCELLED).filter(
            amount__gt=0
        )
    ]


def billables(dossier: Dossier, *, payee: Party | None = None) -> list[Billable]:
    """The lines of ``dossier`` that may be invoiced now (by ``payee`` when given), with what
    remains on each. Empty when the dossier is not (or no longer) invoiceable."""
    if dossier.state not in INVOICEABLE_STATES.get(dossier.kind, ()):
        return []
    if dossier.kind == DossierKind.TRAINING_ACTION:
        lines = _training_lines(dossier)
    elif dossier.kind in INVOICEABLE_STATES:
        lines = _contract_lines(dossier)
    else:
        return []
    ledger = balance_of(dossier)
    asked = _in_flight(dossier)
    today = timezone.localdate()
    result = []
    for code, label, party, due_on in lines:
        if party is None or (payee is not None and party != payee):
            continue
        if due_on is not None and due_on > today:
            continue  # an échéance is invoiced once due
        balance = ledger.get(code)
        engaged = balance.engaged if balance else ZERO
        invoiced = balance.invoiced if balance else ZERO
        remaining = engaged - invoiced - asked.get(code, ZERO)
        result.append(Billable(code, label, party, engaged, remaining, due_on))
    return result


def payees(dossier: Dossier) -> set[Party]:
    """Every party that may invoice something on ``dossier`` now."""
    return {line.payee for line in billables(dossier)}
