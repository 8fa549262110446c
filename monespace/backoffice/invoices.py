"""The OPCO's side of the money path: invoices to control (oldest first), the control page
(the amount accepted per line, with a reason where it is less than asked, or the rejection),
the invoices « à payer » gathered into payment runs, and a run's approval by a second person
with its SEPA file and avis de virement."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.core.forms import DATE, Form, FrenchDecimalField, check_date
from monespace.core.identifiers import parse_id
from monespace.dossiers.instruction import can_instruct
from monespace.invoices import ledger
from monespace.invoices.access import invoice_for
from monespace.invoices.billing import InvoiceError, invoice_accept, invoice_reject, invoice_take
from monespace.invoices.lines import billables
from monespace.invoices.models import (
    OPEN_STATES,
    Invoice,
    InvoiceState,
    Payment,
    PaymentRun,
    PaymentRunState,
)
from monespace.invoices.payments import (
    PaymentError,
    can_pay,
    group,
    payable,
    run_approve,
    run_cancel,
    run_prepare,
)

from .views import staff_required


class RejectForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du rejet"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Envoyé à l'émetteur de la facture."),
    )


class AcceptForm(Form):
    """One accepted amount (and reason when it is less) per line of the invoice."""

    def __init__(self, *args, invoice: Invoice, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[line.code] = FrenchDecimalField(
                label=_("Accepté — %(label)s") % {"label": line.label},
                max_digits=12,
                decimal_places=2,
                min_value=Decimal(0),
                initial=line.amount_ht,
                error_messages={"invalid": _("Saisissez un montant, par exemple 1 450,00.")},
            )
            self.fields[f"{line.code}_reason"] = forms.CharField(
                label=_("Motif de l'écart — %(label)s") % {"label": line.label},
                max_length=500,
                required=False,
            )

    def rows(self):
        return [(line, self[line.code], self[f"{line.code}_reason"]) for line in self.lines]

    def accepted(self) -> dict[str, tuple[Decimal, str]]:
        return {
            line.code: (self.cleaned_data[line.code], self.cleaned_data[f"{line.code}_reason"])
            for line in self.lines
        }


@staff_required
@require_GET
def invoice_queue(request):
    """Invoices to control, oldest deposit first; « Toutes » for any state."""
    state = request.GET.get("etat", "")
    rows = Invoice.objects.select_related("dossier", "payee_company", "controller")
    if state in InvoiceState.values:
        rows = rows.filter(state=state).order_by("-deposited_at", "-id")
    else:
        state = ""
        rows = rows.filter(state__in=OPEN_STATES).order_by("deposited_at", "id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/invoices_queue.html",
        {"page": page, "state": state, "states": InvoiceState.choices},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def invoice(request, pk):
    invoice = invoice_for(request.user, pk)
    lines = list(invoice.lines.all())
    action = request.POST.get("action", "")
    accept_form = AcceptForm(
        request.POST if action == "accept" else None, invoice=invoice, lines=lines
    )
    reject_form = RejectForm(request.POST if action == "reject" else None)
    if request.method == "POST":
        if not can_instruct(request.user):
            raise PermissionDenied
        try:
            if action == "take":
                invoice_take(actor=request.user, invoice=invoice)
                messages.success(request, _("La facture est en contrôle à votre nom."))
                return redirect("backoffice:invoice", pk=invoice.pk)
            if action == "accept" and accept_form.is_valid():
                invoice_accept(actor=request.user, invoice=invoice, accepted=accept_form.accepted())
                messages.success(request, _("La facture est acceptée : elle est à payer."))
                return redirect("backoffice:invoices")
            if action == "reject" and reject_form.is_valid():
                invoice_reject(
                    actor=request.user, invoice=invoice, reason=reject_form.cleaned_data["reason"]
                )
                messages.success(request, _("La facture est rejetée ; l'émetteur en est informé."))
                return redirect("backoffice:invoices")
        except InvoiceError as error:
            form = reject_form if action == "reject" else accept_form
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
    balance = ledger.balance_of(invoice.dossier)
    return render(
        request,
        "backoffice/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "pieces": invoice.pieces.all(),
            "credit_notes": invoice.credit_notes.all(),
            "accept_form": accept_form,
            "reject_form": reject_form,
            "balance": [
                (dict(invoice.dossier.spec.cost_lines).get(code, code), balance[code])
                for code in sorted(balance)
            ],
            "can_decide": can_instruct(request.user) and invoice.is_open,
            "billable": billables(invoice.dossier) if invoice.is_open else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
@require_GET
def invoice_piece(request, pk, piece):
    from monespace.www.invoices import invoice_piece as download

    return download(request, pk, piece)


class PrepareForm(Form):
    execution_date = forms.DateField(label=gettext_lazy("Date d'exécution"), widget=DATE)

    def clean_execution_date(self):
        value = self.cleaned_data["execution_date"]
        check_date(value)
        if value < timezone.localdate():
            raise forms.ValidationError(_("La date d'exécution ne peut pas être passée."))
        return value


PAYABLE_SHOWN = 500


@staff_required
@require_http_methods(["GET", "POST"])
def payments(request):
    """Invoices « à payer » by payee, with their RIB (or its absence), and the runs."""
    form = PrepareForm(
        request.POST if request.method == "POST" else None,
        initial={"execution_date": timezone.localdate()},
    )
    if request.method == "POST":
        if not can_pay(request.user):
            raise PermissionDenied
        if form.is_valid():
            ids = [n for n in map(parse_id, request.POST.getlist("invoice")) if n is not None]
            try:
                run, left_out = run_prepare(
                    actor=request.user,
                    invoice_ids=ids,
                    execution_date=form.cleaned_data["execution_date"],
                )
            except PaymentError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Campagne %(ref)s préparée : une autre personne doit l'approuver.")
                    % {"ref": run.reference},
                )
                no_rib = [g for g in left_out if g.account is None]
                covered = [g for g in left_out if g.account is not None]
                if no_rib:
                    messages.warning(
                        request,
                        _("%(n)s bénéficiaire(s) sans RIB validé : leurs factures restent à payer.")
                        % {"n": len(no_rib)},
                    )
                if covered:
                    messages.warning(
                        request,
                        _(
                            "%(n)s bénéficiaire(s) dont les avoirs couvrent les factures : rien "
                            "à virer, leurs factures restent à payer jusqu'à la prochaine facture."
                        )
                        % {"n": len(covered)},
                    )
                return redirect("backoffice:payment_run", pk=run.pk)
    shown = list(payable()[:PAYABLE_SHOWN])
    runs = PaymentRun.objects.select_related("created_by", "approved_by").order_by(
        "-created_at", "-id"
    )[:20]
    return render(
        request,
        "backoffice/payments.html",
        {
            "groups": group(shown),
            "more": payable().count() > PAYABLE_SHOWN if len(shown) == PAYABLE_SHOWN else False,
            "runs": runs,
            "form": form,
            "can_pay": can_pay(request.user),
        },
        status=400 if form.errors else 200,
    )


def _run(pk) -> PaymentRun:
    run = (
        PaymentRun.objects.filter(pk=pk).select_related("created_by", "approved_by").first()
        if str(pk).isdigit()
        else None
    )
    if run is None:
        raise Http404
    return run


@staff_required
@require_GET
def payment_run(request, pk):
    run = _run(pk)
    rows = list(
        Payment.objects.filter(run=run)
        .select_related("payee_company", "payee_establishment", "bank_account")
        .order_by("end_to_end")
    )
    return render(
        request,
        "backoffice/payment_run.html",
        {
            "run": run,
            "payments": rows,
            "may_approve": can_pay(request.user)
            and run.state == PaymentRunState.PREPARED
            and run.created_by_id != request.user.pk,
            "may_cancel": can_pay(request.user) and run.state == PaymentRunState.PREPARED,
        },
    )


@staff_required
@require_POST
def payment_run_decide(request, pk):
    run = _run(pk)
    if not can_pay(request.user):
        raise PermissionDenied
    try:
        if request.POST.get("action") == "approve":
            run_approve(actor=request.user, run=run)
            messages.success(
                request, _("Campagne approuvée : le fichier de virements SEPA est prêt.")
            )
        elif request.POST.get("action") == "cancel":
            run_cancel(actor=request.user, run=run)
            messages.success(request, _("Campagne annulée : ses factures restent à payer."))
    except PaymentError as error:
        messages.error(request, error.message)
    return redirect("backoffice:payment_run", pk=run.pk)


@staff_required
@require_GET
def payment_run_sepa(request, pk):
    run = _run(pk)
    if not can_pay(request.user):
        raise PermissionDenied
    if run.state != PaymentRunState.APPROVED:
        raise Http404
    response = HttpResponse(run.sepa_xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{run.reference}.xml"'
    return response


@staff_required
@require_GET
def payment_notice(request, pk):
    from monespace.www.invoices import notice_response

    number = parse_id(pk)
    payment = (
        Payment.objects.filter(pk=number, run__state=PaymentRunState.APPROVED)
        .select_related("run", "payee_company")
        .first()
        if number is not None
        else None
    )
    if payment is None:
        raise Http404
    return notice_response(payment)
