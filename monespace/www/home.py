"""« Accueil »: coordonnées, interlocuteurs, informations and the to-do list, computed from the
data (never stored by hand), within the user's perimeter. A fixed number of queries whatever
the number of dossiers, notifications or attachments."""

from django.db.models import Count, Q
from django.utils import timezone

from monespace.accounts.models import StaffProfile, StaffRole
from monespace.dossiers import perms as dossier_perms
from monespace.dossiers.enums import DossierState
from monespace.dossiers.filters import perimeter_q
from monespace.dossiers.models import Decision, DecisionKind
from monespace.notifications.models import Announcement
from monespace.organizations.models import Membership

from .quick_access import quick_access_counts


def home_context(request, memberships, perimeter):
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
    contacts = []
    if establishment is not None and establishment.branch:
        # Few staff: their branches are read here rather than queried (portable across databases).
        staff = StaffProfile.objects.filter(
            role__in=[StaffRole.ADVISOR, StaffRole.TRAINING_ASSISTANT]
        )
        contacts = [p for p in staff.select_related("user") if establishment.branch in p.branches]
    today = timezone.localdate()
    profiles = {m.profile for m in active}
    branches = {m.requested_establishment.branch for m in active if m.requested_establishment}
    announcements = Announcement.objects.filter(
        Q(published_from__lte=today),
        Q(published_until__isnull=True) | Q(published_until__gte=today),
        Q(audience="all") | Q(audience__in=profiles),
        Q(branch="") | Q(branch__in=branches),
    )[:5]

    dossiers = dossier_perms.visible_to(user)
    if perimeter:
        dossiers = dossiers.filter(perimeter_q(perimeter["id"]))
    todo_counts = dossiers.aggregate(
        drafts=Count("pk", filter=Q(state=DossierState.DRAFT, created_by=user)),
        awaiting_invoices=Count("pk", filter=Q(state=DossierState.APPROVED, end_date__lt=today)),
    )
    requests_waiting = (
        Membership.objects.pending()
        .filter(company_id__in=[m.company_id for m in active if m.is_admin])
        .count()
        if any(m.is_admin for m in active)
        else 0
    )
    documents_requests = list(
        Decision.objects.filter(
            kind=DecisionKind.DOCUMENTS_REQUEST,
            dossier__in=dossiers.filter(state=DossierState.DOCUMENTS_REQUESTED),
        )
        .select_related("dossier")
        .order_by("due_date")[:10]
    )
    views = list(user.saved_views.all())
    counts = quick_access_counts(user, views, perimeter)
    return {
        "quick_accesses": [(view, counts.get(view.pk, 0)) for view in views],
        "focus": focus,
        "establishment": establishment,
        "contacts": contacts,
        "announcements": announcements,
        "todo": {
            "drafts": todo_counts["drafts"],
            "awaiting_invoices": todo_counts["awaiting_invoices"],
            "requests_waiting": requests_waiting,
            "documents_requests": documents_requests,
        },
    }
