"""The apprenticeship contract in the front office (seeds 002 and 004): its entry in the order
of the CERFA, the pay lines computed while typing, the CFA chosen from the directory, the
pre-entry sent to the company and sent back, the transmission, and after the OPCO's decision
the rupture and the avenant."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
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
from django.views.decorators.http import require_GET, require_POST

from monespace.core.errors import Forbidden
from monespace.core.forms import FrenchDecimalField, check_date
from monespace.core.identifiers import compact, parse_id
from monespace.dossiers import access, perms
from monespace.dossiers.apprenticeship import rules, services
from monespace.dossiers.apprenticeship.pay import minimum_pay
from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.errors import DossierError, NotADraft
from monespace.dossiers.funding import apprenticeship as funding
from monespace.dossiers.funding.services import Funding, funding_of
from monespace.dossiers.models import ContractRupture, DecisionKind, Dossier
from monespace.organizations.models import Establishment

from .apprenticeship_forms import (
    SECTIONS,
    STEP_FORMS,
    AmendmentForm,
    CfaSearchForm,
    ReturnForm,
    RuptureForm,
    TransmitForm,
    contract_summary,
)
from .common import after_save, scope, step_context
from .forms import document_form

# --- Entry steps -------------------------------------------------------------------------------


def _context(request, dossier, step, form, **extra):
    """The step's page: its form in the CERFA's fieldsets, what still breaks a rule here."""
    reach = scope(request)["reach"]
    spec = dossier.spec
    findings = [f for f in spec.findings(dossier) if f.step == step]
    return {
        **step_context(dossier, step),
        "form": form,
        "sections": [
            (legend, [form[name] for name in names if name in form.fields])
            for legend, names in SECTIONS[step]
        ],
        "to_fix": [f for f in findings if f.blocking and not form.is_bound],
        "notes": [f.message for f in findings if not f.blocking],
        "step_label": dict(spec.steps_for(dossier)).get(step, ""),
        "can_transmit": perms.can_transmit(request.user, dossier, reach=reach),
        **extra,
    }


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related("apprenticeship", "establishment").get(pk=dossier.pk)


def _saved(request, dossier, step, form):
    """After a step is saved: its warnings, then « Valider l'étape » or « Enregistrer et
    quitter »."""
    for warning in getattr(form, "warnings", []):
        messages.warning(request, warning)
    return after_save(request, _fresh(dossier), step)


def step_form(request, dossier, step):
    """Every step but « Contrat », « Formation » and « Signatures », which add to it."""
    form = STEP_FORMS[step](request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_update(actor=request.user, dossier=dossier, values=form.values())
        except DossierError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, dossier, step, form)
    return render(
        request, "www/dossiers/apprenticeship/step.html", _context(request, dossier, step, form)
    )


def _posted_date(request, name: str, fallback: date | None) -> date | None:
    value = request.POST.get(name) if request.method == "POST" else request.GET.get(name)
    if value is None:
        return fallback
    try:
        day = forms.DateField().clean(value) or None
        if day is not None:
            check_date(day)  # 9999-12-31 is a typo, and would overflow the years after it
        return day
    except ValidationError:
        return fallback


def _posted_amount(request, name: str, fallback: Decimal | None) -> Decimal | None:
    data = request.POST if request.method == "POST" else request.GET
    if name not in data:
        return fallback
    try:
        return FrenchDecimalField(required=False).clean(data.get(name))
    except ValidationError:
        return fallback


def _periods(request, dossier):
    """The pay lines for the dates and SMC being typed (or saved)."""
    contract = dossier.detail
    return minimum_pay(
        birth=contract.apprentice_birth_date,
        start=_posted_date(request, "start_date", dossier.start_date),
        end=_posted_date(request, "end_date", dossier.end_date),
        smc=_posted_amount(request, "smc", contract.smc),
    )


def _pay_rows(form, periods):
    rows = []
    for period in periods:
        field = form[form.rate_name(period)]
        rate = field.value()
        try:
            typed = (
                FrenchDecimalField(required=False).clean(rate) if rate not in (None, "") else None
            )
        except ValidationError:
            typed = None
        rows.append((period, field, period.amount(max(typed or period.minimum_rate, Decimal(0)))))
    return rows


def step_contract(request, dossier):
    periods = _periods(request, dossier)
    form = STEP_FORMS[rules.STEP_CONTRACT](request.POST or None, dossier=dossier, periods=periods)
    if request.method == "POST" and form.is_valid():
        services.contract_update(
            actor=request.user, dossier=dossier, values=form.values(), rates=form.rates()
        )
        return _saved(request, dossier, rules.STEP_CONTRACT, form)
    return render(
        request,
        "www/dossiers/apprenticeship/step.html",
        _context(
            request,
            dossier,
            rules.STEP_CONTRACT,
            form,
            pay_rows=_pay_rows(form, periods),
            pay_known=bool(dossier.detail.apprentice_birth_date),
        ),
    )


@login_required
@require_GET
def pay_lines(request, pk):
    """The pay lines as the dates and the SMC are typed (an HTMX fragment of « Contrat »)."""
    try:
        dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    except NotADraft as error:  # transmitted (or sent for validation) meanwhile
        return HttpResponse(f'<p class="help">{escape(error)}</p>')
    if dossier.kind != DossierKind.APPRENTICESHIP:
        raise Forbidden
    periods = _periods(request, dossier)
    form = STEP_FORMS[rules.STEP_CONTRACT](dossier=dossier, periods=periods)
    return render(
        request,
        "www/dossiers/apprenticeship/_pay_lines.html",
        {
            "pay_rows": _pay_rows(form, periods),
            "pay_known": bool(dossier.detail.apprentice_birth_date),
        },
    )


# Typed on « Formation » and read by the estimate (the rest comes from what is saved).
ESTIMATE_INPUTS = {
    "rncp": "rncp",
    "diploma_type": "diploma_type",
    "training_hours": "training_hours",
    "distance_hours": "distance_hours",
    "rqth_majoration": "rqth_majoration",
    "meals": "meals",
    "nights": "nights",
    "first_equipment": "first_equipment",
}


def _typed_estimate(request, dossier) -> funding.Estimate:
    """The prise en charge for what is being typed on « Formation » (what cannot be read is
    left as saved)."""
    inputs = funding.Inputs.of(dossier)
    form = STEP_FORMS[rules.STEP_TRAINING](request.GET, dossier=dossier)
    for name in ESTIMATE_INPUTS:
        if name not in request.GET or name not in form.fields:
            continue
        try:
            value = form.fields[name].clean(request.GET.get(name))
        except ValidationError:
            continue
        setattr(inputs, name, value)
    return funding.estimate(inputs)


@login_required
@require_GET
def funding_estimate(request, pk):
    """The estimated prise en charge as « Formation » is typed (an HTMX fragment)."""
    try:
        dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    except NotADraft as error:
        return HttpResponse(f'<p class="help">{escape(error)}</p>')
    if dossier.kind != DossierKind.APPRENTICESHIP:
        raise Forbidden
    return render(
        request,
        "www/dossiers/apprenticeship/_funding.html",
        {"funding": Funding.of_estimate(_typed_estimate(request, dossier))},
    )


def _cfas():
    """Establishments the directory knows as CFAs (a UAI) or training organisations."""
    return Establishment.objects.active().filter(Q(uai__gt="") | Q(provider_number__gt=""))


def step_training(request, dossier):
    search = CfaSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        term = search.cleaned_data["q"].strip()
        number = compact(term)
        found = list(
            _cfas()
            .filter(Q(siret=number) | Q(uai=number) | Q(name__icontains=term))
            .select_related("company")[:10]
        )
    if request.method == "POST" and "choose_cfa" in request.POST:
        cfa = _cfas().filter(pk=parse_id(request.POST.get("choose_cfa"))).first()
        if cfa is None:
            messages.error(
                request, _("Ce CFA ne figure pas dans le répertoire : saisissez ses coordonnées.")
            )
        else:
            services.contract_update(
                actor=request.user, dossier=dossier, values=services.cfa_values(cfa)
            )
            messages.success(
                request,
                _("Le CFA %(name)s est repris du répertoire.") % {"name": cfa.display_name},
            )
        return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_TRAINING)
    form = STEP_FORMS[rules.STEP_TRAINING](request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        siret = values.get("provider_siret")
        # A CFA known to the directory is linked: it sees the contract once transmitted.
        values["provider_establishment"] = _cfas().filter(siret=siret).first() if siret else None
        services.contract_update(actor=request.user, dossier=dossier, values=values)
        return _saved(request, dossier, rules.STEP_TRAINING, form)
    return render(
        request,
        "www/dossiers/apprenticeship/step.html",
        _context(
            request,
            dossier,
            rules.STEP_TRAINING,
            form,
            search=search,
            found=found,
            funding=Funding.of_estimate(funding.estimate(funding.Inputs.of(dossier))),
        ),
    )


def step_signatures(request, dossier):
    """« Signatures »: the last fields, the pieces, and depending on who one is: transmit to
    the OPCO, send the pre-entry to the company, or send it back to the CFA."""
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
        services.contract_update(actor=request.user, dossier=dossier, values=form.values())
        if "save_quit" in request.POST:
            return after_save(request, dossier, rules.STEP_SIGNATURES)
        messages.success(request, _("L'étape est enregistrée."))
        return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_SIGNATURES)
    if action == "transmit":
        if not can_transmit:
            raise Forbidden
        if transmit_form.is_valid():
            try:
                sent = services.contract_transmit(
                    actor=request.user, dossier=dossier, certified=True
                )
            except DossierError as error:
                messages.error(request, str(error))
                return redirect("www:dossier_step", pk=dossier.pk, step=rules.STEP_SIGNATURES)
            messages.success(
                request,
                _(
                    "Le contrat est transmis à l'OPCO sous le numéro %(number)s. Il n'est plus modifiable que par l'OPCO."
                )
                % {"number": sent.number},
            )
            return redirect("www:dossier", pk=dossier.pk)
    if action == "send_to_employer":
        if can_transmit or dossier.state != DossierState.DRAFT:
            raise Forbidden
        services.contract_send_to_employer(actor=request.user, dossier=dossier)
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
            services.contract_return_to_cfa(
                actor=request.user, dossier=dossier, comment=return_form.cleaned_data["comment"]
            )
            messages.success(request, _("Le contrat est renvoyé au CFA avec votre commentaire."))
            return redirect("www:dossier", pk=dossier.pk)
    documents = list(dossier.documents.all())
    spec = dossier.spec
    return render(
        request,
        "www/dossiers/apprenticeship/step.html",
        _context(
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
        ),
    )


def _step(step):
    def view(request, dossier):
        return step_form(request, dossier, step)

    return view


STEP_VIEWS = {
    rules.STEP_EMPLOYER: _step(rules.STEP_EMPLOYER),
    rules.STEP_APPRENTICE: _step(rules.STEP_APPRENTICE),
    rules.STEP_GUARDIAN: _step(rules.STEP_GUARDIAN),
    rules.STEP_MASTERS: _step(rules.STEP_MASTERS),
    rules.STEP_CONTRACT: step_contract,
    rules.STEP_TRAINING: step_training,
    rules.STEP_SIGNATURES: step_signatures,
}


# --- The contract's page -----------------------------------------------------------------------

TABS = [
    ("contrat", gettext_lazy("Contrat")),
    ("financement", gettext_lazy("Prise en charge")),
    ("documents", gettext_lazy("Documents")),
    ("factures", gettext_lazy("Factures")),
    ("historique", gettext_lazy("Historique")),
]


def detail(request, dossier, kwargs: dict[str, Any], *, refused: dict[str, Any] | None = None):
    """The contract's page: its sections, pay lines, pieces, history and versions; the rupture
    and the avenant once the OPCO has accepted it. ``refused``: a form of the page sent back
    as typed, with its errors (status 400, on the « Contrat » tab)."""
    tab = "contrat" if refused else request.GET.get("onglet", "contrat")
    if tab not in dict(TABS):
        tab = "contrat"
    reach = kwargs["reach"]
    contract = dossier.detail
    can_enter = perms.can_enter(request.user, dossier, reach=reach)
    context = {
        "dossier": dossier,
        "contract": contract,
        "tabs": TABS,
        "tab": tab,
        "can_edit": perms.can_edit(request.user, dossier, reach=reach),
        "can_attach": perms.can_attach_documents(request.user, dossier, reach=reach),
        "can_duplicate": can_enter,
        "can_act": can_enter and dossier.state == DossierState.APPROVED,
        "rupture": ContractRupture.objects.filter(dossier=dossier).first(),
        "rupture_form": RuptureForm(),
        "amendment_form": AmendmentForm(cerfa=contract.cerfa_version),
        "first_step": dossier.spec.steps_for(dossier)[0][0],
        "refusal": (
            dossier.decisions.filter(kind=DecisionKind.REFUSAL).first()
            if dossier.state == DossierState.REFUSED
            else None
        ),
        **(refused or {}),
    }
    if tab == "contrat":
        context["summary"] = contract_summary(dossier)
        context["pay_lines"] = list(contract.pay_lines.all())
        context["changes"] = services.amendment_changes(dossier)
    elif tab == "financement":
        context["funding"] = funding_of(dossier, rupture=context["rupture"])
    elif tab == "documents":
        context["documents"] = dossier.documents.select_related("uploaded_by")
        context["document_form"] = document_form(request, dossier)
    elif tab == "factures":
        from monespace.www.invoices import dossier_tab

        context.update(dossier_tab(request.user, dossier))
    else:
        context["events"] = dossier.events.select_related("actor")
        context["versions"] = _versions(request, dossier, kwargs)
    return render(
        request,
        "www/dossiers/apprenticeship/detail.html",
        context,
        status=400 if refused else 200,
    )


def _versions(request, dossier, kwargs):
    """The contract and its avenants the user sees, first to last."""
    contract = dossier.detail
    first_id = contract.amends_id or dossier.pk
    return list(
        access.visible_dossiers(request.user, **kwargs)
        .filter(Q(pk=first_id) | Q(apprenticeship__amends_id=first_id))
        .select_related("apprenticeship")
        .order_by("created_at", "pk")
    )


def _approved_contract(request, pk):
    kwargs = scope(request)
    dossier = access.dossier_for_entrant(request.user, pk, **kwargs)
    if dossier.kind != DossierKind.APPRENTICESHIP:
        raise Forbidden
    return dossier, kwargs


@login_required
@require_POST
def rupture_declare(request, pk):
    """The company or its CFA declares the early end of an accepted contract."""
    from . import professionalisation

    kwargs = scope(request)
    found = access.dossier_for_entrant(request.user, pk, **kwargs)
    if found.kind in professionalisation.KINDS:
        return professionalisation.rupture_declare(request, found, kwargs)
    if found.kind != DossierKind.APPRENTICESHIP:
        raise Forbidden
    dossier = found
    form = RuptureForm(request.POST)
    if form.is_valid():
        try:
            services.rupture_declare(actor=request.user, dossier=dossier, **form.cleaned_data)
        except DossierError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, str(error))
        else:
            messages.success(request, _("La rupture est déclarée à l'OPCO, qui l'enregistre."))
            return redirect(f"{reverse('www:dossier', args=[dossier.pk])}?onglet=historique")
    return detail(request, dossier, kwargs, refused={"rupture_form": form})


@login_required
@require_POST
def amendment_create(request, pk):
    """« Créer un avenant »: a new version of the accepted contract, entered like it."""
    dossier, kwargs = _approved_contract(request, pk)
    form = AmendmentForm(request.POST, cerfa=dossier.detail.cerfa_version)
    if form.is_valid():
        try:
            amendment = services.amendment_create(
                actor=request.user,
                dossier=dossier,
                contract_type=form.cleaned_data["contract_type"],
            )
        except DossierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "L'avenant est créé : indiquez sa date d'effet et ce qui change, puis transmettez-le."
                ),
            )
            return redirect("www:dossier_step", pk=amendment.pk, step=rules.STEP_CONTRACT)
    return detail(request, dossier, kwargs, refused={"amendment_form": form})


@login_required
@require_GET
def cerfa(request, pk):
    """« Générer le CERFA »: the contract laid out like the form, to print and sign."""
    from monespace.dossiers.apprenticeship.cerfa import render_cerfa

    kwargs = scope(request)
    dossier = access.dossier_for(request.user, pk, **kwargs)
    if dossier.kind != DossierKind.APPRENTICESHIP:
        raise Forbidden
    # The NIR in full on the form to sign, for those who enter it and the OPCO; masked for
    # those who only read (a view-only user, the CFA under its provider profile).
    full_nir = request.user.is_staff or perms.can_enter(
        request.user, dossier, reach=kwargs["reach"]
    )
    response = HttpResponse(
        render_cerfa(dossier, full_nir=full_nir), content_type="application/pdf"
    )
    name = dossier.number or f"brouillon-{dossier.pk}"
    response["Content-Disposition"] = f'attachment; filename="cerfa-10103-{name}.pdf"'
    return response
