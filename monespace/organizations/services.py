"""Writes on organizations: attachments (rattachements) and their requests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.errors import DomainError
from monespace.core.mail import absolute_url, send_email
from monespace.core.urls import path_to
from monespace.notifications.services import notification_create

from .enums import MembershipSource, MembershipStatus
from .models import (
    Company,
    Establishment,
    KnownContact,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    RegistrationRequest,
)

if TYPE_CHECKING:
    from monespace.accounts.models import User


@transaction.atomic
def registration_request_create(
    *,
    user: User,
    profile: str,
    company: Company,
    establishment: Establishment | None,
    declared_idcc: str = "",
    number_matched: bool = False,
) -> RegistrationRequest:
    return RegistrationRequest.objects.create(
        user=user,
        profile=profile,
        company=company,
        establishment=establishment,
        declared_idcc=declared_idcc,
        number_matched=number_matched,
    )


@transaction.atomic
def known_contacts_apply(*, user: User) -> list[Membership]:
    """Attach ``user`` to every establishment where the OPCO knows them as a contact, with the
    rights its data records (none if none). Idempotent: rights only ever add up, so running it
    again after a new import of the OPCO's data (the take-over of the old portal, seed 002
    "Cas 1") gives users the rights validated with their advisor. Returns the memberships created."""
    created = []
    for contact in KnownContact.objects.filter(email__iexact=user.email).select_related(
        "establishment__company"
    ):
        establishment = contact.establishment
        membership = Membership.objects.filter(
            user=user,
            company=establishment.company,
            profile=contact.profile,
            status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
        ).first()
        if membership is None:
            decided_against = Membership.objects.filter(
                user=user,
                company=establishment.company,
                profile=contact.profile,
                status__in=[MembershipStatus.REFUSED, MembershipStatus.REVOKED],
            ).exists()
            if decided_against:
                continue  # an administrator's decision outweighs the OPCO's old records
            membership = Membership.objects.create(
                user=user,
                company=establishment.company,
                profile=contact.profile,
                requested_establishment=establishment,
                status=MembershipStatus.ACTIVE,
                source=MembershipSource.KNOWN_CONTACT,
                **contact.rights(),
            )
            _record(
                membership, actor=None, kind=MembershipEventKind.ACCEPTED, reason="known_contact"
            )
            created.append(membership)
        else:
            before = _snapshot(membership)
            for name, value in contact.rights().items():
                if value:
                    setattr(membership, name, True)
            membership.status = MembershipStatus.ACTIVE
            membership.save()
            if before != _snapshot(membership):
                _record(
                    membership,
                    actor=None,
                    kind=MembershipEventKind.RIGHTS_CHANGED,
                    before=before,
                    reason="known_contact",
                )
        membership.establishments.add(establishment)
    return created


@transaction.atomic
def known_contacts_apply_to_existing_accounts() -> int:
    """After an import of known contacts: apply it to the accounts already activated."""
    from django.contrib.auth import get_user_model

    emails = KnownContact.objects.values("email")
    count = 0
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    accounts = get_user_model().objects.filter(email__in=emails, is_active=True)
    for user in accounts.exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX):
        known_contacts_apply(user=user)
        count += 1
    return count


@transaction.atomic
def memberships_activate_for_new_user(*, user: User) -> list[Membership]:
    """Once a new user has verified their address and chosen a password:

    - every establishment where the OPCO knew them as a contact becomes an active attachment
      (``known_contacts_apply``);
    - the attachment they asked for at registration becomes a pending request.
    Returns the memberships created.
    """
    created = known_contacts_apply(user=user)

    request = (
        RegistrationRequest.objects.filter(user=user)
        .select_related("company", "establishment")
        .first()
    )
    if request is not None:
        already = Membership.objects.filter(
            user=user,
            company=request.company,
            profile=request.profile,
            status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
        ).exists()
        if not already:
            created.append(
                membership_request(
                    user=user,
                    profile=request.profile,
                    company=request.company,
                    establishment=request.establishment,
                    source=MembershipSource.SIGNUP,
                    declared_idcc=request.declared_idcc,
                )
            )
        request.delete()
    return created


class MembershipError(DomainError):
    code = "membership_refused"


class LastAdministratorError(MembershipError):
    """A company keeps at least one administrator per profile: the last one cannot leave."""

    code = "last_administrator"
    default_message = gettext_lazy(
        "L'entreprise doit garder au moins un administrateur pour ce profil."
    )


class NotPending(MembershipError):
    code = "not_pending"
    default_message = gettext_lazy("Cette demande a déjà été traitée.")


def _snapshot(membership: Membership) -> dict[str, Any]:
    return {
        **membership.rights(),
        "status": membership.status,
        "establishments": sorted(membership.establishments.values_list("siret", flat=True)),
    }


def _record(
    membership: Membership,
    *,
    actor: User | None,
    kind: MembershipEventKind,
    before: dict[str, Any] | None = None,
    reason: str = "",
) -> MembershipEvent:
    return MembershipEvent.objects.create(
        membership=membership,
        actor=actor,
        kind=kind,
        before=before or {},
        after=_snapshot(membership),
        reason=reason,
    )


def _would_lose_last_admin(membership: Membership, *, still_admin: bool) -> bool:
    if not membership.is_admin or membership.status != MembershipStatus.ACTIVE or still_admin:
        return False
    others = Membership.objects.filter(
        company_id=membership.company_id,
        profile=membership.profile,
        status=MembershipStatus.ACTIVE,
        is_admin=True,
    ).exclude(pk=membership.pk)
    return not others.exists()


def _notify_admins_of_request(membership: Membership) -> None:
    """Administrators are always told of an access request: in the portal and by e-mail."""
    admins = Membership.objects.filter(
        company=membership.company,
        profile=membership.profile,
        status=MembershipStatus.ACTIVE,
        is_admin=True,
    ).select_related("user")
    url = path_to("membership", membership)
    for admin in admins:
        notification_create(
            recipient=admin.user,
            title=_("Demande de rattachement à %(company)s") % {"company": membership.company.name},
            body=_("%(name)s demande à être rattaché(e).")
            % {"name": membership.user.get_full_name()},
            url=url,
        )
        send_email(
            to=admin.user.email,
            template_prefix="emails/membership_request",
            context={"admin": admin.user, "membership": membership, "url": absolute_url(url)},
        )


def _notify_requester(membership: Membership) -> None:
    if membership.status == MembershipStatus.ACTIVE:
        title = _("Votre rattachement à %(company)s est accepté") % {
            "company": membership.company.name
        }
    else:
        title = _("Votre demande de rattachement à %(company)s est refusée") % {
            "company": membership.company.name
        }
    notification_create(
        recipient=membership.user,
        title=title,
        body=membership.refusal_reason,
        url=path_to("attachments"),
    )
    send_email(
        to=membership.user.email,
        template_prefix="emails/membership_decided",
        context={"membership": membership, "url": absolute_url(path_to("attachments"))},
    )


@transaction.atomic
def membership_request(
    *,
    user: User,
    profile: str,
    company: Company,
    establishment: Establishment | None = None,
    source: MembershipSource = MembershipSource.REQUEST,
    declared_idcc: str = "",
) -> Membership:
    """Ask to be attached to a company (or one of its establishments). The company's
    administrators are told and decide; without an administrator, OPCO staff decide."""
    existing = Membership.objects.filter(
        user=user,
        company=company,
        profile=profile,
        status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
    ).first()
    if existing is not None:
        return existing
    membership = Membership.objects.create(
        user=user,
        company=company,
        profile=profile,
        requested_establishment=establishment,
        declared_idcc=declared_idcc,
        status=MembershipStatus.PENDING,
        source=source,
    )
    if establishment is not None:
        membership.establishments.add(establishment)
    _record(membership, actor=user, kind=MembershipEventKind.REQUESTED)
    _notify_admins_of_request(membership)
    return membership


@transaction.atomic
def membership_accept(
    *,
    actor: User,
    membership: Membership,
    rights: Mapping[str, bool],
    establishments: Iterable[Establishment],
) -> Membership:
    """Accept a pending request with the rights the administrator chose (empty scope = whole company)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise NotPending
    before = _snapshot(membership)
    for name in Membership.RIGHT_FIELDS:
        setattr(membership, name, bool(rights.get(name)))
    membership.status = MembershipStatus.ACTIVE
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save()
    membership.establishments.set(establishments)
    _record(membership, actor=actor, kind=MembershipEventKind.ACCEPTED, before=before)
    _notify_requester(membership)
    return membership


@transaction.atomic
def membership_refuse(*, actor: User, membership: Membership, reason: str) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != MembershipStatus.PENDING:
        raise NotPending
    before = _snapshot(membership)
    membership.status = MembershipStatus.REFUSED
    membership.refusal_reason = reason
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    _record(membership, actor=actor, kind=MembershipEventKind.REFUSED, before=before, reason=reason)
    _notify_requester(membership)
    return membership


@transaction.atomic
def membership_set_rights(
    *,
    actor: User,
    membership: Membership,
    rights: Mapping[str, bool],
    establishments: Iterable[Establishment],
) -> Membership:
    """Change an active attachment's rights and scope; takes effect at once and is recorded."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if _would_lose_last_admin(membership, still_admin=bool(rights.get("is_admin"))):
        raise LastAdministratorError
    before = _snapshot(membership)
    for name in Membership.RIGHT_FIELDS:
        setattr(membership, name, bool(rights.get(name)))
    membership.save(update_fields=list(Membership.RIGHT_FIELDS))
    membership.establishments.set(establishments)
    if before != _snapshot(membership):
        _record(membership, actor=actor, kind=MembershipEventKind.RIGHTS_CHANGED, before=before)
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership, reason: str = "") -> Membership:
    """Remove an attachment (by an administrator, or by the user themself)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if _would_lose_last_admin(membership, still_admin=False):
        raise LastAdministratorError
    before = _snapshot(membership)
    membership.status = MembershipStatus.REVOKED
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    kind = MembershipEventKind.LEFT if actor == membership.user else MembershipEventKind.REVOKED
    _record(membership, actor=actor, kind=kind, before=before, reason=reason)
    return membership


@transaction.atomic
def membership_make_admin(
    *, actor: User, user: User, company: Company, profile: str, kind: MembershipEventKind
) -> Membership:
    """Give ``user`` the administrator right (and every other right) on the whole company: by an
    activation code, or designated by OPCO staff. Recorded like every decision (before → after)."""
    membership = (
        Membership.objects.select_for_update()
        .filter(
            user=user,
            company=company,
            profile=profile,
            status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
        )
        .first()
    )
    before = {}
    if membership is None:
        membership = Membership(
            user=user, company=company, profile=profile, source=MembershipSource.REQUEST
        )
    else:
        before = _snapshot(membership)
    for name in Membership.RIGHT_FIELDS:
        setattr(membership, name, True)
    membership.status = MembershipStatus.ACTIVE
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save()
    membership.establishments.clear()
    _record(membership, actor=actor, kind=kind, before=before)
    return membership


# --- Invitation by an administrator (issue 15) -------------------------------------------------


class InvitationError(MembershipError):
    pass


@transaction.atomic
def invitation_send(
    *,
    actor: User,
    company: Any,
    profile: str,
    email: str,
    first_name: str,
    last_name: str,
    rights: Mapping[str, bool],
) -> str:
    """An administrator invites someone with the rights given. The invitation is a known
    contact of the company (the mechanism of seed 000's « Si vous aviez un compte »): a person
    without an account creates it through the usual journey and lands attached with these
    rights; one who has an account is attached at once. Returns "invited" or "attached"."""
    from django.contrib.auth import get_user_model

    from monespace.core.models import activity_record

    email = email.strip().lower()
    if Membership.objects.filter(
        company=company,
        profile=profile,
        user__email__iexact=email,
        status=MembershipStatus.ACTIVE,
    ).exists():
        raise InvitationError(_("Cette personne est déjà rattachée à l'entreprise."))
    establishment = company.establishments.order_by("-is_head_office", "siret").first()
    if establishment is None:
        raise InvitationError(_("L'entreprise n'a aucun établissement connu de l'OPCO."))
    contact, _created = KnownContact.objects.update_or_create(
        email=email,
        establishment=establishment,
        profile=profile,
        defaults={"first_name": first_name, "last_name": last_name, **dict(rights)},
    )
    activity_record(actor=actor, obj=contact, action="invited", message=email)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and user.has_usable_password():
        known_contacts_apply(user=user)
        send_email(
            to=user.email,
            template_prefix="emails/notice",
            context={
                "recipient": user,
                "subject": _("Vous êtes rattaché(e) à %(company)s") % {"company": company.name},
                "body": _("%(name)s vous a donné accès à l'espace de l'entreprise sur Mon Espace.")
                % {"name": actor.get_full_name()},
                "url": absolute_url(path_to("home")),
            },
        )
        return "attached"
    send_email(
        to=email,
        template_prefix="emails/notice",
        context={
            "recipient": None,
            "subject": _("%(name)s vous invite sur Mon Espace (%(company)s)")
            % {"name": actor.get_full_name(), "company": company.name},
            "body": _(
                "Créez votre compte avec cette adresse e-mail (%(email)s) : vous serez rattaché(e) à %(company)s avec les droits que votre administrateur vous a donnés, dès votre mot de passe choisi."
            )
            % {"email": email, "company": company.name},
            "url": absolute_url(path_to("signup")),
        },
    )
    return "invited"
