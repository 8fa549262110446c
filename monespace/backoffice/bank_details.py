"""RIBs waiting for an advisor (the fraud guard): the queue, oldest first, and the page where
the RIB typed is checked against its document, with the one it would replace beside it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from monespace.core.forms import Form
from monespace.dossiers.instruction import can_instruct
from monespace.invoices.access import bank_account_for
from monespace.invoices.models import BankAccount, BankAccountState
from monespace.invoices.perms import Target
from monespace.invoices.services import (
    BankAccountError,
    bank_account_reject,
    bank_account_validate,
    in_force,
)

from .views import staff_required


class RejectForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Envoyé aux administrateurs de l'entreprise."),
    )


@staff_required
@require_GET
def queue(request):
    rows = (
        BankAccount.objects.filter(state=BankAccountState.PENDING)
        .select_related("company", "establishment", "deposited_by")
        .order_by("deposited_at", "pk")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/bank_details_queue.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def bank_account(request, pk):
    account = bank_account_for(request.user, pk)
    form = RejectForm(request.POST if "reject" in request.POST else None)
    if request.method == "POST":
        if not can_instruct(request.user):
            raise PermissionDenied
        try:
            if "validate" in request.POST:
                bank_account_validate(actor=request.user, account=account)
                messages.success(request, _("Le RIB est validé : il est en vigueur."))
                return redirect("backoffice:bank_details")
            if form.is_valid():
                bank_account_reject(
                    actor=request.user, account=account, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Le RIB est refusé ; l'entreprise en est informée."))
                return redirect("backoffice:bank_details")
        except BankAccountError as error:
            messages.error(request, error.message)
            return redirect("backoffice:bank_account", pk=account.pk)
    previous = in_force(Target(account.company_id, account.profile, account.establishment_id))
    if previous is not None and previous.pk == account.pk:
        previous = None
    return render(
        request,
        "backoffice/bank_account.html",
        {
            "account": account,
            "previous": previous,
            "form": form,
            "can_decide": can_instruct(request.user) and account.state == BankAccountState.PENDING,
        },
        status=400 if form.is_bound else 200,
    )


@staff_required
@require_GET
def bank_account_document(request, pk):
    from monespace.www.bank_details import bank_details_document

    return bank_details_document(request, pk)
