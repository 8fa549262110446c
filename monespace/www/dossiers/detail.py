"""The dossier page (seed 003: the organisation, the action, the costs, and the tabs
Stagiaires, Documents, Factures, Historique), its print, duplication, deletion of a draft and
the change request of a transmitted dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.core.pdf import render_pdf
from monespace.dossiers import access, instruction, perms, services
from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import DecisionKind, Dossier

from . import apprenticeship, professionalisation
from .common import dossier_for, scope
from .forms import ChangeRequestForm, DuplicateForm, document_form

TABS = [
    ("stagiaires", gettext_lazy("Stagiaires")),
    ("documents", gettext_lazy("Documents")),
    ("factures", gettext_lazy("Factures")),
    ("historique", gettext_lazy("Historique")),
]


@login_required
@require_GET
def dossier_detail(request, pk):
    kwargs = scope(request)
    dossier = access.dossier_for(request.user, pk, **kwargs)
    if dossier.kind == DossierKind.APPRENTICESHIP:
        return apprenticeship.detail(request, dossier, kwargs)
    if dossier.kind in professionalisation.KINDS:
        return professionalisation.detail(request, dossier, kwargs)
    tab = request.GET.get("onglet", "stagiaires")
    if tab not in dict(TABS):
        tab = "stagiaires"
    # Read once: the modules' list and their costs' line (kinds/training_action.py).
    prefetch_related_objects([dossier], "modules")
    counts = Dossier.objects.filter(pk=dossier.pk).aggregate(
        trainees=Count("trainees", distinct=True), documents=Count("documents", distinct=True)
    )
    can_enter = perms.can_enter(request.user, dossier, reach=kwargs["reach"])
    context = {
        "dossier": dossier,
        "tabs": TABS,
        "tab": tab,
        "counts": counts,
        "can_edit": perms.can_edit(request.user, dossier, reach=kwargs["reach"]),
        "can_attach": perms.can_attach_documents(request.user, dossier, reach=kwargs["reach"]),
        "can_duplicate": can_enter,
        "document_form": document_form(request, dossier),
        "change_form": ChangeRequestForm(),
        "modules": dossier.modules.all(),
    }
    if dossier.state == DossierState.DOCUMENTS_REQUESTED:
        context["documents_request"] = dossier.decisions.filter(
            kind=DecisionKind.DOCUMENTS_REQUEST
        ).first()
    if dossier.state == DossierState.REFUSED:
        # The reason, on the page and not only in the letter (issue 15).
        context["refusal"] = dossier.decisions.filter(kind=DecisionKind.REFUSAL).first()
    if tab == "stagiaires":
        context["trainees"] = dossier.trainees.select_related("employee")
    elif tab == "documents":
        context["documents"] = dossier.documents.select_related("uploaded_by")
    elif tab == "historique":
        context["events"] = dossier.events.select_related("actor")
    elif tab == "factures":
        from monespace.www.invoices import dossier_tab

        context.update(dossier_tab(request.user, dossier))
    return render(request, "www/dossiers/detail.html", context)


@login_required
@require_GET
def dossier_print(request, pk):
    """« Imprimer le dossier »: one PDF (a few tenths of a second, rendered on the spot); a
    contract prints as its CERFA."""
    dossier = dossier_for(request, pk)
    if dossier.kind == DossierKind.APPRENTICESHIP:
        return apprenticeship.cerfa(request, pk)
    if dossier.kind in professionalisation.KINDS:
        return professionalisation.ej20(request, pk)
    prefetch_related_objects([dossier], "modules")
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
    dossier = access.dossier_for_entrant(request.user, pk, **scope(request))
    form = DuplicateForm(request.POST or None, dossier=dossier)
    if request.method == "POST" and form.is_valid():
        copy = services.dossier_duplicate(
            actor=request.user,
            dossier=dossier,
            trainee_ids=[t.pk for t in form.cleaned_data["trainees"]],
        )
        messages.success(request, _("Le dossier est dupliqué : complétez ce nouveau brouillon."))
        return redirect("www:dossier_step", pk=copy.pk, step=copy.spec.steps_for(copy)[0][0])
    return render(request, "www/dossiers/duplicate.html", {"dossier": dossier, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_delete(request, pk):
    dossier = access.dossier_for_entrant(request.user, pk, **scope(request))
    if not dossier.is_draft:
        messages.error(request, _("Seuls les brouillons peuvent être supprimés."))
        return redirect("www:dossier", pk=dossier.pk)
    if request.method == "POST":
        services.dossier_delete_draft(actor=request.user, dossier=dossier)
        messages.success(request, _("Le brouillon est supprimé."))
        return redirect(f"{reverse('www:dossiers')}?group=brouillons")
    return render(request, "www/dossiers/delete.html", {"dossier": dossier})


@login_required
@require_POST
def dossier_change_request(request, pk):
    """Users no longer change a transmitted dossier: they ask their advisor (a message on it)."""
    dossier = access.dossier_for_entrant(request.user, pk, **scope(request))
    if dossier.is_editable:
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
