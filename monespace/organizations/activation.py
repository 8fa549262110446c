"""Activation codes: issued by OPCO staff, printed in a postal letter, redeemed by the future
administrator after login (seed 002, "Codes d'activation et sécurité")."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise

from monespace.core.errors import DomainError
from monespace.core.pdf import render_pdf

from .enums import Profile
from .models import ActivationCode, Company, Membership, MembershipEventKind
from .services import membership_make_admin

if TYPE_CHECKING:
    from monespace.accounts.models import User

# No 0/O, 1/I/L: the code is read on paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 3, 4
VALIDITY = timedelta(days=92)  # 3 months


class CodeError(DomainError):
    """Why a code is refused: ``reason`` (= ``code``) is "unknown", "expired", "used" or
    "wrong_profile" (then ``profile`` is the label of the code's profile)."""

    def __init__(self, reason: str, profile: str | Promise | None = None) -> None:
        super().__init__(reason, code=reason)
        self.reason = reason
        self.profile = profile


def normalize(code: str | None) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def code_hash(code: str | None) -> str:
    return salted_hmac("monespace.activation-code", normalize(code), algorithm="sha256").hexdigest()


def _generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


@transaction.atomic
def activation_code_issue(
    *, actor: User, company: Company, profile: str
) -> tuple[ActivationCode, bytes]:
    """Issue a new code (the previous open one stops working) and return it with its letter.

    The plain code is returned once, inside the PDF letter for the post; it is never stored."""
    now = timezone.now()
    ActivationCode.objects.filter(company=company, profile=profile).open().update(revoked_at=now)
    code = _generate()
    activation = ActivationCode.objects.create(
        company=company,
        profile=profile,
        code_hash=code_hash(code),
        issued_by=actor,
        expires_at=now + VALIDITY,
    )
    head_office = (
        company.establishments.filter(is_head_office=True).first() or company.establishments.first()
    )
    letter = render_pdf(
        "letters/activation_code.html",
        {
            "company": company,
            "head_office": head_office,
            "profile_label": Profile(profile).label,
            "code": code,
            "activation": activation,
            "OPCO_NAME": settings.OPCO_NAME,
            "PORTAL_NAME": settings.PORTAL_NAME,
            "OPCO_PHONE": settings.OPCO_PHONE,
            "SITE_URL": settings.SITE_URL,
        },
    )
    return activation, letter


@transaction.atomic
def activation_code_redeem(*, user: User, code: str, profile: str) -> Membership:
    """Make ``user`` administrator of the code's company under its profile, with every right."""
    activation = (
        ActivationCode.objects.select_for_update()
        .select_related("company")
        .filter(code_hash=code_hash(code))
        .first()
    )
    if activation is None or activation.revoked_at is not None:
        raise CodeError("unknown")
    if activation.used_at is not None:
        raise CodeError("used")
    if activation.is_expired:
        raise CodeError("expired")
    if activation.profile != profile:
        raise CodeError("wrong_profile", profile=Profile(activation.profile).label)
    activation.used_at = timezone.now()
    activation.used_by = user
    activation.save(update_fields=["used_at", "used_by"])
    membership = membership_make_admin(
        actor=user,
        user=user,
        company=activation.company,
        profile=activation.profile,
        kind=MembershipEventKind.ACTIVATED_BY_CODE,
    )
    return membership
