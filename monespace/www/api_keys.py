"""« Clés API » in the company's administration (seed 004: CFA software such as YPAREO or
SC-Form exchange contracts with the OPCO without double entry): an administrator creates a key
(the secret shown once), sees its use, revokes it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from monespace.core.forms import DATE, Form, check_date
from monespace.organizations.api_keys import ApiKeyError, api_key_create, api_key_revoke
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import ApiKey, Membership

from . import shown_once
from .administration import _company_for_admin, second_factor_redirect

SHOWN_ONCE = "api_key_created"


class ApiKeyForm(Form):
    name = forms.CharField(
        label=gettext_lazy("Nom de la clé"),
        max_length=100,
        help_text=gettext_lazy("Pour la reconnaître, par exemple « YPAREO — site de Rennes »."),
    )
    publisher = forms.CharField(label=gettext_lazy("Éditeur du logiciel"), max_length=100)
    software = forms.CharField(label=gettext_lazy("Logiciel"), max_length=100)
    can_read_contracts = forms.BooleanField(
        label=gettext_lazy("Lire les contrats et les dossiers"), required=False
    )
    can_deposit_contracts = forms.BooleanField(
        label=gettext_lazy("Déposer des contrats et des documents"), required=False
    )
    can_read_invoices = forms.BooleanField(
        label=gettext_lazy("Lire les factures et règlements"), required=False
    )
    can_deposit_invoices = forms.BooleanField(
        label=gettext_lazy("Déposer des factures"), required=False
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valable jusqu'au"),
        widget=DATE,
        help_text=gettext_lazy(
            "Un an au plus ; les administrateurs sont prévenus 30 et 7 jours avant."
        ),
    )

    def clean_expires_on(self):
        check_date(self.cleaned_data["expires_on"])
        return self.cleaned_data["expires_on"]


def _whole_company_admin(request, company_id, profile):
    """Keys act for the whole organisation: only an administrator whose scope is the whole
    company manages them (one scoped to establishments would give more than they hold)."""
    company = _company_for_admin(request, company_id, profile)
    scoped = Membership.objects.filter(
        user=request.user,
        company=company,
        profile=profile,
        status=MembershipStatus.ACTIVE,
        is_admin=True,
        establishments__isnull=False,
    ).exists()
    if scoped:
        raise PermissionDenied
    return company


@login_required
@second_factor_redirect
@require_http_methods(["GET", "POST"])
def api_keys(request, company_id, profile):
    company = _whole_company_admin(request, company_id, profile)
    form = ApiKeyForm(
        request.POST if request.method == "POST" else None,
        initial={"expires_on": timezone.localdate() + timedelta(days=365)},
    )
    created = secret = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created, secret = api_key_create(
                actor=request.user,
                company=company,
                profile=profile,
                name=data["name"],
                publisher=data["publisher"],
                software=data["software"],
                scopes={name: data[name] for name in ApiKey.SCOPES},
                expires_on=data["expires_on"],
            )
        except ApiKeyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            shown_once.keep(request, SHOWN_ONCE, {"id": created.pk, "secret": secret})
            return redirect("www:api_keys", company_id=company.pk, profile=profile)
    shown = None
    if request.method == "GET":
        shown = shown_once.take(request, SHOWN_ONCE)
    keys = list(
        ApiKey.objects.filter(company=company, profile=profile).select_related("created_by")
    )
    if shown:
        created = next((key for key in keys if key.pk == shown["id"]), None)
        secret = shown["secret"] if created else None
    response = render(
        request,
        "www/administration/api_keys.html",
        {
            "company": company,
            "profile": profile,
            "profile_label": Profile(profile).label,
            "form": form,
            "keys": keys,
            "created": created,
            "secret": secret,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )
    response["Cache-Control"] = "no-store"  # the secret is on this page once
    return response


@login_required
@second_factor_redirect
@require_POST
def api_key_revoke_view(request, company_id, profile, pk):
    company = _whole_company_admin(request, company_id, profile)
    key = get_object_or_404(ApiKey, company=company, profile=profile, pk=pk)
    api_key_revoke(actor=request.user, key=key)
    messages.success(
        request,
        _("La clé « %(name)s » est révoquée : elle ne permet plus aucun appel.")
        % {"name": key.name},
    )
    return redirect("www:api_keys", company_id=company.pk, profile=profile)
