"""The filters of « Mes dossiers » as one Q object, so that a list and the live counts of the
quick accesses apply exactly the same rules (and all counts fit in one query)."""

from datetime import date

from django.db.models import Q

from monespace.core.identifiers import parse_id

from . import perms
from .enums import STATE_GROUPS, DossierState
from .models import Employee, Trainee

FILTER_KEYS = (
    "q",
    "establishment",
    "siret",
    "provider",
    "start_from",
    "start_to",
    "state",
    "group",
    "profile",
)


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def dossier_filter_q(user, params, *, reach=None):
    """``params``: a mapping of the list's query parameters (strings, as in the URL)."""
    q = Q()
    term = (params.get("q") or "").strip()
    if term:
        # Each part can use a trigram index on PostgreSQL (migration 0007); the trainees' part
        # is an uncorrelated subquery, computed once rather than probed for every dossier.
        employees = Employee.objects.filter(
            Q(last_name__icontains=term) | Q(first_name__icontains=term)
        )
        reach = reach if reach is not None else perms.reach_of(user)
        if not reach.everything and not reach.provider_establishments:
            # A trainee is an employee of the dossier's company: only the companies in reach.
            employees = employees.filter(company_id__in=sorted(reach.view.all_companies))
        trainees = Trainee.objects.filter(employee__in=employees).values("dossier_id")
        q &= Q(number__icontains=term) | Q(title__icontains=term) | Q(pk__in=trainees)
    establishment = parse_id(params.get("establishment"))
    if establishment is not None:
        q &= Q(establishment_id=establishment)
    siret = (params.get("siret") or "").replace(" ", "")
    if siret:
        q &= Q(establishment__siret=siret)
    provider = (params.get("provider") or "").strip()
    if provider:
        q &= Q(provider_name__icontains=provider) | Q(provider_siret=provider.replace(" ", ""))
    if start_from := _date(params.get("start_from")):
        q &= Q(start_date__gte=start_from)
    if start_to := _date(params.get("start_to")):
        q &= Q(start_date__lte=start_to)
    if params.get("state") in DossierState.values:
        q &= Q(state=params["state"])
    if params.get("group") in STATE_GROUPS:
        q &= Q(state__in=STATE_GROUPS[params["group"]])
    if params.get("profile") in ("provider", "company"):
        provided = (reach if reach is not None else perms.reach_of(user)).provided_q()
        q &= provided if params["profile"] == "provider" else ~provided
    return q


def perimeter_q(company_id):
    """Dossiers of a working perimeter: the company's own, those where it is the training
    organisation, and those of the client companies it acts for (active delegation).

    Read first as lists of ids (two small queries), so that the dossiers are filtered on indexed
    columns only."""
    from monespace.organizations.models import Delegation, DelegationStatus, Establishment

    clients = Delegation.objects.filter(
        delegate_id=company_id, status=DelegationStatus.ACTIVE
    ).values_list("company_id", flat=True)
    q = Q(company_id__in=sorted({company_id, *clients}))
    own = list(Establishment.objects.filter(company_id=company_id).values_list("pk", flat=True))
    if own:
        q |= Q(provider_establishment_id__in=sorted(own))
    return q
