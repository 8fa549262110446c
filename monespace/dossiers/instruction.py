"""Instruction by OPCO staff: the dossier lifecycle after transmission, decisions and letters.

Every state change goes through ``lifecycle.transition`` (row locked, table of the dispositif
checked, state and history row written together); the people concerned are told after the
commit. Each decision produces its letter — courrier d'accord, de refus or de relance — stored
among the dossier's documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from monespace.core.formats import format_euros
from monespace.core.mail import send_email
from monespace.core.pdf import render_pdf
from monespace.core.uploads import store_file
from monespace.core.urls import absolute_url, path_to
from monespace.notifications.services import notification_create
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Membership

from . import lifecycle
from .enums import DossierState, EventKind, PieceType, ScanStatus
from .errors import DossierError, InvalidTransition, PiecesMissing
from .models import (
    Decision,
    DecisionKind,
    Document,
    Dossier,
    DossierEvent,
    FundingRule,
    GrantedAmount,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


def email_instruction(*, subject: str, body: str, path: str) -> None:
    """An e-mail to the OPCO's instruction mailbox (``OPCO_INSTRUCTION_EMAIL``), when there is
    one: transmissions, change requests, ruptures, unassigned deadlines."""
    if settings.OPCO_INSTRUCTION_EMAIL:
        send_email(
            to=settings.OPCO_INSTRUCTION_EMAIL,
            template_prefix="emails/notice",
            context={
                "recipient": None,
                "subject": subject,
                "body": body,
                "url": absolute_url(path),
            },
        )


def concerned_users(dossier: Dossier) -> list[User]:
    """Company users whose rights cover the dossier (members in scope with a right that shows
    its dispositif)."""
    shows = Q()
    for name in dossier.spec.view_rights:
        shows |= Q(**{name: True})
    memberships = (
        Membership.objects.filter(
            shows,
            company_id=dossier.company_id,
            profile=Profile.MEMBER,
            status=MembershipStatus.ACTIVE,
        )
        .filter(Q(establishments__isnull=True) | Q(establishments=dossier.establishment_id))
        .select_related("user")
        .distinct()
    )
    users = [m.user for m in memberships]
    if dossier.spec.tells_provider and dossier.provider_establishment_id:
        users += provider_users(dossier, exclude={u.pk for u in users})
    return users


def provider_users(dossier: Dossier, *, exclude: set[int] = frozenset()) -> list[User]:  # type: ignore[assignment]
    """The users of the organisation named as provider who see the dossier under their provider
    profile (a right on its dispositif, or administrators; whole organisation or its
    establishment)."""
    shows = Q(is_admin=True)
    for name in dossier.spec.view_rights:
        shows |= Q(**{name: True})
    provider = dossier.provider_establishment
    memberships = (
        Membership.objects.filter(
            shows,
            company_id=provider.company_id,  # type: ignore[union-attr]  # checked by the caller
            profile=Profile.PROVIDER,
            status=MembershipStatus.ACTIVE,
        )
        .filter(
            Q(establishments__isnull=True) | Q(establishments=dossier.provider_establishment_id)
        )
        .exclude(user_id__in=exclude)
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


def _tell_company(dossier: Dossier, *, title: str, body: str) -> None:
    url = path_to("dossier", dossier)
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


def granted_lines(decision: Decision) -> list[tuple[str | Promise, Decimal]]:
    """(label, amount) of each cost line of an approval, in the dispositif's order."""
    labels = dict(decision.dossier.spec.cost_lines)
    amounts = {a.line: a.amount for a in decision.amounts.all()}
    return [(labels[code], amounts[code]) for code in labels if code in amounts]


def _letter(
    dossier: Dossier,
    decision: Decision,
    *,
    actor: User | None,
    title: str,
    extra_lines: list[dict] | None = None,
) -> Document:
    pdf = render_pdf(
        "letters/decision.html",
        {
            "dossier": dossier,
            "decision": decision,
            "granted_lines": granted_lines(decision),
            "OPCO_NAME": settings.OPCO_NAME,
            "PORTAL_NAME": settings.PORTAL_NAME,
            "OPCO_PHONE": settings.OPCO_PHONE,
            "trainee_count": dossier.trainees.count(),
            "commitment_lines": extra_lines or [],
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
        # The OPCO's own letter, rendered from its template: nothing to scan.
        scan_status=ScanStatus.CLEAN,
        scanned_at=timezone.now(),
    )
    store_file(document.file, "letter", ContentFile(pdf))
    document.save()
    decision.letter = document
    decision.save(update_fields=["letter"])
    return document


@transaction.atomic
def dossier_assign(*, actor: User, dossier: Dossier) -> Dossier:
    """An advisor takes the dossier; a transmitted dossier is then under review."""
    return lifecycle.transition(actor=actor, dossier=dossier, action="assign", assigned_to=actor)


@transaction.atomic
def dossier_request_documents(
    *, actor: User, dossier: Dossier, pieces: list[str], due_date: date, message: str = ""
) -> Decision:
    """« Courrier de relance »: the missing pieces and the date they are due."""
    _decision_open(dossier)
    dossier = lifecycle.transition(
        actor=actor, dossier=dossier, action="request_documents", message=message
    )
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
    from monespace.api.webhooks import documents_requested

    documents_requested(dossier, pieces, due_date)
    return decision


@transaction.atomic
def dossier_documents_provided(*, actor: User, dossier: Dossier) -> Dossier:
    """A user attached a piece to a dossier waiting for pieces: it goes back to review."""
    try:
        dossier = lifecycle.transition(actor=actor, dossier=dossier, action="documents_provided")
    except InvalidTransition:  # no longer waiting for pieces (decided meanwhile)
        return dossier
    if dossier.assigned_to_id:
        notification_create(
            recipient=dossier.assigned_to,  # type: ignore[arg-type]  # assigned_to_id is set
            title=_("Pièces fournies pour le dossier %(number)s") % {"number": dossier.number},
            url=path_to("staff_dossier", dossier),
        )
    return dossier


def rule_in_force(dossier: Dossier) -> FundingRule | None:
    day = dossier.submitted_at.date() if dossier.submitted_at else timezone.localdate()
    branch = dossier.establishment.branch
    return (
        FundingRule.objects.filter(effective_from__lte=day)
        .filter(Q(branch=branch) | Q(branch=""))
        .order_by("-effective_from", "-branch")
        .first()
    )


@transaction.atomic
def dossier_approve(*, actor: User, dossier: Dossier, granted: Mapping[str, Decimal]) -> Decision:
    """« Courrier d'accord » with the amounts granted per cost line, never above what was
    requested. ``granted``: {line code: amount}."""
    requested = {code: amount for code, _label, amount in dossier.spec.requested_lines(dossier)}
    granted = {code: Decimal(amount).quantize(Decimal("0.01")) for code, amount in granted.items()}
    for code, amount in granted.items():
        if code not in requested:
            raise DossierError(_("Cette ligne de coût n'existe pas pour ce dossier."))
        if amount < 0 or amount > requested[code]:
            raise DossierError(
                _(
                    "Le montant accordé doit être compris entre 0 et le montant demandé (%(requested)s)."
                )
                % {"requested": format_euros(requested[code])},
                field=code,
            )
    total = sum(granted.values(), Decimal(0))
    dossier = lifecycle.transition(
        actor=actor, dossier=dossier, action="approve", granted_total=total
    )
    decision = Decision.objects.create(
        dossier=dossier,
        kind=DecisionKind.APPROVAL,
        decided_by=actor,
        granted_total=total,
        rule=rule_in_force(dossier),
    )
    GrantedAmount.objects.bulk_create(
        GrantedAmount(decision=decision, line=code, amount=amount)
        for code, amount in granted.items()
    )
    if dossier.spec.cost_lines:
        from monespace.invoices.ledger import record_commitment

        labels = dict(dossier.spec.cost_lines)
        record_commitment(
            dossier=dossier,
            lines={code: (str(labels[code]), amount) for code, amount in granted.items()},
            actor=actor,
        )
    _letter(dossier, decision, actor=actor, title=_("Courrier d'accord"))
    if dossier.spec.cost_lines:
        body = _(
            "Montant accordé : %(total)s HT. Le courrier d'accord est dans les documents du dossier."
        ) % {"total": format_euros(total)}
    else:
        body = _(
            "L'OPCO prend en charge le contrat. Le courrier d'accord est dans les documents du dossier."
        )
    _tell_company(
        dossier, title=_("Dossier %(number)s accordé") % {"number": dossier.number}, body=body
    )
    return decision


def _decision_open(dossier: Dossier) -> None:
    """A dispositif whose silence has decided (a professionalisation contract past its 20
    days) is no longer refused nor asked for pieces."""
    closed = dossier.spec.decision_closed(dossier)
    if closed:
        raise DossierError(closed)


@transaction.atomic
def dossier_refuse(*, actor: User, dossier: Dossier, reason: str) -> Decision:
    _decision_open(dossier)
    dossier = lifecycle.transition(actor=actor, dossier=dossier, action="refuse", message=reason)
    decision = Decision.objects.create(
        dossier=dossier, kind=DecisionKind.REFUSAL, decided_by=actor, reason=reason
    )
    _letter(dossier, decision, actor=actor, title=_("Courrier de refus"))
    _tell_company(
        dossier, title=_("Dossier %(number)s refusé") % {"number": dossier.number}, body=reason
    )
    return decision


@transaction.atomic
def dossier_close(*, actor: User, dossier: Dossier, reason: str = "") -> Decision:
    """Closes a dossier. An accorded training whose expected pieces (seed 003: invoices,
    attendance sheets, certificat de réalisation) are not all deposited closes only with the
    reason, recorded in the decision and the history."""
    from monespace.invoices import after_training  # invoices build on dossiers

    reason = reason.strip()
    missing = after_training.missing(dossier)
    if missing and not reason:
        raise PiecesMissing(missing)
    dossier = lifecycle.transition(actor=actor, dossier=dossier, action="close", message=reason)
    return Decision.objects.create(
        dossier=dossier, kind=DecisionKind.CLOSURE, decided_by=actor, reason=reason
    )


@transaction.atomic
def dossier_cancel(*, actor: User, dossier: Dossier, reason: str) -> Dossier:
    """The OPCO cancels a transmitted dossier that will not be instructed (withdrawn by the
    company, sent twice…); the company is told why."""
    dossier = lifecycle.transition(actor=actor, dossier=dossier, action="cancel", message=reason)
    _tell_company(
        dossier, title=_("Dossier %(number)s annulé") % {"number": dossier.number}, body=reason
    )
    return dossier


@transaction.atomic
def dossier_staff_change(
    *, actor: User, dossier: Dossier, values: Mapping[str, Any], message: str
) -> Dossier:
    """Only staff change a transmitted dossier; the change is recorded field by field."""
    dossier = lifecycle.transition(actor=actor, dossier=dossier, action="change", message=message)
    spec = dossier.spec
    detail = spec.detail_model._default_manager.select_for_update().get(dossier=dossier)
    detail_fields = set(spec.detail_fields())
    changes: list[str] = []
    changed: dict[str, list[str]] = {"dossier": [], "detail": []}
    for name, value in values.items():
        target, key = (detail, "detail") if name in detail_fields else (dossier, "dossier")
        old = getattr(target, name)
        if old != value:
            # A concrete field of the dossier or its detail (the form's), never a reverse relation.
            label = type(target)._meta.get_field(name).verbose_name  # type: ignore[union-attr]
            changes.append(f"{label} : {old} → {value}")
            setattr(target, name, value)
            changed[key].append(name)
    dossier.save(update_fields=[*changed["dossier"], "updated_at"])
    if changed["detail"]:
        detail.save(update_fields=changed["detail"])
    # lifecycle.transition() always sets transition_event on the dossier it returns.
    event = dossier.transition_event
    assert event is not None  # set by lifecycle.transition()
    event.message = "\n".join([message, *changes]).strip()
    event.save(update_fields=["message"])
    return dossier


@transaction.atomic
def dossier_request_change(*, actor: User, dossier: Dossier, message: str) -> None:
    """A user asks the advisor to change a transmitted dossier (a message on it)."""
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
            recipient=dossier.assigned_to,  # type: ignore[arg-type]  # assigned_to_id is set
            title=_("Demande de modification du dossier %(number)s") % {"number": dossier.number},
            body=message,
            url=path_to("staff_dossier", dossier),
        )
    email_instruction(
        subject=_("Demande de modification du dossier %(number)s") % {"number": dossier.number},
        body=message,
        path=path_to("staff_dossier", dossier),
    )


def can_instruct(user: User | AnonymousUser) -> bool:
    """Staff whose role instructs (advisor, training assistant, manager) or superusers."""
    if not (user.is_authenticated and user.is_staff):
        return False
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or (profile is not None and profile.can_instruct)


__all__ = [
    "DossierState",
    "can_instruct",
    "concerned_users",
    "dossier_approve",
    "dossier_assign",
    "dossier_cancel",
    "dossier_close",
    "dossier_documents_provided",
    "dossier_refuse",
    "dossier_request_change",
    "dossier_request_documents",
    "dossier_staff_change",
    "granted_lines",
    "rule_in_force",
]
