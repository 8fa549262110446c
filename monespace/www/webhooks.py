"""« Webhooks » in the organisation's administration, beside « Clés API »: the addresses its
software gives for the portal to call on events (the signing secret shown once), each one's
deliveries with their last answer, « Renvoyer », and deletion. Managed by an administrator of
the whole organisation, like the keys."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from monespace.api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from monespace.api.webhooks import WebhookError, endpoint_create, endpoint_revoke, replay
from monespace.core.forms import Form
from monespace.organizations.enums import Profile

from . import shown_once
from .administration import second_factor_redirect
from .api_keys import _whole_company_admin

SHOWN_ONCE = "webhook_created"


class WebhookForm(Form):
    url = forms.URLField(
        label=gettext_lazy("Adresse à appeler (HTTPS)"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Par exemple https://logiciel.exemple.fr/monespace/webhooks"),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Événements"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choisissez au moins un événement.")},
    )


@login_required
@second_factor_redirect
@require_http_methods(["GET", "POST"])
def webhooks(request, company_id, profile):
    company = _whole_company_admin(request, company_id, profile)
    form = WebhookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = endpoint_create(
                actor=request.user,
                company=company,
                profile=profile,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except WebhookError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            shown_once.keep(request, SHOWN_ONCE, {"id": endpoint.pk, "secret": secret})
            return redirect("www:webhooks", company_id=company.pk, profile=profile)
    shown = None
    if request.method == "GET":
        shown = shown_once.take(request, SHOWN_ONCE)
    endpoints = list(WebhookEndpoint.objects.filter(company=company, profile=profile))
    deliveries = list(
        WebhookDelivery.objects.filter(endpoint__in=endpoints)
        .select_related("endpoint")
        .order_by("-created_at", "-id")[:50]
    )
    response = render(
        request,
        "www/administration/webhooks.html",
        {
            "company": company,
            "profile": profile,
            "profile_label": Profile(profile).label,
            "form": form,
            "endpoints": endpoints,
            "deliveries": deliveries,
            "shown": shown,
        },
        status=400 if request.method == "POST" else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@second_factor_redirect
@require_POST
def webhook_revoke(request, company_id, profile, pk):
    company = _whole_company_admin(request, company_id, profile)
    endpoint = get_object_or_404(WebhookEndpoint, company=company, profile=profile, pk=pk)
    endpoint_revoke(actor=request.user, endpoint=endpoint)
    messages.success(request, _("L'adresse est supprimée : elle ne sera plus appelée."))
    return redirect("www:webhooks", company_id=company.pk, profile=profile)


@login_required
@second_factor_redirect
@require_POST
def webhook_replay(request, company_id, profile, pk):
    company = _whole_company_admin(request, company_id, profile)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"),
        endpoint__company=company,
        endpoint__profile=profile,
        pk=pk,
    )
    try:
        replay(actor=request.user, delivery=delivery)
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("L'événement est renvoyé."))
    return redirect("www:webhooks", company_id=company.pk, profile=profile)
