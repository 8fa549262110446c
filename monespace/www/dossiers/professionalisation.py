"""The professionalisation contract and Pro-A in the front office (seeds 003 and 004): their
entry in the order of the EJ20, the training organisation chosen from the directory, the
estimate of the prise en charge while « Formation » is typed, the organisation's entry sent to
the company for validation and sent back, the transmission, and the contract's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from monespace.core.errors import Forbidden
from monespace.core.identifiers import compact, parse_id
from monespace.dossiers import access, perms
from monespace.dossiers import services as dossier_services
from monespace.dossiers.apprenticeship import services as contract_services
from monespace.dossiers.enums import DossierState
from monespace.dossiers.errors import DossierError, NotADraft
from monespace.dossiers.funding import professionalisation as funding
from monespace.dossiers.funding.services import Funding, funding_of
from monespace.dossiers.models import ContractRupture, DecisionKind, Dossier
from monespace.dossiers.models.apprenticeship import PRO_RUPTURE_REASONS
from monespace.dossiers.professionalisation import layout, rules, services
from monespace.organizations.models import Establishment

from .apprenticeship_forms import ReturnForm, RuptureForm, TransmitForm
from .common import after_save, scope, step_context
from .forms import document_form
from .professionalisation_forms import STEP_FORMS, ProviderSearchForm

KINDS = services.KINDS


def _context(request, dossier, step, form, **extra):
    reach = scope(request)["reach"]
    spec = dossier.spec
    findings = [f for f in spec.findings(dossier) if f.step == step]
    return {
        **step_context(dossier, step),
        "form": form,
        "sections": [
            (legend, [form[name] for name in names if name in form.fields])
            for legend, names in layout.sections_for(dossier, step)
        ],
        "to_fix": [f for f in findings if f.blocking and not form.is_bound],
        "notes": [f.message for f in findings if not f.blocking],
        "step_label": dict(spec.steps_for(dossier)).get(step, ""),
        "can_transmit": perms.can_transmit(request.user, dossier, reach=reach),
        "pro_a": rules.is_pro_a(dossier),
        **extra,
    }


def _render(request, dossier, step, form, **extra):
    return render(
        request,
        "www/dossiers/professionalisation/step.html",
        _context(request, dossier, step, form, **extra),
    )


def _update(request, dossier, values):
    return dossier_services.dossier_update(actor=request.user, dossier=dossier, values=values)


def step_form(request, dossier, step):
    form = STEP_FORMS[step](request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            _update(request, dossier, form.values())
        except DossierError as error:
            form.add_error(None, str(error))
        else:
            for warning in getattr(form, "warnings", []):
                messages.warning(request, warning)
            return after_save(request, Dossier.objects.get(pk=dossier.pk), step)
    extra: dict[str, Any] = {}
    if step == rules.STEP_CONTRACT:
        contract = dossier.detail
        extra["minimum"] = rules.minimum_pay(
            birth=contract.employee_birth_date,
            start=dossier.start_date,
            end=dossier.end_date,
            qualified=rules.is_qualified(contract),
            smc=contract.smc,
        )
    return _render(request, dossier, step, form, **extra)


# Typed on « Formation » and read by the estimate (the rest comes from what is saved).
ESTIMATE_INPUTS = ("training_hours",)


def _typed_estimate(request, dossier):
    inputs = funding.Inputs.of(dossier)
    form = STEP_FORMS[rules.STEP_TRAINING](dossier=dossier)
    for name in ESTIMATE_INPUTS:
        if name not in request.GET or name not in form.fields:
            continue
        try:
            setattr(inputs, name, form.fields[name].clean(request.GET.get(name)))
        except ValidationError:
            continue
    return funding.estimate(inputs)


@login_required
@require_GET
def estimate(request, pk):
    """The estimated prise en charge as « Formation » is typed (an HTMX fragment)."""
    try:
        dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    except NotADraft as error:
        return HttpResponse(f'<p class="help">{escape(error)}</p>')
    if dossier.kind not in KINDS:
        raise Forbidden
    return render(
        request,
        "www/dossiers/apprenticeship/_funding.html",
        {"funding": Funding.of_estimate(_typed_estimate(request, dossier))},
    )


def _providers():
    return Establishment.objects.active().filter(Q(provider_number__gt="") | Q(nda__gt=""))


def step_training(request, dossier):
    search = ProviderSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        term = search.cleaned_data["q"].strip()
        number = compact(term)
        found = list(
            _providers()
            .filter(Q(siret=number) | Q(nda=number) | Q(name__icontains=term))
            .select_related("company")[:10]
        )
    if request.method == "POST" and "choose_provider" in request.POST:
        provider = _providers().filter(pk=parse_id(request.POST.get("choose_provider"))).first()
        if provider is None:
            messages.error(
                request,
                _("Cet organisme ne figure pas dans le répertoire : saisissez ses coordonnées."),
            )
        else:
            _update(request, dossier, services.provider_values(provider))
            messages.success(
                request,
                _("L'organisme %(name)s est repris du répertoire.")
                % {"name": provider.display_name},
            )
        return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_TRAINING)
    form = STEP_FORMS[rules.STEP_TRAINING](request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        siret = values.get("provider_siret")
        values["provider_establishment"] = (
            _providers().filter(siret=siret).first() if siret else None
        )
        _update(request, dossier, values)
        for warning in getattr(form, "warnings", []):
            messages.warning(request, warning)
        return after_save(request, Dossier.objects.get(pk=dossier.pk), rules.STEP_TRAINING)
    return _render(
        request,
        dossier,
        rules.STEP_TRAINING,
        form,
        search=search,
        found=found,
        funding=Funding.of_estimate(funding.estimate(funding.Inputs.of(dossier))),
    )


def step_signatures(request, dossier):
    """« Signatures »: the last fields, the pieces, and depending on who one is: transmit to
    the OPCO, send the organisation's entry to the company, or send it back."""
    reach = scope(request)["reach"]
    can_transmit = perms.can_transmit(request.user, dossier, reach=reach)
    action = next(
        (a for a in ("transmit", "send_to_employer", "return_to_cfa") if a in request.POST), None
    )
    form = STEP_FORMS[rules.STEP_SIGNATURES](
        request.POST if request.method == "POST" and action is None else None, dossier=dossier
    )
    transmit_form = TransmitForm(request.POST if action == "transmit" else None)
    return_form = ReturnForm(request.POST if action == "return_to_cfa" else None)
    if request.method == "POST" and action is None and form.is_valid():
        _update(request, dossier, form.values())
        if "save_quit" in request.POST:
            return after_save(request, dossier, rules.STEP_SIGNATURES)
        messages.success(request, _("L'étape est enregistrée."))
        return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_SIGNATURES)
    if action == "transmit":
        if not can_transmit:
            raise Forbidden
        if transmit_form.is_valid():
            try:
                sent = dossier_services.dossier_submit(
                    actor=request.user, dossier=dossier, certified=True
                )
            except DossierError as error:
                messages.error(request, str(error))
                return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_SIGNATURES)
            messages.success(
                request,
                _(
                    "Le contrat est transmis à l'OPCO sous le numéro %(number)s. Sans réponse de l'OPCO dans les 20 jours, il est réputé accepté."
                )
                % {"number": sent.number},
            )
            return redirect("www:dossier", pk=dossier.pk)
    if action == "send_to_employer":
        if can_transmit or dossier.state != DossierState.DRAFT:
            raise Forbidden
        services.send_to_employer(actor=request.user, dossier=dossier)
        messages.success(
            request,
            _(
                "Le contrat est envoyé à l'entreprise : ses utilisateurs le vérifient et le transmettent à l'OPCO."
            ),
        )
        return redirect("www:dossier", pk=dossier.pk)
    if action == "return_to_cfa":
        if not can_transmit or dossier.state != DossierState.AWAITING_EMPLOYER:
            raise Forbidden
        if return_form.is_valid():
            services.return_to_provider(
                actor=request.user, dossier=dossier, comment=return_form.cleaned_data["comment"]
            )
            messages.success(
                request, _("Le contrat est renvoyé à l'organisme avec votre commentaire.")
            )
            return redirect("www:dossier", pk=dossier.pk)
    documents = list(dossier.documents.all())
    spec = dossier.spec
    return _render(
        request,
        dossier,
        rules.STEP_SIGNATURES,
        form,
        transmit_form=transmit_form,
        return_form=return_form,
        document_form=document_form(request, dossier),
        documents=documents,
        checklist=spec.piece_checklist(dossier, documents),
        missing=spec.missing_items(dossier, documents=documents),
        warnings=spec.warnings(dossier),
        awaiting=dossier.state == DossierState.AWAITING_EMPLOYER,
    )


def _step(step):
    def view(request, dossier):
        return step_form(request, dossier, step)

    return view


STEP_VIEWS = {
    rules.STEP_EMPLOYER: _step(rules.STEP_EMPLOYER),
    rules.STEP_EMPLOYEE: _step(rules.STEP_EMPLOYEE),
    rules.STEP_TUTOR: _step(rules.STEP_TUTOR),
    rules.STEP_CONTRACT: _step(rules.STEP_CONTRACT),
    rules.STEP_TRAINING: step_training,
    rules.STEP_SIGNATURES: step_signatures,
}


# --- The contract's page -----------------------------------------------------------------------

TABS = [
    ("contrat", gettext_lazy("Contrat")),
    ("financement", gettext_lazy("Prise en charge")),
    ("documents", gettext_lazy("Documents")),
    ("historique", gettext_lazy("Historique")),
]


def _rupture_form(data=None):
    return RuptureForm(data, reasons=PRO_RUPTURE_REASONS)


def detail(request, dossier, kwargs: dict[str, Any], *, refused: dict[str, Any] | None = None):
    """The contract's page; ``refused``: the rupture form sent back with its errors (400)."""
    tab = "contrat" if refused else request.GET.get("onglet", "contrat")
    if tab not in dict(TABS):
        tab = "contrat"
    reach = kwargs["reach"]
    can_enter = perms.can_enter(request.user, dossier, reach=reach)
    rupture = ContractRupture.objects.filter(dossier=dossier).first()
    context: dict[str, Any] = {
        "dossier": dossier,
        "contract": dossier.detail,
        "tabs": TABS,
        "tab": tab,
        "pro_a": rules.is_pro_a(dossier),
        "can_edit": perms.can_edit(request.user, dossier, reach=reach),
        "can_attach": perms.can_attach_documents(request.user, dossier, reach=reach),
        "can_duplicate": can_enter,
        "first_step": dossier.spec.steps_for(dossier)[0][0],
        "can_act": can_enter and dossier.state == DossierState.APPROVED,
        "rupture": rupture,
        "rupture_form": _rupture_form(),
        "refusal": (
            dossier.decisions.filter(kind=DecisionKind.REFUSAL).first()
            if dossier.state == DossierState.REFUSED
            else None
        ),
    }
    if tab == "contrat":
        context["summary"] = layout.contract_summary(dossier)
    elif tab == "financement":
        context["funding"] = funding_of(dossier, rupture=rupture)
    elif tab == "documents":
        context["documents"] = dossier.documents.select_related("uploaded_by")
        context["document_form"] = document_form(request, dossier)
    else:
        context["events"] = dossier.events.select_related("actor")
    context.update(refused or {})
    return render(
        request,
        "www/dossiers/professionalisation/detail.html",
        context,
        status=400 if refused else 200,
    )


def rupture_declare(request, dossier, kwargs):
    """« Déclarer une rupture » of an accepted contract (the OPCO records it)."""
    form = _rupture_form(request.POST)
    if form.is_valid():
        try:
            contract_services.rupture_declare(
                actor=request.user, dossier=dossier, **form.cleaned_data
            )
        except DossierError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            messages.success(request, _("La rupture est déclarée à l'OPCO, qui l'enregistre."))
            return redirect(f"{reverse('www:dossier', args=[dossier.pk])}?onglet=historique")
    return detail(request, dossier, kwargs, refused={"rupture_form": form})


@login_required
@require_GET
def ej20(request, pk):
    """« Générer le CERFA »: the contract laid out like the EJ20, to print and sign."""
    kwargs = scope(request)
    dossier = access.dossier_for(request.user, pk, **kwargs)
    if dossier.kind not in KINDS:
        raise Forbidden
    full_nir = request.user.is_staff or perms.can_enter(
        request.user, dossier, reach=kwargs["reach"]
    )
    response = HttpResponse(
        layout.render_ej20(dossier, full_nir=full_nir), content_type="application/pdf"
    )
    name = dossier.number or f"brouillon-{dossier.pk}"
    response["Content-Disposition"] = f'attachment; filename="cerfa-12434-{name}.pdf"'
    return response


def print_url(dossier: Dossier) -> str:
    return reverse("www:dossier_ej20", args=[dossier.pk])
