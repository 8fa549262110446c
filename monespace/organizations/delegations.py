"""Organisations attached to a company: training organisations, CFAs, accounting firms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.urls import path_to
from monespace.notifications.services import notify

from .enums import MembershipStatus, Profile
from .models import (
    Company,
    Delegation,
    DelegationEvent,
    DelegationStatus,
    Establishment,
    Membership,
    MembershipEventKind,
)

if TYPE_CHECKING:
    from monespace.accounts.models import User


def _snapshot(delegation: Delegation) -> dict[str, Any]:
    return {
        **delegation.scope(),
        "status": delegation.status,
        "establishments": sorted(delegation.establishments.values_list("siret", flat=True)),
    }


def _record(
    delegation: Delegation,
    *,
    actor: User,
    kind: MembershipEventKind,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    DelegationEvent.objects.create(
        delegation=delegation,
        actor=actor,
        kind=kind,
        before=before or {},
        after=_snapshot(delegation),
        reason=reason,
    )


def _admins(company: Company, profile: str | None = None) -> list[User]:
    admins = Membership.objects.filter(
        company=company, status=MembershipStatus.ACTIVE, is_admin=True
    )
    if profile is not None:
        admins = admins.filter(profile=profile)
    return [m.user for m in admins.select_related("user")]


def _tell(users: Iterable[User], *, title: str, body: str, url: str) -> None:
    notify(users, title=title, body=body, url=url)


@transaction.atomic
def delegation_request(
    *, actor: User, delegate: Company, company: Company, kind: str
) -> Delegation:
    """The organisation asks to be attached to a client company; the company's administrators decide."""
    existing = Delegation.objects.open().filter(company=company, delegate=delegate).first()
    if existing is not None:
        return existing
    delegation = Delegation.objects.create(
        company=company, delegate=delegate, kind=kind, requested_by=actor
    )
    _record(delegation, actor=actor, kind=MembershipEventKind.REQUESTED)
    _tell(
        _admins(company, Profile.MEMBER),
        title=_("%(delegate)s demande à être rattaché à %(company)s")
        % {"delegate": delegate.name, "company": company.name},
        body=_("Type : %(kind)s. Vous pouvez accepter en définissant son périmètre, ou refuser.")
        % {"kind": delegation.get_kind_display()},
        url=path_to("delegation", delegation),
    )
    return delegation


@transaction.atomic
def delegation_set_scope(
    *,
    actor: User,
    delegation: Delegation,
    scope: Mapping[str, bool],
    establishments: Iterable[Establishment],
) -> Delegation:
    """Accept a pending delegation, or change an active one's scope (effective at once)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.status not in (DelegationStatus.PENDING, DelegationStatus.ACTIVE):
        raise ValueError("the delegation is closed")
    before = _snapshot(delegation)
    accepting = delegation.status == DelegationStatus.PENDING
    for name in Delegation.SCOPE_FIELDS:
        setattr(delegation, name, bool(scope.get(name)))
    delegation.status = DelegationStatus.ACTIVE
    if accepting:
        delegation.decided_by = actor
        delegation.decided_at = timezone.now()
    delegation.save()
    delegation.establishments.set(establishments)
    kind = MembershipEventKind.ACCEPTED if accepting else MembershipEventKind.RIGHTS_CHANGED
    if accepting or before != _snapshot(delegation):
        _record(delegation, actor=actor, kind=kind, before=before)
        _tell(
            _admins(delegation.delegate),
            title=(
                _("%(company)s a accepté votre rattachement")
                if accepting
                else _("%(company)s a modifié le périmètre de votre rattachement")
            )
            % {"company": delegation.company.name},
            body=", ".join(str(label) for label in delegation.granted_scope_labels()),
            url=path_to("delegation", delegation),
        )
    return delegation


@transaction.atomic
def delegation_refuse(*, actor: User, delegation: Delegation, reason: str) -> Delegation:
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.status != DelegationStatus.PENDING:
        raise ValueError("only a pending delegation can be refused")
    before = _snapshot(delegation)
    delegation.status = DelegationStatus.REFUSED
    delegation.refusal_reason = reason
    delegation.decided_by = actor
    delegation.decided_at = timezone.now()
    delegation.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    _record(delegation, actor=actor, kind=MembershipEventKind.REFUSED, before=before, reason=reason)
    _tell(
        _admins(delegation.delegate),
        title=_("%(company)s a refusé votre demande de rattachement")
        % {"company": delegation.company.name},
        body=reason,
        url=path_to("delegations"),
    )
    return delegation


@transaction.atomic
def delegation_end(*, actor: User, delegation: Delegation) -> Delegation:
    """Either side ends the delegation at any time."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.status not in (DelegationStatus.PENDING, DelegationStatus.ACTIVE):
        return delegation
    before = _snapshot(delegation)
    delegation.status = DelegationStatus.REVOKED
    delegation.decided_by = actor
    delegation.decided_at = timezone.now()
    delegation.save(update_fields=["status", "decided_by", "decided_at"])
    _record(delegation, actor=actor, kind=MembershipEventKind.REVOKED, before=before)
    other_side = _admins(delegation.delegate) + _admins(delegation.company, Profile.MEMBER)
    _tell(
        [user for user in other_side if user != actor],
        title=_("Fin du rattachement de %(delegate)s à %(company)s")
        % {"delegate": delegation.delegate.name, "company": delegation.company.name},
        body="",
        url=path_to("delegations"),
    )
    return delegation
