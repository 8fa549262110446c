"""The filters of « Mes dossiers » as one Q object, so that a list and the live counts of the
quick accesses apply exactly the same rules (and all counts fit in one query)."""

from datetime import date

from django.db.models import Q

from monespace.core.identifiers import parse_id

from . import perms
from .enums import STATE_GROUPS, DossierKind, DossierState
from .models import Dossier, Employee, Trainee

FILTER_KEYS = (
    "q",
    "establishment",
    "siret",
    "dispositif",
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
        # The dossiers matching the term, as one set of ids: each part uses a trigram index on
        # PostgreSQL (migration 0007), and the set is joined to the user's dossiers (a few
        # milliseconds, whatever their number) instead of testing every one of them.
        employees = Employee.objects.filter(
            Q(last_name__icontains=term) | Q(first_name__icontains=term)
        )
        reach = reach if reach is not None else perms.reach_of(user)
        if not reach.everything and not reach.provider_establishments:
            # A trainee is an employee of the dossier's company: only the companies in reach.
            employees = employees.filter(company_id__in=sorted(reach.any_view.all_companies))
        by_number = Dossier.objects.filter(number__icontains=term).order_by().values("pk")
        by_title = Dossier.objects.filter(title__icontains=term).order_by().values("pk")
        by_trainee = Trainee.objects.filter(employee__in=employees).order_by().values("dossier_id")
        q &= Q(pk__in=by_number.union(by_title, by_trainee, all=True))
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
    if params.get("dispositif") in DossierKind.values:
        q &= Q(kind=params["dispositif"])
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
