"""« Mes dossiers »: counts and lists by state group, filters, search, sort, pagination; and the
company's employee register (« Salariés »)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from monespace.core.pagination import CountedPaginator
from monespace.dossiers import perms
from monespace.dossiers.enums import STATE_GROUPS, StateGroup
from monespace.dossiers.filters import FILTER_KEYS, dossier_filter_q
from monespace.dossiers.models import Employee
from monespace.organizations.models import Establishment

from ..perimeter import dossier_reach, filter_by_perimeter, visible_dossiers
from .forms import SORTS, DossierFilterForm

ESTABLISHMENT_CHOICES = 100


@login_required
@require_GET
def dossier_list(request):
    """Counts and lists by state group, with filters, search, sort and pagination. The counts
    are one query, which the paginator reuses."""
    visible = visible_dossiers(request)
    reach = dossier_reach(request)
    # The choices come from the user's reach, not from the dossiers (which would scan them
    # all); beyond ESTABLISHMENT_CHOICES (an organisation with many clients) a SIRET is typed.
    establishments = (
        []
        if reach.everything
        else list(
            Establishment.objects.filter(reach.any_view.q(company="company_id", establishment="pk"))
            .select_related("company")
            .order_by("siret")[: ESTABLISHMENT_CHOICES + 1]
        )
    )
    many = len(establishments) > ESTABLISHMENT_CHOICES
    form = DossierFilterForm(request.GET or None, establishments=None if many else establishments)
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
        all=Count("state"),  # a column of the indexes: counted by an index-only scan
        **{
            g.value.replace("-", "_"): Count("state", filter=Q(state__in=STATE_GROUPS[g]))
            for g in StateGroup
        },
    )
    if group:
        dossiers = dossiers.filter(state__in=STATE_GROUPS[group])
    order = SORTS.get(data.get("sort") or "recent", SORTS["recent"])[0]
    dossiers = dossiers.order_by(order, "-id")
    total = counts[group.replace("-", "_")] if group else counts["all"]
    page = CountedPaginator(dossiers, 25, count=total, related=["establishment__company"]).get_page(
        request.GET.get("page")
    )
    for dossier in page:
        # Entry links and « Supprimer » only for those who may enter (a view-only user reads).
        dossier.enterable = dossier.is_editable and reach.of(dossier.kind).enters(dossier)
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
            # What one may enter is within what one sees: no query needed unless the list was
            # cut.
            "can_create": (
                perms.establishments_user_can_enter(request.user, reach=reach).exists()
                if many
                else any(reach.can_enter_for(e) for e in establishments)
            ),
            # « Mes actions »: the dispositifs the user enters requests of.
            "new_kinds": perms.kinds_user_can_enter(request.user, reach=reach),
        },
    )


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
