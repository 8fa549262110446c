"""« Mes dossiers »: training-action funding requests, from draft to transmitted dossier (seed 003).

The four steps (Formation, Modules complémentaires, Salariés, Envoi) can be opened in any order
and each saves on the server; only « Transmettre » requires everything. Reads go through
dossiers.perms.visible_to(user); a dossier outside it is a 404, within it without the right to
act a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.core.identifiers import parse_id
from monespace.core.pagination import CountedPaginator
from monespace.core.pdf import render_pdf
from monespace.dossiers import instruction, perms, services
from monespace.dossiers.enums import STATE_GROUPS, DossierState, StateGroup
from monespace.dossiers.filters import FILTER_KEYS, dossier_filter_q
from monespace.dossiers.models import (
    MAX_TRAINEES,
    Document,
    Dossier,
    Employee,
    RequiredDocument,
)
from monespace.organizations.models import Establishment

from .dossier_forms import (
    SORTS,
    ChangeRequestForm,
    DocumentForm,
    DossierFilterForm,
    DuplicateForm,
    ExistingTraineeForm,
    ModuleForm,
    NewDossierForm,
    NewTraineeForm,
    ProviderSearchForm,
    SubmitForm,
    TrainingStepForm,
)
from .perimeter import dossier_reach, filter_by_perimeter, visible_dossiers

STEPS = [
    ("formation", gettext_lazy("1 - Formation")),
    ("modules", gettext_lazy("2 - Modules complémentaires")),
    ("salaries", gettext_lazy("3 - Salariés")),
    ("envoi", gettext_lazy("4 - Envoi")),
]
STEP_KEYS = [key for key, _label in STEPS]


def _visible(request):
    return visible_dossiers(request)


def _dossier_or_404(request, pk):
    return get_object_or_404(
        _visible(request).select_related(
            "company", "establishment__company", "provider_establishment", "training"
        ),
        pk=pk,
    )


def _editable(request, pk):
    dossier = _dossier_or_404(request, pk)
    if not perms.can_enter_for(request.user, dossier.establishment, reach=dossier_reach(request)):
        raise PermissionDenied
    if not dossier.is_draft:
        messages.error(
            request,
            _("Ce dossier a été transmis : seul votre conseiller de l'OPCO peut le modifier."),
        )
        raise _Redirect(reverse("www:dossier", args=[dossier.pk]))
    return dossier


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _redirecting(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as redirect_to:
            return redirect(redirect_to.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Lists -------------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_list(request):
    """Counts and lists by state group, with filters, search, sort and pagination."""
    visible = _visible(request)
    reach = dossier_reach(request)
    # The choices come from the user's reach, not from the dossiers (which would scan them all).
    establishments = (
        []
        if reach.everything
        else list(
            Establishment.objects.filter(reach.view.q(company="company_id", establishment="pk"))
            .select_related("company")
            .order_by("siret")
        )
    )
    form = DossierFilterForm(request.GET or None, establishments=establishments)
    data = form.cleaned_data if form.is_valid() else {}
    group = data.get("group") or ""
    # Only validated parameters reach the query (what the form refused is shown as an error).
    params = {
        key: request.GET.get(key, "")
        for key in FILTER_KEYS
        if key in data and data[key] not in (None, "")
    }
    params.pop("group", None)
    dossiers = visible.filter(dossier_filter_q(request.user, params, reach=reach))
    counts = dossiers.aggregate(
        all=Count("pk"),
        **{
            g.value.replace("-", "_"): Count("pk", filter=Q(state__in=STATE_GROUPS[g]))
            for g in StateGroup
        },
    )
    if group:
        dossiers = dossiers.filter(state__in=STATE_GROUPS[group])
    order = SORTS.get(data.get("sort") or "recent", SORTS["recent"])[0]
    dossiers = dossiers.select_related("establishment__company").order_by(order, "-id")
    total = counts[group.replace("-", "_")] if group else counts["all"]
    page = CountedPaginator(dossiers, 25, count=total).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("group", None)
    groups = [(g.value, g.label, counts[g.value.replace("-", "_")]) for g in StateGroup]
    return render(
        request,
        "www/dossiers/list.html",
        {
            "form": form,
            "page": page,
            "group": group,
            "groups": groups,
            "count_all": counts["all"],
            "query": query.urlencode(),
            # What one may enter is within what one sees: no query needed.
            "can_create": any(reach.can_enter_for(e) for e in establishments),
        },
    )


# --- Creation and steps ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dossier_new(request):
    """« Nouvelle demande » → « Action de formation »: choose the establishment, start a draft."""
    establishments = perms.establishments_user_can_enter(request.user, reach=dossier_reach(request))
    if not establishments.exists():
        raise PermissionDenied
    form = NewDossierForm(request.POST or None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        dossier = services.dossier_create(
            actor=request.user, establishment=form.cleaned_data["establishment"]
        )
        return redirect("www:dossier_step", pk=dossier.pk, step="formation")
    return render(request, "www/dossiers/new.html", {"form": form})


def _step_context(dossier, step):
    return {"dossier": dossier, "steps": STEPS, "step": step, "max_trainees": MAX_TRAINEES}


def _after_save(request, dossier, step):
    """« Enregistrer et quitter » → Brouillons; « Valider l'étape » → next step."""
    if "save_quit" in request.POST:
        messages.success(
            request, _("Le dossier est enregistré : retrouvez-le dans vos brouillons.")
        )
        return redirect(f"{reverse('www:dossiers')}?group=brouillons")
    index = STEP_KEYS.index(step)
    next_step = STEP_KEYS[min(index + 1, len(STEP_KEYS) - 1)]
    messages.success(request, _("L'étape est enregistrée."))
    return redirect("www:dossier_step", pk=dossier.pk, step=next_step)


@login_required
@require_http_methods(["GET", "POST"])
@_redirecting
def dossier_step(request, pk, step):
    if step not in STEP_KEYS:
        raise Http404
    dossier = _editable(request, pk)
    if request.method == "POST" and "cancel" in request.POST:
        messages.info(request, _("Votre dernière saisie est annulée, le dossier reste en l'état."))
        return redirect("www:dossier_step", pk=dossier.pk, step=step)
    handler = {
        "formation": _step_training,
        "modules": _step_modules,
        "salaries": _step_trainees,
        "envoi": _step_send,
    }
    return handler[step](request, dossier)


def _step_training(request, dossier):
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
        return _after_save(request, dossier, "formation")
    return render(
        request,
        "www/dossiers/step_training.html",
        {
            **_step_context(dossier, "formation"),
            "form": form,
            "search": search,
            "providers": providers,
        },
    )


def _step_modules(request, dossier):
    form = ModuleForm(request.POST or None) if "add_module" in request.POST else ModuleForm()
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
            return _after_save(request, dossier, "modules")
    return render(
        request,
        "www/dossiers/step_modules.html",
        {**_step_context(dossier, "modules"), "form": form, "modules": dossier.modules.all()},
    )


def _int(value):
    return parse_id(value) or 0


def _providers():
    """Establishments the directory knows as training organisations (OPCO number or NDA)."""
    return Establishment.objects.active().filter(Q(provider_number__gt="") | Q(nda__gt=""))


def _step_trainees(request, dossier):
    existing = ExistingTraineeForm(
        request.POST if "add_existing" in request.POST else None, company=dossier.company
    )
    new = NewTraineeForm(request.POST if "add_new" in request.POST else None)
    if request.method == "POST":
        try:
            if "add_existing" in request.POST and existing.is_valid():
                data = existing.cleaned_data
                services.trainee_add(
                    actor=request.user,
                    dossier=dossier,
                    employee=data["employee"],
                    hours_on_work_time=data["hours_on_work_time"],
                    hours_off_work_time=data["hours_off_work_time"],
                )
                messages.success(request, _("Le salarié est inscrit."))
                return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
            if "add_new" in request.POST and new.is_valid():
                services.trainee_register_and_add(
                    actor=request.user, dossier=dossier, **new.cleaned_data
                )
                messages.success(
                    request, _("Le salarié est inscrit et ajouté au registre des salariés.")
                )
                return redirect("www:dossier_step", pk=dossier.pk, step="salaries")
        except services.DossierError as error:
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
            return _after_save(request, dossier, "salaries")
    trainees = dossier.trainees.select_related("employee")
    return render(
        request,
        "www/dossiers/step_trainees.html",
        {
            **_step_context(dossier, "salaries"),
            "existing": existing,
            "new": new,
            "trainees": trainees,
        },
    )


def _step_send(request, dossier):
    trainees = list(dossier.trainees.select_related("employee"))
    documents = list(dossier.documents.all())
    form = SubmitForm(request.POST if "submit" in request.POST else None)
    document_form = DocumentForm()
    if request.method == "POST":
        if "submit" in request.POST and form.is_valid():
            try:
                services.dossier_submit(actor=request.user, dossier=dossier, certified=True)
            except services.DossierError as error:
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
            return _after_save(request, dossier, "envoi")
    missing = services.missing_items(dossier, trainee_count=len(trainees), documents=documents)
    present = {d.piece_type for d in documents}
    checklist = [
        (required.get_piece_type_display(), required.piece_type in present)
        for required in RequiredDocument.objects.filter(kind=dossier.kind)
    ]
    hours = sum((t.hours for t in trainees), 0)
    return render(
        request,
        "www/dossiers/step_send.html",
        {
            **_step_context(dossier, "envoi"),
            "form": form,
            "document_form": document_form,
            "trainees": trainees,
            "documents": documents,
            "missing": missing,
            "checklist": checklist,
            "warnings": services.warnings(dossier, trainee_hours=hours),
            "modules": dossier.modules.all(),
        },
    )


# --- The dossier view --------------------------------------------------------------------------

TABS = [
    ("stagiaires", gettext_lazy("Stagiaires")),
    ("documents", gettext_lazy("Documents")),
    ("factures", gettext_lazy("Factures")),
    ("historique", gettext_lazy("Historique")),
]


@login_required
@require_GET
def dossier_detail(request, pk):
    dossier = _dossier_or_404(request, pk)
    tab = request.GET.get("onglet", "stagiaires")
    if tab not in dict(TABS):
        tab = "stagiaires"
    counts = Dossier.objects.filter(pk=dossier.pk).aggregate(
        trainees=Count("trainees", distinct=True), documents=Count("documents", distinct=True)
    )
    can_enter = perms.can_enter_for(
        request.user, dossier.establishment, reach=dossier_reach(request)
    )
    context = {
        "dossier": dossier,
        "tabs": TABS,
        "tab": tab,
        "counts": counts,
        "can_edit": dossier.is_draft and can_enter,
        "can_attach": can_enter
        or perms.can_attach_documents(request.user, dossier, reach=dossier_reach(request)),
        "can_duplicate": can_enter,
        "document_form": DocumentForm(),
        "change_form": ChangeRequestForm(),
        "modules": dossier.modules.all(),
    }
    if dossier.state == DossierState.DOCUMENTS_REQUESTED:
        context["documents_request"] = dossier.decisions.filter(kind="documents_request").first()
    if tab == "stagiaires":
        context["trainees"] = dossier.trainees.select_related("employee")
    elif tab == "documents":
        context["documents"] = dossier.documents.select_related("uploaded_by")
    elif tab == "historique":
        context["events"] = dossier.events.select_related("actor")
    return render(request, "www/dossiers/detail.html", context)


@login_required
@require_POST
def document_upload(request, pk):
    """« Joindre des fichiers », before or after transmission, by those allowed to."""
    dossier = _dossier_or_404(request, pk)
    if not perms.can_attach_documents(request.user, dossier, reach=dossier_reach(request)):
        raise PermissionDenied
    form = DocumentForm(request.POST, request.FILES)
    back = request.POST.get("back") == "envoi" and dossier.is_draft
    if form.is_valid():
        data = form.cleaned_data
        services.document_add(
            actor=request.user,
            dossier=dossier,
            upload=data["file"],
            content_type=form.content_type,
            piece_type=data["piece_type"],
            title=data["title"],
            comment=data["comment"],
        )
        messages.success(request, _("Le document est joint au dossier."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if back:
        return redirect("www:dossier_step", pk=dossier.pk, step="envoi")
    return redirect(f"{reverse('www:dossier', args=[dossier.pk])}?onglet=documents")


@login_required
@require_GET
def document_download(request, pk, document_pk):
    dossier = _dossier_or_404(request, pk)
    document = get_object_or_404(Document.objects.filter(dossier=dossier), pk=document_pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dossier_print(request, pk):
    """« Imprimer le dossier »: one PDF (a few tenths of a second, rendered on the spot)."""
    dossier = _dossier_or_404(request, pk)
    pdf = render_pdf(
        "www/dossiers/print.html",
        {
            "dossier": dossier,
            "modules": dossier.modules.all(),
            "trainees": dossier.trainees.select_related("employee"),
            "documents": dossier.documents.all(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = dossier.number or f"brouillon-{dossier.pk}"
    response["Content-Disposition"] = f'attachment; filename="dossier-{name}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def dossier_duplicate(request, pk):
    dossier = _dossier_or_404(request, pk)
    if not perms.can_enter_for(request.user, dossier.establishment, reach=dossier_reach(request)):
        raise PermissionDenied
    form = DuplicateForm(request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        copy = services.dossier_duplicate(
            actor=request.user,
            dossier=dossier,
            trainee_ids=[t.pk for t in form.cleaned_data["trainees"]],
        )
        messages.success(request, _("Le dossier est dupliqué : complétez ce nouveau brouillon."))
        return redirect("www:dossier_step", pk=copy.pk, step="formation")
    return render(request, "www/dossiers/duplicate.html", {"dossier": dossier, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_delete(request, pk):
    dossier = _dossier_or_404(request, pk)
    if not perms.can_enter_for(request.user, dossier.establishment, reach=dossier_reach(request)):
        raise PermissionDenied
    if not dossier.is_draft:
        messages.error(request, _("Seuls les brouillons peuvent être supprimés."))
        return redirect("www:dossier", pk=dossier.pk)
    if request.method == "POST":
        services.dossier_delete_draft(actor=request.user, dossier=dossier)
        messages.success(request, _("Le brouillon est supprimé."))
        return redirect(f"{reverse('www:dossiers')}?group=brouillons")
    return render(request, "www/dossiers/delete.html", {"dossier": dossier})


# --- Employee register -------------------------------------------------------------------------


@login_required
@require_GET
def employee_list(request):
    """« Salariés »: the register of the companies the user enters requests for."""
    companies = perms.establishments_user_can_enter(
        request.user, reach=dossier_reach(request)
    ).values("company_id")
    if not companies.exists():
        raise PermissionDenied
    employees = filter_by_perimeter(
        request, Employee.objects.filter(company_id__in=companies)
    ).select_related("company")
    employees = employees.annotate(dossier_count=Count("trainings")).order_by(
        "last_name", "first_name"
    )
    page = Paginator(employees, 50).get_page(request.GET.get("page"))
    return render(request, "www/dossiers/employees.html", {"page": page})


@login_required
@require_POST
def dossier_change_request(request, pk):
    """Users no longer change a transmitted dossier: they ask their advisor (a message on it)."""
    dossier = _dossier_or_404(request, pk)
    if (
        not perms.can_enter_for(request.user, dossier.establishment, reach=dossier_reach(request))
        or dossier.is_draft
    ):
        raise PermissionDenied
    form = ChangeRequestForm(request.POST)
    if form.is_valid():
        instruction.dossier_request_change(
            actor=request.user, dossier=dossier, message=form.cleaned_data["message"]
        )
        messages.success(
            request, _("Votre demande de modification est transmise à votre conseiller.")
        )
    else:
        messages.error(request, _("Décrivez la modification souhaitée."))
    return redirect(f"{reverse('www:dossier', args=[dossier.pk])}?onglet=historique")
