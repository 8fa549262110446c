"""The establishment-number check (numéro adhérent / organisme de formation), used by the
sign-up journey and by « Ajouter un rattachement ».

The number printed on the OPCO's letters shows that the person knows the establishment; since
it is short, attempts are counted per establishment and per visitor or user
(SIGNUP_NUMBER_MAX_ATTEMPTS per SIGNUP_NUMBER_ATTEMPT_WINDOW seconds), so it cannot be guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy

from monespace.core import ratelimit
from monespace.core.errors import DomainError

if TYPE_CHECKING:
    from .directory import LookupResult
    from .models import Establishment


class NumberCheckError(DomainError):
    code = "number_refused"


class TooManyAttempts(NumberCheckError):
    code = "too_many_attempts"
    default_message = gettext_lazy(
        "Trop de tentatives : par sécurité, la vérification est suspendue pour un moment. "
        "Réessayez plus tard ou, si vous n'avez pas ce numéro, contactez l'OPCO."
    )


class NumberMismatch(NumberCheckError):
    code = "number_mismatch"
    default_message = gettext_lazy(
        "Ce numéro ne correspond pas à l'établissement indiqué. Vérifiez-le sur un courrier "
        "de l'OPCO ; si vous ne l'avez pas, contactez l'OPCO."
    )


def establishment_number_check(
    *, result: LookupResult, profile: str, number: str, identifier: str, subject: str
) -> Establishment:
    """The establishment of the directory ``result`` whose number under ``profile`` is
    ``number``. ``identifier``: the SIREN or SIRET typed; ``subject``: who tries (the visitor's
    address, or the user). Raises ``TooManyAttempts`` or ``NumberMismatch``."""
    # Per establishment, few attempts: that is what protects its number. Per visitor's address,
    # a ceiling ten times higher: colleagues behind one office router are not locked out by
    # one another's typos, a script trying many establishments is.
    limits = {
        f"establishment-number:{identifier}": settings.SIGNUP_NUMBER_MAX_ATTEMPTS,
        f"establishment-number-by:{subject}": settings.SIGNUP_NUMBER_MAX_ATTEMPTS
        * (10 if subject.startswith("client:") else 1),
    }
    if any(ratelimit.is_blocked(key, limit=limit) for key, limit in limits.items()):
        raise TooManyAttempts(field="number")
    establishment = result.matching_establishment(profile, number)
    if establishment is None:
        for key in limits:
            ratelimit.record_failure(key, window=settings.SIGNUP_NUMBER_ATTEMPT_WINDOW)
        raise NumberMismatch(field="number")
    return establishment
