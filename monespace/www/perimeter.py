"""The working perimeter of users attached to several companies (seed 003: « si vous gérez
plusieurs SIREN choisissez votre périmètre »). Kept in the session; every list filters on it.

The session holds the company's id and name, so showing and applying the perimeter costs no
query; lists always start from the user's own reach, so a stale perimeter can only narrow them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monespace.core.identifiers import parse_id
from monespace.dossiers import perms as dossier_perms
from monespace.dossiers.filters import perimeter_q
from monespace.organizations.enums import MembershipStatus
from monespace.organizations.models import Membership

SESSION_KEY = "perimeter"


def get_perimeter(request):
    """{"id": company id, "name": company name}, or None for « toutes mes entreprises »."""
    return request.session.get(SESSION_KEY)


def filter_by_perimeter(request, queryset, field="company_id"):
    perimeter = get_perimeter(request)
    if perimeter is None:
        return queryset
    return queryset.filter(**{field: perimeter["id"]})


def dossier_reach(request):
    """The signed-in user's reach over dossiers, computed once per request."""
    reach = getattr(request, "_dossier_reach", None)
    if reach is None:
        reach = request._dossier_reach = dossier_perms.reach_of(request.user)
    return reach


def visible_dossiers(request):
    """The dossiers the user sees, narrowed to the working perimeter when one is chosen."""
    visible = dossier_perms.visible_to(request.user, reach=dossier_reach(request))
    perimeter = get_perimeter(request)
    return visible.filter(perimeter_q(perimeter["id"])) if perimeter else visible


@login_required
@require_POST
def set_perimeter(request):
    value = request.POST.get("company", "")
    if value == "":
        request.session.pop(SESSION_KEY, None)
        messages.success(request, _("Vous travaillez sur toutes vos entreprises."))
    else:
        membership = (
            Membership.objects.filter(
                user=request.user, status=MembershipStatus.ACTIVE, company_id=parse_id(value)
            )
            .select_related("company")
            .first()
            if parse_id(value) is not None
            else None
        )
        if membership is None:
            messages.error(
                request, _("Choisissez une entreprise à laquelle vous êtes rattaché(e).")
            )
        else:
            request.session[SESSION_KEY] = {
                "id": membership.company_id,
                "name": membership.company.name,
            }
            messages.success(
                request,
                _("Vous travaillez sur %(company)s.") % {"company": membership.company.name},
            )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "www:home"
    return redirect(next_url)


def perimeter_context(request):
    return {"perimeter": request.session.get(SESSION_KEY) if hasattr(request, "session") else None}
