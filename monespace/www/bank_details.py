"""« Mes factures » → « Coordonnées bancaires » and « Déposer un RIB » (seeds 002 and 004): the
RIBs in force, waiting and past of the companies the user may read; the deposit by those who
manage bank details; the RIB document through a permission-checked download."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from monespace.core import antivirus
from monespace.core.forms import Form
from monespace.core.identifiers import clean_bic, clean_iban, iban_bank
from monespace.core.uploads import (
    StorageUnavailable,
    check_upload,
    download_name,
    file_download,
)
from monespace.invoices import perms
from monespace.invoices.access import bank_account_for, bank_accounts_visible
from monespace.invoices.models import BankAccountState
from monespace.invoices.services import BankAccountError, bank_account_deposit


def _target_key(target: perms.Target) -> str:
    return f"{target.company_id}:{target.profile}:{target.establishment_id or 0}"


class BankAccountForm(Form):
    target = forms.ChoiceField(label=gettext_lazy("Pour"))
    holder = forms.CharField(label=gettext_lazy("Titulaire du compte"), max_length=140)
    iban = forms.CharField(
        label=gettext_lazy("IBAN"),
        max_length=50,
        help_text=gettext_lazy(
            "27 caractères pour un compte en France, par exemple FR76 3000 6000 0112 3456 7890 189."
        ),
    )
    bic = forms.CharField(
        label=gettext_lazy("BIC"),
        max_length=20,
        help_text=gettext_lazy("8 ou 11 caractères, par exemple AGRIFRPP."),
    )
    file = forms.FileField(label=gettext_lazy("RIB (document de la banque)"))

    def __init__(self, *args, choices: list[tuple[perms.Target, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {_target_key(target): target for target, _label in choices}
        self.fields["target"].choices = [(_target_key(t), label) for t, label in choices]
        self.fields["file"].help_text = _("PDF ou image, %(max)s au plus.") % {
            "max": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }
        self.verdict = None

    def clean_iban(self) -> str:
        return clean_iban(self.cleaned_data["iban"])

    def clean_bic(self) -> str:
        return clean_bic(self.cleaned_data["bic"])

    def clean_holder(self) -> str:
        holder = " ".join(self.cleaned_data["holder"].split())
        if len(holder) < 2:
            raise ValidationError(_("Saisissez le nom du titulaire, tel qu'il figure sur le RIB."))
        return holder

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(upload)
        if not (self.content_type == "application/pdf" or self.content_type.startswith("image/")):
            raise ValidationError(_("Le RIB se dépose en PDF ou en image (JPEG, PNG)."))
        self.verdict = antivirus.scan(upload)
        if self.verdict.status == antivirus.INFECTED:
            raise ValidationError(
                _("Ce fichier contient un virus ou un programme malveillant : il est refusé."),
                code="infected",
            )
        if self.verdict.status == antivirus.REFUSED:
            raise ValidationError(
                _("Ce fichier n'a pas pu être analysé par l'antivirus : déposez un autre fichier."),
                code="refused",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        iban, bic = cleaned.get("iban"), cleaned.get("bic")
        if iban and bic:
            _name, expected = iban_bank(iban)
            # The bank's BIC the registry knows for this IBAN (its first 6 characters: bank
            # and country) must match what was typed.
            if expected and expected[:6] != bic[:6]:
                self.add_error(
                    "bic",
                    _("Ce BIC n'est pas celui de la banque de l'IBAN (%(expected)s attendu).")
                    % {"expected": expected},
                )
        return cleaned

    @property
    def target_value(self) -> perms.Target:
        return self.targets[self.cleaned_data["target"]]


@login_required
@require_GET
def bank_details(request):
    """The RIBs the user may read: in force and waiting first, then the history."""
    readable = perms.targets(request.user, manage=False)
    accounts = list(
        bank_accounts_visible(request.user, readable=readable)
        .select_related("company", "establishment", "deposited_by")
        .order_by("company__name", "profile", "establishment__siret", "-deposited_at", "-pk")[:200]
    )
    current = [
        a for a in accounts if a.state in (BankAccountState.ACTIVE, BankAccountState.PENDING)
    ]
    history = [a for a in accounts if a not in current]
    return render(
        request,
        "www/bank_details.html",
        {
            "current": current,
            "history": history,
            "can_deposit": any(perms.manages(m) for m, _scope in readable),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bank_details_deposit(request):
    choices = perms.deposit_choices(request.user)
    if not choices:
        raise PermissionDenied
    posted, unavailable = request.method == "POST", False
    form = BankAccountForm(
        request.POST if posted else None, request.FILES if posted else None, choices=choices
    )
    if request.method == "POST" and form.is_valid():
        iban = form.cleaned_data["iban"]
        try:
            bank_account_deposit(
                actor=request.user,
                target=form.target_value,
                holder=form.cleaned_data["holder"],
                iban=iban,
                bic=form.cleaned_data["bic"],
                bank_name=iban_bank(iban)[0],
                upload=form.cleaned_data["file"],
                content_type=form.content_type,
                verdict=form.verdict,
            )
        except BankAccountError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except StorageUnavailable as refused:  # nothing saved: said next to the file
            form.add_error("file", refused.message)
            unavailable = True
        else:
            messages.success(
                request,
                _(
                    "Votre RIB est déposé. L'OPCO le vérifie avant de l'utiliser pour les "
                    "paiements ; les administrateurs de votre entreprise en sont informés."
                ),
            )
            return redirect("www:bank_details")
    return render(
        request,
        "www/bank_details_deposit.html",
        {"form": form},
        status=503 if unavailable else 400 if form.is_bound else 200,
    )


@login_required
@require_GET
def bank_details_bank(request):
    """The bank's name as the IBAN is typed (an HTMX fragment)."""
    try:
        iban = clean_iban(request.GET.get("iban", ""))
    except ValidationError as error:
        return HttpResponse(format_html('<span class="help">{}</span>', error.messages[0]))
    name, bic = iban_bank(iban)
    text = _("Banque : %(name)s (BIC %(bic)s)") % {"name": name, "bic": bic} if name else ""
    return HttpResponse(format_html('<span class="help">{}</span>', text))


@login_required
@require_GET
def bank_details_document(request, pk):
    account = bank_account_for(request.user, pk)
    if account.is_taken_over:  # the old portal's RIBs came without their document
        raise Http404
    if not account.is_usable:
        return HttpResponse(_("Le document est en cours d'analyse antivirus."), status=409)
    return file_download(
        account.file,
        filename=download_name(account.original_name, account.content_type, fallback="rib"),
        content_type=account.content_type,
        missing=_("Ce document n'est plus disponible."),
    )
