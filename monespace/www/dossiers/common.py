"""What the dossier screens share: the user's reach and perimeter, once per request; the
steps' context and what follows a saved step."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from monespace.dossiers import access
from monespace.dossiers.models import MAX_TRAINEES

from ..perimeter import dossier_reach, get_perimeter


def scope(request):
    """Keyword arguments of the access helpers for this request."""
    perimeter = get_perimeter(request)
    return {"reach": dossier_reach(request), "perimeter": perimeter["id"] if perimeter else None}


def dossier_for(request, pk):
    return access.dossier_for(request.user, pk, **scope(request))


def step_context(dossier, step):
    return {
        "dossier": dossier,
        "steps": dossier.spec.steps_for(dossier),
        "step": step,
        "max_trainees": MAX_TRAINEES,
    }


def after_save(request, dossier, step):
    """« Enregistrer et quitter » → Brouillons; « Valider l'étape » → next step."""
    if "save_quit" in request.POST:
        messages.success(
            request, _("Le dossier est enregistré : retrouvez-le dans vos brouillons.")
        )
        return redirect(f"{reverse('www:dossiers')}?group=brouillons")
    keys = [key for key, _label in dossier.spec.steps_for(dossier)]
    next_step = keys[min(keys.index(step) + 1, len(keys) - 1)]
    messages.success(request, _("L'étape est enregistrée."))
    return redirect("www:dossier_step", pk=dossier.pk, step=next_step)
