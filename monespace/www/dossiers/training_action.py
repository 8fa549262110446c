"""The entry steps of a training action (seed 003): « 1 - Formation », « 2 - Modules
complémentaires », « 3 - Salariés », « 4 - Envoi »."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from monespace.core.errors import Forbidden
from monespace.core.forms import FrenchDecimalField
from monespace.core.identifiers import parse_id
from monespace.dossiers import access, services
from monespace.dossiers.enums import DossierKind
from monespace.dossiers.errors import DossierError, NotADraft, TooManyTrainees
from monespace.dossiers.funding import training_action as funding
from monespace.dossiers.funding.services import Funding
from monespace.dossiers.models import COST_FIELDS, MAX_TRAINEES
from monespace.dossiers.services import person_key
from monespace.organizations.models import Establishment

from .common import after_save, scope, step_context
from .forms import (
    ExistingTraineeForm,
    ModuleForm,
    NewTraineeForm,
    ProviderSearchForm,
    SubmitForm,
    TrainingStepForm,
    document_form,
)
from .trainee_import import (
    COLUMNS,
    ListError,
    Preview,
    TraineeImportForm,
    as_text,
    check_rows,
    room_message,
    sign_rows,
    template_csv,
    unsign_rows,
)


def step_training(request, dossier):
    form = TrainingStepForm(request.POST or None, dossier=dossier)
    search = ProviderSearchForm(request.GET or None)
    providers = []
    if search.is_valid() and search.cleaned_data["q"]:
        term = search.cleaned_data["q"].strip()
        digits = term.replace(" ", "")
        providers = (
            _providers()
            .filter(Q(siret=digits) | Q(name__icontains=term) | Q(company__name__icontains=term))
            .select_related("company")[:10]
        )
    if request.method == "POST" and "choose_provider" in request.POST:
        provider = get_object_or_404(_providers(), pk=_int(request.POST.get("choose_provider")))
        services.dossier_update(
            actor=request.user,
            dossier=dossier,
            values={
                "internal_training": False,
                "provider_establishment": provider,
                "provider_name": provider.display_name,
                "provider_type": "cfa" if provider.uai else "training_organisation",
                "provider_address": provider.address,
                "provider_postal_code": provider.postal_code,
                "provider_city": provider.city,
                "provider_siret": provider.siret,
                "provider_nda": provider.nda,
            },
        )
        messages.success(
            request,
            _("L'organisme %(name)s est repris du répertoire.") % {"name": provider.display_name},
        )
        return redirect("www:dossier_step", pk=dossier.pk, step="formation")
    if request.method == "POST" and form.is_valid():
        values = form.values()
        # A provider known to the directory is linked, so that it sees the dossier once sent.
        siret = values["provider_siret"]
        values["provider_establishment"] = (
            _providers().filter(siret=siret).first() if siret else None
        )
        services.dossier_update(actor=request.user, dossier=dossier, values=values)
        return after_save(request, dossier, "formation")
    return render(
        request,
        "www/dossiers/step_training.html",
        {
            **step_context(dossier, "formation"),
            "form": form,
            "search": search,
            "providers": providers,
            "funding": Funding.of_estimate(funding.estimate(funding.Inputs.of(dossier))),
        },
    )


ESTIMATE_INPUTS = ("duration_hours", *(code for code, _label in COST_FIELDS))


@login_required
@require_GET
def funding_estimate(request, pk):
    """The estimated funding as the hours and costs are typed (an HTMX fragment of « 1 -
    Formation »); what cannot be read is left as saved."""
    try:
        dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    except NotADraft as error:
        return HttpResponse(f'<p class="help">{escape(error)}</p>')
    if dossier.kind != DossierKind.TRAINING_ACTION:
        raise Forbidden
    inputs = funding.Inputs.of(dossier)
    for name in ESTIMATE_INPUTS:
        if name not in request.GET:
            continue
        try:
            value = FrenchDecimalField(
                required=False, min_value=0, max_digits=12, decimal_places=2
            ).clean(request.GET[name])
        except ValidationError:
            continue
        if name == "duration_hours":
            inputs.hours = value
        else:
            inputs.costs[name] = value
    return render(
        request,
        "www/dossiers/_training_estimate.html",
        {"funding": Funding.of_estimate(funding.estimate(inputs))},
    )


def step_modules(request, dossier):
    form = (
        ModuleForm(request.POST or None, dossier=dossier)
        if "add_module" in request.POST
        else ModuleForm(dossier=dossier)
    )
    if request.method == "POST":
        if "add_module" in request.POST and form.is_valid():
            services.module_add(actor=request.user, dossier=dossier, **form.cleaned_data)
            messages.success(request, _("Le module est ajouté."))
            return redirect("www:dossier_step", pk=dossier.pk, step="modules")
        if "delete_module" in request.POST:
            module = get_object_or_404(dossier.modules, pk=_int(request.POST.get("delete_module")))
            services.module_delete(actor=request.user, module=module)
            messages.success(request, _("Le module est supprimé."))
            return redirect("www:dossier_step", pk=dossier.pk, step="modules")
        if "save_quit" in request.POST or "validate" in request.POST:
            return after_save(request, dossier, "modules")
    return render(
        request,
        "www/dossiers/step_modules.html",
        {**step_context(dossier, "modules"), "form": form, "modules": dossier.modules.all()},
    )


def _int(value):
    return parse_id(value) or 0


def _providers():
    """Establishments the directory knows as training organisations (OPCO number or NDA)."""
    return Establishment.objects.active().filter(Q(provider_number__gt="") | Q(nda__gt=""))


def step_trainees(request, dossier):
    limit = dossier.spec.hours_limit(dossier)
    existing = ExistingTraineeForm(
        request.POST if "add_existing" in request.POST else None,
        company=dossier.company,
        dossier=dossier,
        max_hours=limit,
    )
    new = NewTraineeForm(request.POST if "add_new" in request.POST else None, max_hours=limit)
    offer_duplicate = False
    if request.method == "POST":
        try:
            if "add_existing" in request.POST and existing.is_valid():
                data = existing.cleaned_data
                added = services.trainees_add(
                    actor=request.user,
                    dossier=dossier,
                    employees=list(data["employees"]),
                    hours_on_work_time=data["hours_on_work_time"],
                    hours_off_work_time=data["hours_off_work_time"],
                )
                messages.success(
                    request,
                    ngettext(
                        "%(n)d salarié est inscrit.", "%(n)d salariés sont inscrits.", len(added)
                    )
                    % {"n": len(added)},
                )
                return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
            if "add_new" in request.POST and new.is_valid():
                services.trainee_register_and_add(
                    actor=request.user, dossier=dossier, **new.cleaned_data
                )
                messages.success(
                    request, _("Le salarié est inscrit et ajouté au registre des salariés.")
                )
                return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
        except TooManyTrainees:
            # How many still fit, and the duplication offered next to the refusal (seed 002).
            adding = "add_existing" in request.POST
            target = existing if adding else new
            asked = len(existing.cleaned_data["employees"]) if adding else 1
            target.add_error(None, room_message(dossier.trainees.count(), asked))
            offer_duplicate = True
        except DossierError as error:
            target = existing if "add_existing" in request.POST else new
            target.add_error(None, str(error))
        if "remove_trainee" in request.POST:
            trainee = get_object_or_404(
                dossier.trainees, pk=_int(request.POST.get("remove_trainee"))
            )
            services.trainee_remove(actor=request.user, trainee=trainee)
            messages.success(request, _("Le salarié est retiré du dossier."))
            return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
        if "save_quit" in request.POST or "validate" in request.POST:
            return after_save(request, dossier, "salaries")
    trainees = list(dossier.trainees.select_related("employee"))
    return render(
        request,
        "www/dossiers/step_trainees.html",
        {
            **step_context(dossier, "salaries"),
            "existing": existing,
            "new": new,
            "trainees": trainees,
            # At 30 the three ways to add disappear: duplicating is offered instead.
            "full": len(trainees) >= MAX_TRAINEES,
            "offer_duplicate": offer_duplicate,
            "import_form": TraineeImportForm(),
            "import_columns": COLUMNS,
        },
    )


def _trainees_dossier(request, pk):
    """The training action whose trainees the user enters (the step's rights: 404 out of
    reach, 403 without the right to enter; ``NotADraft`` once transmitted)."""
    dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    if dossier.kind != DossierKind.TRAINING_ACTION:
        raise Forbidden
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def trainees_import(request, pk):
    """« Importer une liste » (issue 15, trainee_import.py): the list read and each row
    checked as the single trainee's form checks it, a preview with the errors of each row;
    nothing is saved until « Ajouter les N salariés », which checks the rows again. Rows in
    error are left out (the button says how many are added); beyond 30 nothing is added and
    duplicating the dossier is offered."""
    try:
        dossier = _trainees_dossier(request, pk)
    except NotADraft as error:
        messages.error(request, str(error))
        return redirect("www:dossier", pk=pk)
    trainees = list(dossier.trainees.select_related("employee"))
    on_dossier = {
        person_key(t.employee.last_name, t.employee.first_name, t.employee.birth_date)
        for t in trainees
    }
    max_hours = dossier.spec.hours_limit(dossier)
    context = {
        **step_context(dossier, "salaries"),
        "trainee_count": len(trainees),
        "full": len(trainees) >= MAX_TRAINEES,
        "import_columns": COLUMNS,
    }
    if request.method == "POST" and "confirm" in request.POST:
        try:
            rows = unsign_rows(request.POST.get("payload", ""), dossier=dossier, user=request.user)
        except ListError as error:
            messages.error(request, str(error))
            return redirect("www:trainees_import", pk=dossier.pk)
        preview = Preview(
            check_rows(rows, max_hours=max_hours, on_dossier=on_dossier), len(trainees)
        )
        if preview.with_errors or preview.too_many:
            # Something changed since the preview (hours, trainees added): shown again.
            return _import_preview(request, dossier, preview, {**context, "changed": True})
        added = []
        if preview.ready:
            try:
                added = services.trainees_import(
                    actor=request.user, dossier=dossier, people=[r.cleaned for r in preview.ready]
                )
            except TooManyTrainees:
                messages.error(request, room_message(dossier.trainees.count(), len(preview.ready)))
                return redirect("www:trainees_import", pk=dossier.pk)
            except DossierError as error:
                messages.error(request, str(error))
                return redirect("www:dossier", pk=dossier.pk)
        if added:
            messages.success(
                request,
                ngettext("%(n)d salarié est inscrit.", "%(n)d salariés sont inscrits.", len(added))
                % {"n": len(added)},
            )
        else:
            # A second click on « Ajouter »: the first one added them.
            messages.info(request, _("Ces salariés sont déjà inscrits : rien n'est ajouté."))
        return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
    posted = request.method == "POST"
    form = TraineeImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        preview = Preview(
            check_rows(form.rows, max_hours=max_hours, on_dossier=on_dossier), len(trainees)
        )
        return _import_preview(request, dossier, preview, context)
    return render(request, "www/dossiers/trainees_import.html", {**context, "form": form})


def _import_preview(request, dossier, preview, context):
    """The preview, the rows ready signed for the confirmation, and the list in the text box
    to correct it."""
    return render(
        request,
        "www/dossiers/trainees_import.html",
        {
            **context,
            "preview": preview,
            "payload": (
                sign_rows(preview.ready, dossier=dossier, user=request.user)
                if preview.can_confirm
                else ""
            ),
            "form": TraineeImportForm(initial={"text": as_text(preview.rows)}),
        },
    )


@login_required
@require_GET
def trainees_import_template(request, pk):
    """The list's template: its column row, in UTF-8 with a BOM so that Excel shows the
    accents."""
    try:
        _trainees_dossier(request, pk)
    except NotADraft as error:
        messages.error(request, str(error))
        return redirect("www:dossier", pk=pk)
    response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-liste-salaries.csv"'
    return response


def step_send(request, dossier):
    trainees = list(dossier.trainees.select_related("employee"))
    documents = list(dossier.documents.all())
    form = SubmitForm(request.POST if "submit" in request.POST else None)
    upload_form = document_form(request, dossier)
    if request.method == "POST":
        if "submit" in request.POST and form.is_valid():
            try:
                services.dossier_submit(actor=request.user, dossier=dossier, certified=True)
            except DossierError as error:
                messages.error(request, str(error))
                return redirect("www:dossier_step", pk=dossier.pk, step="envoi")
            dossier.refresh_from_db()
            messages.success(
                request,
                _(
                    "Votre dossier est transmis sous le numéro %(number)s. Il n'est plus modifiable que par l'OPCO."
                )
                % {"number": dossier.number},
            )
            return redirect("www:dossier", pk=dossier.pk)
        if "save_quit" in request.POST:
            return after_save(request, dossier, "envoi")
    missing = services.missing_items(dossier, trainee_count=len(trainees), documents=documents)
    checklist = dossier.spec.piece_checklist(dossier, documents)
    hours = sum((t.hours for t in trainees), 0)
    return render(
        request,
        "www/dossiers/step_send.html",
        {
            **step_context(dossier, "envoi"),
            "form": form,
            "document_form": upload_form,
            "trainees": trainees,
            "documents": documents,
            "missing": missing,
            "checklist": checklist,
            "warnings": services.warnings(dossier, trainee_hours=hours),
            "modules": dossier.modules.all(),
        },
    )


STEP_VIEWS = {
    "formation": step_training,
    "modules": step_modules,
    "salaries": step_trainees,
    "envoi": step_send,
}
