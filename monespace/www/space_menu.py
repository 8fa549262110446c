"""« Mon espace » (seed 003's dashboard menu): the entries of the portal the user's rights
open — new requests per dispositif, drafts, the lists per dispositif (Dossiers AF, Contrats
pro, Apprentissage…), invoices, payments, collection, financial summary, employees, users —
with live counts. Loaded by the home page after it is shown (an HTMX fragment): the counts are
one query over the dossiers the user sees and one per money table, never on the page itself."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from monespace.dossiers import perms as dossier_perms
from monespace.dossiers.enums import STATE_GROUPS, DossierKind, StateGroup
from monespace.invoices import perms as invoice_perms
from monespace.invoices.access import invoices_visible, payments_visible
from monespace.organizations.enums import Profile

from .perimeter import dossier_reach, visible_dossiers

# The seed's names of the lists per dispositif.
LIST_NAMES = {
    DossierKind.TRAINING_ACTION: gettext_lazy("Dossiers AF"),
    DossierKind.PROFESSIONALISATION: gettext_lazy("Contrats pro"),
    DossierKind.PRO_A: gettext_lazy("Pro-A"),
    DossierKind.APPRENTICESHIP: gettext_lazy("Apprentissage"),
}
LIST_ORDER = (
    DossierKind.TRAINING_ACTION,
    DossierKind.PROFESSIONALISATION,
    DossierKind.PRO_A,
    DossierKind.APPRENTICESHIP,
)


def menu_context(request) -> dict:
    """The entries of « Mon espace » the user's rights open, grouped as the seed's menu
    (« Mes dossiers », « Mes factures », « Mon entreprise », « Aide »), with their counts."""
    user = request.user
    reach = dossier_reach(request)
    seen = [kind for kind in LIST_ORDER if reach.everything or reach.of(kind)]
    drafts = Q(state__in=STATE_GROUPS[StateGroup.DRAFTS])
    counts = (
        visible_dossiers(request).aggregate(
            drafts=Count("pk", filter=drafts),
            # Each list's count is what its link shows: « Mes dossiers » of that dispositif,
            # drafts included (its « Tous » tab), so the number and the list agree.
            **{kind: Count("pk", filter=Q(kind=kind)) for kind in seen},
        )
        if seen
        else {}
    )
    dossiers_url = reverse("www:dossiers")
    enterable = dossier_perms.kinds_user_can_enter(user, reach=reach)
    new = [
        (str(kind.label), reverse("www:dossier_new_kind", args=[kind.slug])) for kind in enterable
    ]
    groups = []
    entries = [(_("Brouillons"), f"{dossiers_url}?group=brouillons", counts.get("drafts"))] + [
        (LIST_NAMES[kind], f"{dossiers_url}?dispositif={kind}", counts.get(kind)) for kind in seen
    ]
    if seen:
        entries.append((_("Échéanciers"), reverse("www:schedules"), None))
        entries.append((_("Exports"), reverse("www:exports"), None))
        groups.append((_("Mes dossiers"), entries))
    readable = invoice_perms.invoice_memberships(user)
    if readable:
        delegated = invoice_perms.invoice_delegations(readable)
        money = [
            (
                _("Factures"),
                reverse("www:invoices"),
                invoices_visible(user, readable=readable, delegated=delegated).count(),
            ),
            (
                _("Règlements"),
                reverse("www:payments"),
                payments_visible(user, readable=readable, delegated=delegated).count(),
            ),
        ]
        # Collection and the financial summary are a company's figures: for its own people
        # and the organisations it attached with the invoices' right (invoices/summary.py).
        if delegated or any(m.profile == Profile.MEMBER for m, _scope in readable):
            money.append((_("Collecte"), reverse("www:contributions"), None))
            money.append((_("Synthèse financière"), reverse("www:financial_summary"), None))
        groups.append((_("Mes factures"), money))
    company = []
    if any(kind.value == DossierKind.TRAINING_ACTION for kind in enterable):
        company.append((_("Salariés"), reverse("www:employees"), None))
    administered = set(
        user.memberships.filter(status="active", is_admin=True).values_list("company_id", "profile")
    )
    if administered:
        if len(administered) == 1:
            company_id, profile = administered.pop()
            url = reverse("www:administration_company", args=[company_id, profile])
            company.append((_("Établissements"), f"{url}#establishments-title", None))
            company.append((_("Utilisateurs"), f"{url}#users-title", None))
        else:
            url = reverse("www:administration")
            company.append((_("Établissements"), url, None))
            company.append((_("Utilisateurs"), url, None))
        company.append((_("Organismes rattachés"), reverse("www:delegations"), None))
    else:
        company.append((_("Établissements"), reverse("www:attachments"), None))
    groups.append((_("Mon entreprise"), company))
    groups.append((_("Aide"), [(_("Aide & contact"), reverse("www:help"), None)]))
    return {"new": new, "groups": groups, "in_nav": "", "level": 3}


@login_required
@require_GET
def space_menu(request):
    """The menu as a fragment: loaded by the home page and the navigation's « Mon espace »."""
    context = menu_context(request)
    # In the navigation, the groups' titles are not headings (the page's own come after) and
    # their ids must not collide with the home page's copy of the menu.
    context["in_nav"] = "-nav" if request.GET.get("nav") else ""
    return render(request, "www/_space_menu.html", context)


@login_required
@require_GET
def space(request):
    """The menu as a page of its own: the navigation's « Mon espace » without JavaScript."""
    return render(request, "www/space.html", menu_context(request))
