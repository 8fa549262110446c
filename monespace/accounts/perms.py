"""Who may do what on accounts."""


def can_support_access(*, hijacker, hijacked):
    """« Connexion en tant que »: support and advisors (or superusers), into a non-staff user who
    consented, and only through a session recorded with its reason just before (support app)."""
    from monespace.support.services import support_session_pending

    if hijacked is None or not (hijacker.is_active and hijacker.is_staff):
        return False
    profile = getattr(hijacker, "staff_profile", None)
    role_ok = hijacker.is_superuser or (
        profile is not None and profile.role in {"support", "advisor"}
    )
    return bool(
        role_ok
        and hijacked.is_active
        and not hijacked.is_staff
        and hijacked.support_access_consent_at is not None
        and support_session_pending(staff=hijacker, user=hijacked) is not None
    )


def has_second_factor(user):
    """True when the user protects their account with an authenticator app or a passkey."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
