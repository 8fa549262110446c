"""Who may do what on accounts."""


def can_support_access(*, hijacker, hijacked):
    """ "Connexion en tant que": only OPCO superusers, only into a user who consented, never into staff."""
    return bool(
        hijacked is not None
        and hijacker.is_active
        and hijacker.is_superuser
        and hijacked.is_active
        and not hijacked.is_staff
        and hijacked.support_access_consent_at is not None
    )


def has_second_factor(user):
    """True when the user protects their account with an authenticator app or a passkey."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
