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


@login_required
@require_GET
def space_menu(request):
    user = request.user
    reach = dossier_reach(request)
    seen = [kind for kind in LIST_ORDER if reach.everything or reach.of(kind)]
    drafts = Q(state__in=STATE_GROUPS[StateGroup.DRAFTS])
    counts = (
        visible_dossiers(request).aggregate(
            drafts=Count("pk", filter=drafts),
            **{kind: Count("pk", filter=Q(kind=kind) & ~drafts) for kind in seen},
        )
        if seen
        else {}
    )
    dossiers_url = reverse("www:dossiers")
    new = [
        (str(kind.label), reverse("www:dossier_new_kind", args=[kind.slug]))
        for kind in dossier_perms.kinds_user_can_enter(user, reach=reach)
    ]
    groups = []
    entries = [(_("Brouillons"), f"{dossiers_url}?group=brouillons", counts.get("drafts"))] + [
        (LIST_NAMES[kind], f"{dossiers_url}?dispositif={kind}", counts.get(kind)) for kind in seen
    ]
    if seen:
        entries.append((_("Échéanciers"), reverse("www:schedules"), None))
        entries.append((_("Exports"), reverse("www:exports"), None))
        groups.append((_("Dossiers"), entries))
    readable = invoice_perms.invoice_memberships(user)
    if readable:
        groups.append(
            (
                _("Factures et règlements"),
                [
                    (
                        _("Factures"),
                        reverse("www:invoices"),
                        invoices_visible(user, readable=readable).count(),
                    ),
                    (
                        _("Règlements"),
                        reverse("www:payments"),
                        payments_visible(user, readable=readable).count(),
                    ),
                    (_("Collecte"), reverse("www:contributions"), None),
                    (_("Synthèse financière"), reverse("www:financial_summary"), None),
                ],
            )
        )
    company = []
    if reach.everything or reach.of(DossierKind.TRAINING_ACTION):
        company.append((_("Salariés"), reverse("www:employees"), None))
    if any(m.is_admin for m in user.memberships.filter(status="active")):
        company.append((_("Utilisateurs et droits"), reverse("www:administration"), None))
        company.append((_("Organismes rattachés"), reverse("www:delegations"), None))
    if company:
        groups.append((_("Mon entreprise"), company))
    return render(request, "www/_space_menu.html", {"new": new, "groups": groups})
