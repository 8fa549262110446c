"""« Échéanciers »: the payments the OPCO plans to the CFA for every contract the user sees
(a CFA's whole view, seed 004; a company sees its own contracts' too), from the commitments in
force (dossiers/funding)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from monespace.dossiers import access
from monespace.dossiers.enums import DossierKind
from monespace.dossiers.models import FundingCommitment, Instalment, InstalmentState

from .dossiers.common import scope

PER_PAGE = 50


class ScheduleFilter(forms.Form):
    period = forms.ChoiceField(
        label=_("Échéances"),
        required=False,
        choices=[("a_venir", _("À venir")), ("passees", _("Passées")), ("toutes", _("Toutes"))],
    )
    q = forms.CharField(
        label=_("Contrat ou apprenti(e)"), required=False, max_length=100, strip=True
    )


def instalments_visible(request, *, period: str = "a_venir", term: str = ""):
    """Instalments of the commitments in force on the contracts the user sees."""
    contracts = access.visible_dossiers(request.user, **scope(request)).filter(
        kind=DossierKind.APPRENTICESHIP
    )
    if term:
        contracts = contracts.filter(Q(number__iexact=term) | Q(title__icontains=term))
    newer = FundingCommitment.objects.filter(
        dossier_id=OuterRef("commitment__dossier_id"), version__gt=OuterRef("commitment__version")
    )
    rows = (
        Instalment.objects.filter(commitment__dossier__in=contracts.values("pk"))
        .exclude(Exists(newer))
        .exclude(state=InstalmentState.CANCELLED)
    )
    today = timezone.localdate()
    if period == "a_venir":
        rows = rows.filter(due_on__gte=today)
    elif period == "passees":
        rows = rows.filter(due_on__lt=today)
    return rows


@login_required
@require_GET
def schedules(request):
    form = ScheduleFilter(request.GET or None)
    period, term = "a_venir", ""
    if form.is_valid():
        period = form.cleaned_data["period"] or "a_venir"
        term = form.cleaned_data["q"]
    rows = instalments_visible(request, period=period, term=term)
    totals = rows.aggregate(total=Sum("amount"))
    page = Paginator(
        rows.select_related("commitment__dossier__company").order_by("due_on", "pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "www/schedules.html",
        {
            "form": form,
            "page": page,
            "total": totals["total"],
            "query": query.urlencode(),
        },
    )
