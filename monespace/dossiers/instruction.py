"""Instruction by OPCO staff: the dossier lifecycle after transmission, decisions and letters.

Every transition goes through ``_transition``: it locks the row, checks the table, writes the
event, and the people concerned are told after the commit. Each decision produces its letter —
courrier d'accord, de refus or de relance — stored among the dossier's documents.
"""

import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.mail import absolute_url, send_email
from monespace.core.pdf import render_pdf
from monespace.notifications.services import notification_create
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Membership

from .enums import DossierState, EventKind, PieceType
from .models import (
    COST_FIELDS,
    Decision,
    DecisionKind,
    Document,
    Dossier,
    DossierEvent,
    FundingRule,
)
from .services import DossierError

ACTIVE_STATES = {
    DossierState.SUBMITTED,
    DossierState.UNDER_REVIEW,
    DossierState.DOCUMENTS_REQUESTED,
}
TRANSITIONS = {
    "assign": (ACTIVE_STATES, None),
    "request_documents": (ACTIVE_STATES, DossierState.DOCUMENTS_REQUESTED),
    "documents_provided": ({DossierState.DOCUMENTS_REQUESTED}, DossierState.UNDER_REVIEW),
    "approve": (ACTIVE_STATES, DossierState.APPROVED),
    "refuse": (ACTIVE_STATES, DossierState.REFUSED),
    "close": ({DossierState.APPROVED}, DossierState.CLOSED),
    "change": (ACTIVE_STATES | {DossierState.APPROVED}, None),
}


class InvalidTransition(DossierError):
    def __init__(self, dossier):
        super().__init__(
            _("Cette action n'est pas possible sur un dossier « %(state)s ».")
            % {"state": dossier.get_state_display()}
        )


def _transition(dossier, action, *, actor, kind, message=""):
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("company", "establishment")
        .get(pk=dossier.pk)
    )
    allowed, target = TRANSITIONS[action]
    if dossier.state not in allowed:
        raise InvalidTransition(dossier)
    before = dossier.state
    if target is not None:
        dossier.state = target
    dossier.transition_event = DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=kind,
        from_state=before,
        to_state=dossier.state,
        message=message,
    )
    return dossier


def concerned_users(dossier):
    """Company users whose rights cover the dossier (members in scope with a training right)."""
    memberships = (
        Membership.objects.filter(
            Q(can_view_training=True) | Q(can_edit_training=True),
            company_id=dossier.company_id,
            profile=Profile.MEMBER,
            status=MembershipStatus.ACTIVE,
        )
        .filter(Q(establishments__isnull=True) | Q(establishments=dossier.establishment_id))
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


def _tell_company(dossier, *, title, body):
    url = reverse("www:dossier", args=[dossier.pk])
    for user in concerned_users(dossier):
        notification_create(recipient=user, title=title, body=body, url=url)
        if "dossiers" in user.notification_themes:  # « Instruction des dossiers »
            send_email(
                to=user.email,
                template_prefix="emails/notice",
                context={
                    "recipient": user,
                    "subject": title,
                    "body": body,
                    "url": absolute_url(url),
                },
            )


def _letter(dossier, decision, *, actor, title):
    pdf = render_pdf(
        "letters/decision.html",
        {
            "dossier": dossier,
            "decision": decision,
            "granted_lines": [
                (label, Decimal(decision.granted.get(name, "0")))
                for name, label in COST_FIELDS
                if name in decision.granted
            ],
            "OPCO_NAME": settings.OPCO_NAME,
            "PORTAL_NAME": settings.PORTAL_NAME,
            "OPCO_PHONE": settings.OPCO_PHONE,
            "trainee_count": dossier.trainees.count(),
        },
    )
    document = Document(
        dossier=dossier,
        piece_type=PieceType.LETTER,
        title=title,
        original_name=f"{title} {dossier.number}.pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save("letter", ContentFile(pdf), save=False)
    document.save()
    decision.letter = document
    decision.save(update_fields=["letter"])
    return document


@transaction.atomic
def dossier_assign(*, actor, dossier):
    """An advisor takes the dossier; a transmitted dossier is then under review."""
    dossier = _transition(dossier, "assign", actor=actor, kind=EventKind.ASSIGNED)
    dossier.assigned_to = actor
    if dossier.state == DossierState.SUBMITTED:
        dossier.state = DossierState.UNDER_REVIEW
    dossier.save(update_fields=["assigned_to", "state", "updated_at"])
    return dossier


@transaction.atomic
def dossier_request_documents(*, actor, dossier, pieces, due_date, message=""):
    """« Courrier de relance »: the missing pieces and the date they are due."""
    dossier = _transition(
        dossier,
        "request_documents",
        actor=actor,
        kind=EventKind.DOCUMENTS_REQUESTED,
        message=message,
    )
    dossier.save(update_fields=["state", "updated_at"])
    decision = Decision.objects.create(
        dossier=dossier,
        kind=DecisionKind.DOCUMENTS_REQUEST,
        decided_by=actor,
        missing_pieces=pieces,
        due_date=due_date,
        reason=message,
    )
    _letter(dossier, decision, actor=actor, title=_("Courrier de relance"))
    _tell_company(
        dossier,
        title=_("Pièces demandées pour le dossier %(number)s") % {"number": dossier.number},
        body=_("À fournir avant le %(date)s : %(pieces)s")
        % {"date": due_date.strftime("%d/%m/%Y"), "pieces": ", ".join(pieces)},
    )
    return decision


def documents_provided(*, actor, dossier):
    """A user attached a piece to a dossier waiting for pieces: it goes back to review."""
    if dossier.state != DossierState.DOCUMENTS_REQUESTED:
        return dossier
    dossier = _transition(
        dossier, "documents_provided", actor=actor, kind=EventKind.DOCUMENTS_PROVIDED
    )
    dossier.save(update_fields=["state", "updated_at"])
    if dossier.assigned_to_id:
        notification_create(
            recipient=dossier.assigned_to,
            title=_("Pièces fournies pour le dossier %(number)s") % {"number": dossier.number},
            url=reverse("backoffice:dossier", args=[dossier.pk]),
        )
    return dossier


def rule_in_force(dossier):
    day = dossier.submitted_at.date() if dossier.submitted_at else timezone.localdate()
    branch = dossier.establishment.branch
    return (
        FundingRule.objects.filter(effective_from__lte=day)
        .filter(Q(branch=branch) | Q(branch=""))
        .order_by("-effective_from", "-branch")
        .first()
    )


@transaction.atomic
def dossier_approve(*, actor, dossier, granted):
    """« Courrier d'accord » with the amounts granted per cost line, never above what was requested."""
    granted = {name: Decimal(amount).quantize(Decimal("0.01")) for name, amount in granted.items()}
    for name, amount in granted.items():
        requested = getattr(dossier, name)
        if amount < 0 or amount > requested:
            raise DossierError(
                _(
                    "Le montant accordé doit être compris entre 0 et le montant demandé (%(requested)s €)."
                )
                % {"requested": requested}
            )
    dossier = _transition(dossier, "approve", actor=actor, kind=EventKind.APPROVED)
    total = sum(granted.values(), Decimal(0))
    dossier.granted_total = total
    dossier.save(update_fields=["state", "granted_total", "updated_at"])
    decision = Decision.objects.create(
        dossier=dossier,
        kind=DecisionKind.APPROVAL,
        decided_by=actor,
        granted={name: str(amount) for name, amount in granted.items()},
        granted_total=total,
        rule=rule_in_force(dossier),
    )
    _letter(dossier, decision, actor=actor, title=_("Courrier d'accord"))
    _tell_company(
        dossier,
        title=_("Dossier %(number)s accordé") % {"number": dossier.number},
        body=_(
            "Montant accordé : %(total)s € HT. Le courrier d'accord est dans les documents du dossier."
        )
        % {"total": total},
    )
    return decision


@transaction.atomic
def dossier_refuse(*, actor, dossier, reason):
    dossier = _transition(dossier, "refuse", actor=actor, kind=EventKind.REFUSED, message=reason)
    dossier.save(update_fields=["state", "updated_at"])
    decision = Decision.objects.create(
        dossier=dossier, kind=DecisionKind.REFUSAL, decided_by=actor, reason=reason
    )
    _letter(dossier, decision, actor=actor, title=_("Courrier de refus"))
    _tell_company(
        dossier, title=_("Dossier %(number)s refusé") % {"number": dossier.number}, body=reason
    )
    return decision


@transaction.atomic
def dossier_close(*, actor, dossier):
    dossier = _transition(dossier, "close", actor=actor, kind=EventKind.CLOSED)
    dossier.save(update_fields=["state", "updated_at"])
    return Decision.objects.create(dossier=dossier, kind=DecisionKind.CLOSURE, decided_by=actor)


@transaction.atomic
def dossier_staff_change(*, actor, dossier, values, message):
    """Only staff change a transmitted dossier; the change is recorded field by field."""
    dossier = _transition(dossier, "change", actor=actor, kind=EventKind.CHANGED, message=message)
    changes = []
    for name, value in values.items():
        old = getattr(dossier, name)
        if old != value:
            changes.append(f"{Dossier._meta.get_field(name).verbose_name} : {old} → {value}")
            setattr(dossier, name, value)
    dossier.save()
    event = dossier.transition_event
    event.message = "\n".join([message, *changes]).strip()
    event.save(update_fields=["message"])
    return dossier


@transaction.atomic
def dossier_request_change(*, actor, dossier, message):
    """A user asks the advisor to change a transmitted dossier (a message on the dossier)."""
    if dossier.is_draft:
        raise DossierError(_("Un brouillon se modifie directement."))
    DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=EventKind.CHANGE_REQUESTED,
        from_state=dossier.state,
        to_state=dossier.state,
        message=message,
    )
    if dossier.assigned_to_id:
        notification_create(
            recipient=dossier.assigned_to,
            title=_("Demande de modification du dossier %(number)s") % {"number": dossier.number},
            body=message,
            url=reverse("backoffice:dossier", args=[dossier.pk]),
        )
    if settings.OPCO_INSTRUCTION_EMAIL:
        send_email(
            to=settings.OPCO_INSTRUCTION_EMAIL,
            template_prefix="emails/notice",
            context={
                "recipient": None,
                "subject": _("Demande de modification du dossier %(number)s")
                % {"number": dossier.number},
                "body": message,
                "url": absolute_url(reverse("backoffice:dossier", args=[dossier.pk])),
            },
        )
