"""Who may do what on accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .enums import StaffRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


def can_open_support_sessions(user: User | AnonymousUser) -> bool:
    """Support and advisors (or superusers) may open « connexion en tant que » sessions."""
    if not (user.is_active and user.is_staff):
        return False
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or (
        profile is not None and profile.role in {StaffRole.SUPPORT, StaffRole.ADVISOR}
    )


def can_manage_contacts(user: User | AnonymousUser) -> bool:
    """OPCO managers (or superusers) edit the regional entities and who is whose
    « interlocuteur » (contact roles, branches, entity) in the Django admin; a staff member's
    ``role``, which gives rights, stays with the superusers."""
    if not (user.is_active and user.is_staff):
        return False
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or (profile is not None and profile.role == StaffRole.MANAGER)


def can_support_access(*, hijacker: User, hijacked: User | None) -> bool:
    """« Connexion en tant que »: support and advisors (or superusers), into a non-staff user who
    consented, and only through a session recorded with its reason just before (support app)."""
    from monespace.support.services import support_session_pending

    if hijacked is None or not can_open_support_sessions(hijacker):
        return False
    return bool(
        hijacked.is_active
        and not hijacked.is_staff
        and hijacked.support_access_consent_at is not None
        and support_session_pending(staff=hijacker, user=hijacked) is not None
    )


def has_second_factor(user: User) -> bool:
    """True when the user protects their account with an authenticator app or a passkey."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
