"""« Accès rapides » (seed 002): named views of « Mes dossiers » with their live counts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.dossiers import access, saved_views
from monespace.dossiers.filters import FILTER_KEYS, dossier_filter_q

from .perimeter import dossier_reach, visible_dossiers


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
    query = _clean_query(request.POST.get("query"))
    try:
        view = saved_views.saved_view_create(
            actor=request.user, name=request.POST.get("name") or "", query=query
        )
    except saved_views.SavedViewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("L'accès rapide « %(name)s » est ajouté à votre page d'accueil.")
            % {"name": view.name},
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
@require_GET
def quick_access_count(request, pk):
    """One quick access's count, loaded by the home page after it is shown (an HTMX
    fragment): a search over many dossiers never holds the page back."""
    view = access.saved_view_for(request.user, pk)
    count = quick_access_counts(request, [view])[view.pk]
    return render(request, "www/_quick_access_count.html", {"count": count})


@login_required
@require_POST
def quick_access_change(request, pk):
    """Rename, move up or down, or delete one of the user's own quick accesses."""
    view = access.saved_view_for(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "delete":
            saved_views.saved_view_delete(actor=request.user, view=view)
            messages.success(request, _("L'accès rapide est supprimé."))
        elif action == "rename":
            saved_views.saved_view_rename(
                actor=request.user, view=view, name=request.POST.get("name") or ""
            )
            messages.success(request, _("L'accès rapide est renommé."))
        elif action in ("up", "down"):
            saved_views.saved_view_move(actor=request.user, view=view, up=action == "up")
    except saved_views.SavedViewError as error:
        messages.error(request, str(error))
    return redirect("www:quick_access")
