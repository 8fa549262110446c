"""« Mes factures » (seeds 003 and 004): the invoices the user may read by state, « Déposer une
facture » for a dossier the user's organisation may invoice, an invoice's page and pieces,
« Règlements » with each transfer's « avis de virement », and the dossier's « Factures » tab.

Reads go through ``invoices.access`` (a 404 outside the user's reach); the deposit checks the
right to invoice for the payee the dossier designates (subrogation)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from monespace.core.pagination import CountedPaginator
from monespace.core.pdf import render_pdf
from monespace.core.uploads import StorageUnavailable, download_name, file_download
from monespace.dossiers import access as dossier_access
from monespace.dossiers.enums import DossierKind
from monespace.dossiers.models import Dossier
from monespace.invoices import after_training, ledger, lines, perms
from monespace.invoices.access import (
    invoice_for,
    invoices_visible,
    payment_for,
    payments_visible,
)
from monespace.invoices.billing import (
    InvoiceError,
    PieceInput,
    credit_note_deposit,
    invoice_deposit,
)
from monespace.invoices.models import InvoiceState
from monespace.organizations.enums import Profile

from .invoice_forms import CreditNoteForm, FindDossierForm, InvoiceForm

PER_PAGE = 25
GROUPS = [
    (
        "a-traiter",
        gettext_lazy("En contrôle"),
        (InvoiceState.DEPOSITED, InvoiceState.UNDER_CONTROL),
    ),
    ("acceptees", gettext_lazy("À payer"), (InvoiceState.TO_PAY,)),
    ("payees", gettext_lazy("Payées"), (InvoiceState.PAID,)),
    ("rejetees", gettext_lazy("Rejetées"), (InvoiceState.REJECTED,)),
]
LIST_RELATED = ("dossier", "payee_company")


def _search(queryset, text: str):
    text = "".join(text.split()).upper()[:40]
    if not text:
        return queryset
    return queryset.filter(Q(number__iexact=text) | Q(dossier__number=text))


@login_required
@require_GET
def invoices(request):
    """« Mes factures »: the invoices by state, a search by number, and the ways in (deposit an
    invoice, RIB, payments)."""
    from monespace.invoices.access import bank_accounts_visible
    from monespace.invoices.models import BankAccountState

    readable = perms.invoice_memberships(request.user)
    rib_readable = perms.targets(request.user, manage=False)
    rows = _search(invoices_visible(request.user, readable=readable), request.GET.get("q", ""))
    kind = request.GET.get("dispositif", "")
    if kind in DossierKind.values:
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    counts = rows.aggregate(
        **{key: Count("pk", filter=Q(state__in=states)) for key, _label, states in GROUPS},
        total=Count("pk"),
    )
    group = request.GET.get("etat", "")
    states = {key: s for key, _label, s in GROUPS}.get(group)
    if states is not None:
        rows = rows.filter(state__in=states)
        count = counts[group]
    else:
        group, count = "", counts["total"]
    page = CountedPaginator(
        rows.order_by("-deposited_at", "-id"), PER_PAGE, count=count, related=LIST_RELATED
    ).get_page(request.GET.get("page"))
    accounts = (
        bank_accounts_visible(request.user, readable=rib_readable)
        .filter(state__in=(BankAccountState.ACTIVE, BankAccountState.PENDING))
        .select_related("company", "establishment", "deposited_by")
        .order_by("company__name", "establishment__siret", "pk")[:50]
    )
    return render(
        request,
        "www/invoices.html",
        {
            "page": page,
            "groups": [(key, label, counts[key]) for key, label, _s in GROUPS],
            "group": group,
            "total": counts["total"],
            "q": request.GET.get("q", ""),
            "kind": kind,
            "kinds": DossierKind.choices,
            "may_read_invoices": bool(readable),
            "may_read_summary": any(m.profile == Profile.MEMBER for m, _s in readable)
            or bool(perms.invoice_delegations(readable)),
            "accounts": accounts,
            "may_read_bank_details": bool(rib_readable),
            "can_deposit": any(perms.manages(m) for m, _scope in rib_readable),
        },
    )


def _invoicing_parties(user, dossier: Dossier) -> list[lines.Party]:
    spec = dossier.spec
    return sorted(
        (p for p in lines.payees(dossier) if perms.may_invoice(user, p, spec.enter_right)),
        key=lambda p: (p.profile != Profile.PROVIDER, p.company_id),
    )


@login_required
@require_GET
def invoice_new(request):
    """« Déposer une facture »: which dossier or contract (by its number)."""
    if not perms.invoice_memberships(request.user):
        raise PermissionDenied
    form = FindDossierForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        dossier = (
            Dossier.objects.filter(number=form.cleaned_data["number"])
            .select_related("training", "provider_establishment")
            .first()
        )
        if dossier is not None and _invoicing_parties(request.user, dossier):
            return redirect("www:invoice_deposit", pk=dossier.pk)
        # The same answer whether the number does not exist or is not the user's to invoice.
        form.add_error(
            "number",
            _(
                "Aucun dossier accordé portant ce numéro ne peut être facturé par votre "
                "organisation (vérifiez le numéro, l'accord de l'OPCO et vos droits)."
            ),
        )
    return render(
        request,
        "www/invoices/new.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_deposit_view(request, pk):
    """The deposit on one dossier: a 404 unless the user sees the dossier or may invoice it,
    a 403 when they see it without anything to invoice on it."""
    dossier = (
        Dossier.objects.filter(pk=pk)
        .select_related("training", "provider_establishment", "company", "establishment")
        .first()
    )
    if dossier is None:
        raise Http404
    parties = _invoicing_parties(request.user, dossier)
    if not parties:
        if dossier_access.visible_dossiers(request.user).filter(pk=dossier.pk).exists():
            raise PermissionDenied
        if invoices_visible(request.user).filter(dossier=dossier).exists():
            raise PermissionDenied
        raise Http404
    # A company that is also its own training organisation may invoice under either profile.
    chosen = request.GET.get("emetteur")
    payee = next((p for p in parties if p.profile == chosen), parties[0])
    billable = lines.billables(dossier, payee=payee)
    trainees = (
        dossier.trainees.select_related("employee")
        if dossier.kind == DossierKind.TRAINING_ACTION
        else []
    )
    posted, unavailable = request.method == "POST", False
    form = InvoiceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        lines=billable,
        trainees=trainees,
    )
    if posted and form.is_valid():
        try:
            invoice = invoice_deposit(
                actor=request.user,
                dossier=dossier,
                payee=payee,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                lines=form.line_inputs(),
                pieces=form.piece_inputs(),
            )
        except InvoiceError as error:
            field = f"line_{error.field}" if f"line_{error.field}" in form.fields else error.field
            form.add_error(field if field in form.fields else None, error.message)
        except StorageUnavailable as refused:  # nothing saved: said next to the invoice's file
            form.add_error("invoice_file", refused.message)
            unavailable = True
        else:
            messages.success(
                request,
                _("La facture %(number)s est déposée : l'OPCO la contrôle avant paiement.")
                % {"number": invoice.number},
            )
            return redirect("www:invoice", pk=invoice.pk)
    return render(
        request,
        "www/invoices/deposit.html",
        {
            "dossier": dossier,
            "form": form,
            "payee": payee,
            "other_profiles": [
                (p.profile, Profile(p.profile).label) for p in parties if p != payee
            ],
        },
        status=503 if unavailable else 400 if posted else 200,
    )


def _may_credit(user, invoice) -> bool:
    party = lines.Party(
        invoice.payee_company_id, invoice.payee_profile, invoice.payee_establishment_id
    )
    return invoice.state in (InvoiceState.TO_PAY, InvoiceState.PAID) and perms.may_invoice(
        user, party, invoice.dossier.spec.enter_right
    )


@login_required
@require_http_methods(["GET", "POST"])
def credit_note_new(request, pk):
    """« Déposer un avoir » on one of the organisation's accepted invoices."""
    invoice = invoice_for(request.user, pk)
    if not _may_credit(request.user, invoice):
        raise PermissionDenied
    accepted = [line for line in invoice.lines.all() if line.accepted]
    posted, unavailable = request.method == "POST", False
    form = CreditNoteForm(
        request.POST if posted else None, request.FILES if posted else None, lines=accepted
    )
    if posted and form.is_valid():
        try:
            note = credit_note_deposit(
                actor=request.user,
                invoice=invoice,
                line=form.cleaned_data["line"],
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                piece=PieceInput(
                    "credit", form.cleaned_data["file"], form.content_type, form.verdict
                ),
            )
        except InvoiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except StorageUnavailable as refused:  # nothing saved: said next to the file
            form.add_error("file", refused.message)
            unavailable = True
        else:
            messages.success(
                request,
                _("L'avoir %(number)s est déposé : il sera déduit du prochain virement de l'OPCO.")
                % {"number": note.number},
            )
            return redirect("www:invoice", pk=invoice.pk)
    return render(
        request,
        "www/invoices/credit_note.html",
        {"invoice": invoice, "form": form},
        status=503 if unavailable else 400 if posted else 200,
    )


@login_required
@require_GET
def credit_note_file(request, pk, note):
    invoice = invoice_for(request.user, pk)
    return _stored_file(invoice.credit_notes.filter(pk=note).first(), fallback="avoir")


def _stored_file(row, *, fallback: str) -> HttpResponse:
    """An invoice's piece or credit note: 404 if not there, 409 while being scanned."""
    if row is None:
        raise Http404
    if not row.is_usable:
        return HttpResponse(_("Le document est en cours d'analyse antivirus."), status=409)
    return file_download(
        row.file,
        filename=download_name(row.original_name, row.content_type, fallback=fallback),
        content_type=row.content_type,
        missing=_("Ce document n'est plus disponible."),
    )


@login_required
@require_GET
def invoice_detail(request, pk):
    invoice = invoice_for(request.user, pk)
    payment_visible = (
        invoice.payment_id is not None
        and payments_visible(request.user).filter(pk=invoice.payment_id).exists()
    )
    return render(
        request,
        "www/invoices/detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "pieces": invoice.pieces.all(),
            "credit_notes": invoice.credit_notes.select_related("payment__run"),
            "may_credit": _may_credit(request.user, invoice),
            "payment_visible": payment_visible,
            "dossier_visible": dossier_access.visible_dossiers(request.user)
            .filter(pk=invoice.dossier_id)
            .exists(),
        },
    )


@login_required
@require_GET
def invoice_piece(request, pk, piece):
    invoice = invoice_for(request.user, pk)
    return _stored_file(invoice.pieces.filter(pk=piece).first(), fallback="facture")


@login_required
@require_GET
def payments(request):
    """« Règlements »: the transfers the OPCO ordered to the user's organisations."""
    rows = payments_visible(request.user).order_by("-run__execution_date", "-id")
    page = CountedPaginator(
        rows, PER_PAGE, count=rows.count(), related=("run", "payee_company", "bank_account")
    ).get_page(request.GET.get("page"))
    return render(request, "www/invoices/payments.html", {"page": page})


def _payment_context(payment):
    return {
        "payment": payment,
        "invoices": list(payment.invoices.select_related("dossier").order_by("number")),
        "credit_notes": list(payment.credit_notes.select_related("invoice").order_by("number")),
        "opco_name": settings.OPCO_NAME,
    }


@login_required
@require_GET
def payment_detail(request, pk):
    payment = payment_for(request.user, pk)
    return render(request, "www/invoices/payment.html", _payment_context(payment))


@login_required
@require_GET
def payment_notice(request, pk):
    """The « avis de virement » (PDF), rendered from the transfer's rows."""
    payment = payment_for(request.user, pk)
    return notice_response(payment)


def notice_response(payment) -> HttpResponse:
    pdf = render_pdf("www/invoices/notice_pdf.html", _payment_context(payment))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="avis-{payment.end_to_end}.pdf"'
    return response


def dossier_tab(user, dossier: Dossier) -> dict:
    """The dossier's « Factures » tab: its invoices the user may read and, for those who read
    the company's invoices (or staff), engaged / invoiced / paid / remaining per line."""
    readable = perms.invoice_memberships(user)
    rows = list(
        invoices_visible(user, readable=readable)
        .filter(dossier=dossier)
        .select_related("payee_company")
        .order_by("-deposited_at", "-id")[:100]
    )
    company_reader = user.is_staff or any(
        m.profile == Profile.MEMBER
        and m.company_id == dossier.company_id
        and (scope is None or dossier.establishment_id in scope)
        for m, scope in readable
    )
    balance = ledger.balance_of(dossier) if company_reader else {}
    labels = dict(dossier.spec.cost_lines)
    return {
        "after_training": after_training.checklist(dossier) if (readable or user.is_staff) else [],
        "invoice_rows": rows,
        "may_read_invoices": bool(readable) or user.is_staff,
        "balance_lines": [
            (labels.get(code, code), b) for code, b in sorted(balance.items()) if b.engaged
        ],
        "balance_total": ledger.total(balance) if balance else None,
        "may_deposit_invoice": bool(_invoicing_parties(user, dossier)) if readable else False,
    }


CHART = {"width": 640, "height": 260, "top": 20, "bottom": 40, "left": 10}
SERIES = [
    ("engaged", gettext_lazy("Engagé"), "#0b4f6c"),
    ("invoiced", gettext_lazy("Facturé"), "#b3541e"),
    ("paid", gettext_lazy("Payé"), "#2e7d32"),
]


def _chart(rows):
    """Bars of a grouped chart (one group per dispositif), computed here so that the template
    draws plain SVG rectangles (no JavaScript)."""
    peak = max((getattr(b, key) for _label, b in rows for key, _l, _c in SERIES), default=0)
    if not rows or peak <= 0:
        return []
    inner = CHART["height"] - CHART["top"] - CHART["bottom"]
    group_width = (CHART["width"] - CHART["left"]) / len(rows)
    bar = min(60, group_width / (len(SERIES) + 1))
    bars = []
    for index, (label, balance) in enumerate(rows):
        start = CHART["left"] + index * group_width + (group_width - bar * len(SERIES)) / 2
        for number, (key, name, colour) in enumerate(SERIES):
            value = getattr(balance, key)
            height = max(0, float(value) / float(peak) * inner)
            bars.append(
                {
                    "x": round(start + number * bar, 1),
                    "y": round(CHART["top"] + inner - height, 1),
                    "width": round(bar - 4, 1),
                    "height": round(height, 1),
                    "colour": colour,
                    "title": f"{label} — {name}",
                    "value": value,
                }
            )
    return {
        "bars": bars,
        "labels": [
            {"x": round(CHART["left"] + (i + 0.5) * group_width, 1), "text": label}
            for i, (label, _b) in enumerate(rows)
        ],
        "baseline": CHART["height"] - CHART["bottom"],
        **CHART,
    }


@login_required
@require_GET
def financial_summary(request):
    """« Synthèse financière »: per company and year, by dispositif (ledger sums)."""
    from monespace.dossiers.enums import DossierKind
    from monespace.invoices import summary
    from monespace.www.perimeter import get_perimeter

    companies = summary.readable_companies(request.user)
    if not companies:
        raise PermissionDenied
    by_id = {str(r.company.pk): r for r in companies}
    perimeter = get_perimeter(request)
    wanted = request.GET.get("entreprise") or (str(perimeter["id"]) if perimeter else "")
    chosen = by_id.get(wanted, companies[0])
    years = summary.years(chosen)
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2099:
        year = years[0] if years else timezone.localdate().year
    labels = dict(DossierKind.choices)
    rows = [(labels[kind], b) for kind, b in summary.by_kind(chosen, year).items()]
    return render(
        request,
        "www/invoices/summary.html",
        {
            "companies": companies,
            "chosen": chosen,
            "years": years,
            "year": year,
            "rows": rows,
            "total": ledger.total(dict(rows)) if rows else None,
            "chart": _chart(rows),
            "series": SERIES,
        },
    )


@login_required
@require_GET
def contributions(request):
    """« Collecte »: the company's contributions to the OPCO by year (read-only)."""
    from monespace.invoices import summary
    from monespace.invoices.models import Contribution
    from monespace.www.perimeter import get_perimeter

    companies = summary.readable_companies(request.user)
    if not companies:
        raise PermissionDenied
    by_id = {str(r.company.pk): r for r in companies}
    perimeter = get_perimeter(request)
    wanted = request.GET.get("entreprise") or (str(perimeter["id"]) if perimeter else "")
    chosen = by_id.get(wanted, companies[0])
    rows = list(Contribution.objects.filter(company=chosen.company).order_by("-year", "nature"))
    years: dict[int, list] = {}
    for row in rows:
        years.setdefault(row.year, []).append(row)
    return render(
        request,
        "www/invoices/contributions.html",
        {
            "companies": companies,
            "chosen": chosen,
            "years": [
                (
                    year,
                    items,
                    sum(i.called for i in items),
                    sum(i.paid for i in items),
                    sum(i.outstanding for i in items),
                )
                for year, items in years.items()
            ],
        },
    )
