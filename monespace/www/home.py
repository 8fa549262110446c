"""« Accueil »: coordonnées, interlocuteurs, informations and the to-do list, computed from the
data (never stored by hand), within the user's perimeter. A fixed number of queries whatever
the number of dossiers, notifications or attachments: the to-do counts and the quick accesses'
counts are one aggregate, and the OPCO's « Informations » and staff contacts are read from the
process's short-lived copy (core/memo.py)."""

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from monespace.accounts.selectors import NO_CONTACTS, contacts_for
from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import Decision, DecisionKind
from monespace.dossiers.perms import NOTHING
from monespace.invoices import after_training
from monespace.notifications.selectors import announcements_for
from monespace.organizations.enums import Profile

from .perimeter import dossier_reach, visible_dossiers


def home_context(request, memberships, perimeter):
    """``memberships``: the user's pending and active memberships, each annotated with
    ``waiting`` (the pending requests of its company)."""
    user = request.user
    active = [m for m in memberships if m.status == "active"]
    focus = next(
        (m for m in active if perimeter and m.company_id == perimeter["id"]),
        active[0] if active else None,
    )
    establishment = None
    if focus is not None:
        establishment = (
            focus.requested_establishment
            or focus.company.establishments.filter(is_head_office=True).first()
        )
    # « Vos interlocuteurs »: the regional entity and the staff by role (no query, D38).
    contacts = contacts_for(establishment) if establishment is not None else NO_CONTACTS
    today = timezone.localdate()
    profiles = {m.profile for m in active}
    branches = {m.requested_establishment.branch for m in active if m.requested_establishment}

    dossiers = visible_dossiers(request)
    invoicing = [
        m.company_id
        for m in active
        if m.profile == Profile.MEMBER
        and (
            m.is_admin
            or (m.can_edit_training and (m.can_view_invoices or m.can_manage_bank_details))
        )
    ]
    reach = dossier_reach(request)
    views = list(user.saved_views.all())
    # Contracts a CFA or a training organisation entered, for those who validate them
    # (transmit) to do: per dispositif, those the user may transmit.
    parts = [
        (kind, reach.of(kind).transmit_q())
        for kind in (
            DossierKind.APPRENTICESHIP,
            DossierKind.PROFESSIONALISATION,
            DossierKind.PRO_A,
        )
    ]
    validates = NOTHING
    for kind, q in parts:
        if q is not NOTHING:
            mine = Q(kind=kind) & q
            validates = mine if validates is NOTHING else validates | mine
    pre_entered = Q(state=DossierState.AWAITING_EMPLOYER)
    # The quick accesses' counts are loaded after the page (www:quick_access_count): a search
    # over many dossiers costs its own request, not the home page's.
    counts = dossiers.aggregate(
        drafts=Count("state", filter=Q(state=DossierState.DRAFT, created_by=user)),
        **(
            {"to_validate": Count("state", filter=pre_entered & validates)}
            if validates is not NOTHING
            else {}
        ),
    )
    requests_waiting = sum({m.company_id: m.waiting for m in active if m.is_admin}.values())
    # One line per dossier: its latest request (an earlier one is superseded).
    latest: dict[int, Decision] = {}
    for decision in (
        Decision.objects.filter(
            kind=DecisionKind.DOCUMENTS_REQUEST,
            dossier__in=dossiers.filter(state=DossierState.DOCUMENTS_REQUESTED),
        )
        .select_related("dossier")
        .order_by("-created_at", "-pk")[:50]
    ):
        latest.setdefault(decision.dossier_id, decision)
    documents_requests = sorted(
        latest.values(), key=lambda d: (d.due_date is None, d.due_date or d.created_at.date())
    )[:10]
    return {
        "quick_accesses": views,
        "focus": focus,
        "establishment": establishment,
        "contacts": contacts,
        "training_catalogue_url": settings.TRAINING_CATALOGUE_URL,
        "announcements": announcements_for(profiles, branches, today=today),
        "todo": {
            "drafts": counts["drafts"],
            "to_validate": counts.get("to_validate", 0),
            # Seed 003: once a training is over, the pieces it still lacks, per dossier.
            # For those who invoice for the company: its people with the invoices' right
            # and the right to enter training actions (or administrators).
            "awaiting_pieces": after_training.awaiting(
                dossiers.filter(company_id__in=invoicing), today=today
            )
            if invoicing
            else [],
            "requests_waiting": requests_waiting,
            "documents_requests": documents_requests,
        },
    }
