"""« Créer mon compte » (seeds 000 and 001): the account, the attachment asked for, and the
welcome e-mail whose link verifies the address and leads to the password.

The answer to the visitor is the same whether the address was known or not: an address that
already has an account is told so by e-mail only, so the journey reveals nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from monespace.accounts.models import User
from monespace.accounts.services import user_register, user_set_password
from monespace.accounts.tokens import welcome_link_token
from monespace.core.mail import send_email
from monespace.core.urls import absolute_url, path_to

from .services import memberships_activate_for_new_user, registration_request_create

if TYPE_CHECKING:
    from .models import Company, Establishment, Membership


class Attachment(TypedDict):
    """What a new user asked to be attached to (``registration_request_create``'s fields)."""

    profile: str
    company: Company
    establishment: Establishment | None
    declared_idcc: str
    number_matched: bool


def welcome_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(path_to("welcome", args=[uid, welcome_link_token.make_token(user)]))


@transaction.atomic
def welcome_link_send(*, user: User) -> None:
    """« Bienvenue sur Mon Espace », with a link valid SIGNUP_LINK_MAX_AGE."""
    send_email(
        to=user.email,
        template_prefix="emails/welcome",
        context={"user": user, "link": welcome_link(user)},
    )


@transaction.atomic
def signup_complete(
    *,
    email: str,
    civility: str,
    first_name: str,
    last_name: str,
    themes: Iterable[str],
    support_consent: bool,
    attachment: Attachment | None = None,
) -> User | None:
    """Create the account (unless the address has one) and send the e-mail of the next step.

    ``attachment`` is what a new user asked to be attached to (``profile``, ``company``,
    ``establishment``, ``declared_idcc``, ``number_matched``); a known contact has none: the
    OPCO's data attaches them once their address is verified."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.has_usable_password():
        send_email(
            to=existing.email,
            template_prefix="emails/account_exists",
            context={"user": existing, "login_url": absolute_url(path_to("login"))},
        )
        return None
    if existing is not None:
        # Registered but never activated: a fresh welcome link, nothing else changes.
        welcome_link_send(user=existing)
        return existing
    user = user_register(
        email=email,
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        themes=themes,
        support_consent=support_consent,
    )
    if attachment is not None:
        registration_request_create(user=user, **attachment)
    welcome_link_send(user=user)
    return user


@transaction.atomic
def account_activate(*, user: User, password: str) -> list[Membership]:
    """The password is set and the attachments waiting for the verified address are made:
    both or neither. Returns the memberships."""
    user_set_password(user=user, password=password)
    return memberships_activate_for_new_user(user=user)
