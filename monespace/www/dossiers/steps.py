"""Creation of a request and its entry steps. Each dispositif's steps are handled by its own
module here (``training_action``); entry is non-linear: every step saves, only the last one
transmits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from monespace.core import submissions
from monespace.dossiers import access, perms, services
from monespace.dossiers.enums import DossierKind
from monespace.dossiers.errors import NotADraft
from monespace.dossiers.kinds import get_kind, kind_for_slug

from ..perimeter import dossier_reach
from . import apprenticeship, professionalisation, training_action
from .common import scope
from .forms import NewDossierForm

# The step handlers of each dispositif: {kind: {step key: handler(request, dossier)}}.
STEP_VIEWS = {
    DossierKind.TRAINING_ACTION: training_action.STEP_VIEWS,
    DossierKind.APPRENTICESHIP: apprenticeship.STEP_VIEWS,
    DossierKind.PROFESSIONALISATION: professionalisation.STEP_VIEWS,
    DossierKind.PRO_A: professionalisation.STEP_VIEWS,
}


@login_required
@require_http_methods(["GET", "POST"])
def dossier_new(request, dispositif=None):
    """« Nouvelle demande » → a dispositif (the training action when none is named, or the only
    one the user enters): choose the establishment, start a draft."""
    reach = dossier_reach(request)
    if dispositif is None:
        kinds = perms.kinds_user_can_enter(request.user, reach=reach)
        kind = next((k for k in kinds if k.value == DossierKind.TRAINING_ACTION), None)
        kind = kind or (kinds[0] if kinds else get_kind(DossierKind.TRAINING_ACTION))
    else:
        kind = kind_for_slug(dispositif)
        if kind is None:
            raise Http404
    establishments = perms.establishments_user_can_enter(request.user, reach=reach, kind=kind.value)
    if not establishments.exists():
        raise PermissionDenied
    form = NewDossierForm(request.POST or None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        # Nothing is created yet: the draft is born with its first saved step.
        return redirect(
            "www:dossier_start",
            dispositif=kind.slug,
            establishment=form.cleaned_data["establishment"].pk,
        )
    return render(request, "www/dossiers/new.html", {"form": form, "kind": kind})


@login_required
@require_http_methods(["GET", "POST"])
def dossier_start(request, dispositif, establishment):
    """The first step of a new request, before any draft exists (issue 15: no untitled drafts
    left behind by « Commencer la saisie »). The step is the dispositif's own view, run on a
    draft created inside a transaction that is kept only when the step saves (a redirect
    after a valid POST); otherwise — the page shown, a form with errors — it is rolled back.
    ``dossier.unsaved`` tells the templates not to link to the draft's other pages."""
    kind = kind_for_slug(dispositif)
    if kind is None:
        raise Http404
    reach = dossier_reach(request)
    establishments = perms.establishments_user_can_enter(request.user, reach=reach, kind=kind.value)
    if not establishments.exists():
        raise PermissionDenied
    chosen = establishments.filter(pk=establishment).first()
    if chosen is None:
        raise Http404
    if request.method == "POST" and "cancel" in request.POST:
        return redirect("www:dossier_new_kind", dispositif=kind.slug)
    # The same form posted again (a retry after a dropped connection, a double click) answers
    # the first answer: one draft per form (core/submissions.py).
    if request.method == "POST" and (earlier := submissions.replay(request)) is not None:
        return earlier
    try:
        with transaction.atomic():
            dossier = services.dossier_create(
                actor=request.user, establishment=chosen, kind=kind.value
            )
            dossier.unsaved = True
            first_step = dossier.spec.steps_for(dossier)[0][0]
            response = STEP_VIEWS[kind.value][first_step](request, dossier)
            if request.method == "POST" and response.status_code == 302:
                submissions.record(request, response["Location"])
            else:
                transaction.set_rollback(True)
    except submissions.AlreadySubmitted as first:
        return first.response
    return response


@login_required
@require_http_methods(["GET", "POST"])
def dossier_step(request, pk, step):
    try:
        dossier = access.dossier_to_enter(request.user, pk, **scope(request))
    except NotADraft as error:
        messages.error(request, str(error))
        return redirect("www:dossier", pk=pk)
    views = STEP_VIEWS[dossier.kind]
    if step not in dict(dossier.spec.steps_for(dossier)):
        raise Http404
    if request.method == "POST" and "cancel" in request.POST:
        messages.info(request, _("Votre dernière saisie est annulée, le dossier reste en l'état."))
        return redirect("www:dossier_step", pk=dossier.pk, step=step)
    return views[step](request, dossier)
