"""« Accès rapides » (seed 002): named views of « Mes dossiers » with their live counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.dossiers.filters import FILTER_KEYS, dossier_filter_q
from monespace.dossiers.models import SavedView

from .perimeter import dossier_reach, visible_dossiers

MAX_VIEWS = 12


def quick_access_counts(request, views):
    """Live counts of every quick access in a single query."""
    if not views:
        return {}
    reach = dossier_reach(request)
    counts = visible_dossiers(request).aggregate(
        **{
            f"v{view.pk}": Count(
                "pk", filter=dossier_filter_q(request.user, QueryDict(view.query), reach=reach)
            )
            for view in views
        }
    )
    return {view.pk: counts[f"v{view.pk}"] for view in views}


def _clean_query(raw):
    params = QueryDict(raw or "", mutable=True)
    kept = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        if params.get(key):
            kept[key] = params[key][:100]
    return kept.urlencode()


@login_required
@require_POST
def quick_access_add(request):
    """« Ajouter aux accès rapides » from the filtered list."""
    name = (request.POST.get("name") or "").strip()[:80]
    query = _clean_query(request.POST.get("query"))
    if not name:
        messages.error(request, _("Donnez un nom à l'accès rapide."))
    elif request.user.saved_views.count() >= MAX_VIEWS:
        messages.error(
            request,
            _("Vous avez déjà %(max)d accès rapides : supprimez-en un d'abord.")
            % {"max": MAX_VIEWS},
        )
    else:
        position = request.user.saved_views.count()
        SavedView.objects.create(user=request.user, name=name, query=query, position=position)
        messages.success(
            request,
            _("L'accès rapide « %(name)s » est ajouté à votre page d'accueil.") % {"name": name},
        )
    return redirect(f"/dossiers/?{query}" if query else "/dossiers/")


@login_required
@require_GET
def quick_access_list(request):
    views = list(request.user.saved_views.all())
    counts = quick_access_counts(request, views)
    return render(
        request,
        "www/quick_access.html",
        {"views": [(view, counts.get(view.pk, 0)) for view in views]},
    )


@login_required
@require_POST
def quick_access_change(request, pk):
    """Rename, move up or down, or delete one of the user's own quick accesses."""
    view = get_object_or_404(SavedView.objects.filter(user=request.user), pk=pk)
    action = request.POST.get("action")
    if action == "delete":
        view.delete()
        messages.success(request, _("L'accès rapide est supprimé."))
    elif action == "rename":
        name = (request.POST.get("name") or "").strip()[:80]
        if not name:
            messages.error(request, _("Donnez un nom à l'accès rapide."))
        else:
            view.name = name
            view.save(update_fields=["name"])
            messages.success(request, _("L'accès rapide est renommé."))
    elif action in ("up", "down"):
        with transaction.atomic():
            views = list(request.user.saved_views.select_for_update())
            index = views.index(view)
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(views):
                views[index], views[other] = views[other], views[index]
            for position, item in enumerate(views):
                if item.position != position:
                    SavedView.objects.filter(pk=item.pk).update(position=position)
    return redirect("www:quick_access")
