"""One submission per form (issue 16): a form that creates something carries a token, and the
same form posted twice — a retry after a dropped connection or a killed web process, a double
click, the browser's « renvoyer » — creates once.

- The page renders ``{% submission_token %}``: a hidden field holding a random token signed
  for the signed-in user (``TimestampSigner``, a salt per user).
- The view asks ``replay(request)`` first: a token this user already submitted answers the
  first submission's redirect, with a message, and nothing else is done.
- Otherwise it creates, and calls ``record(request, url)`` inside the transaction of what it
  created: the receipt (``SubmissionReceipt``) is committed with it or not at all. Two posts of
  the same form at once: the unique constraint makes the second wait for the first; if the
  first committed, ``record`` raises ``AlreadySubmitted`` (the caller lets it roll its
  transaction back and answers ``error.response``).
- A token missing, forged, signed for another user or older than ``TOKEN_MAX_AGE`` is no
  token: the post is handled as a new form (as before tokens existed), and nothing is
  recorded, so that form has no protection against a second post.

Receipts are kept ``RECEIPT_DAYS`` (``apply_retention``), longer than any token is honoured.
"""

from __future__ import annotations

import logging
import secrets

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import SubmissionReceipt

logger = logging.getLogger(__name__)

FIELD = "submission_token"
TOKEN_MAX_AGE = 24 * 3600  # seconds: a form page older than a day is a new form
RECEIPT_DAYS = 1


def _signer(user) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"monespace.core.submissions.{user.pk}")


def new_token(user) -> str:
    """A fresh token for a form shown to ``user``."""
    return _signer(user).sign(secrets.token_urlsafe(16))


def hidden_field(user) -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token(user))


def token_of(request: HttpRequest) -> str | None:
    """The random part of the posted token, when it is this user's and recent enough."""
    posted = request.POST.get(FIELD, "")
    if not posted or not request.user.is_authenticated:
        return None
    try:
        return _signer(request.user).unsign(posted, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # forged, another user's, or expired (SignatureExpired)
        logger.info("submission token refused user=%s", request.user.pk)
        return None


class AlreadySubmitted(Exception):
    """The same form was submitted and committed first (by a concurrent post)."""

    def __init__(self, response: HttpResponseRedirect):
        super().__init__(response.url)
        self.response = response


def _answer(request: HttpRequest, receipt: SubmissionReceipt) -> HttpResponseRedirect:
    messages.info(
        request,
        _("Ce formulaire avait déjà été envoyé : il n'a pas été enregistré une seconde fois."),
    )
    return HttpResponseRedirect(receipt.redirect_url)


def replay(request: HttpRequest) -> HttpResponseRedirect | None:
    """The first answer to this form, when this user already submitted it; else None."""
    token = token_of(request)
    if token is None:
        return None
    receipt = SubmissionReceipt.objects.filter(user=request.user, token=token).first()
    return _answer(request, receipt) if receipt else None


def record(request: HttpRequest, url: str) -> None:
    """Write the receipt of this submission (call it inside the transaction of what it
    created, once the answer's URL is known). Raises ``AlreadySubmitted`` when a concurrent
    post of the same form committed first: let it roll the transaction back."""
    token = token_of(request)
    if token is None:
        return
    try:
        with transaction.atomic():  # a savepoint: the transaction stays usable to read the winner
            SubmissionReceipt.objects.create(user=request.user, token=token, redirect_url=url)
    except IntegrityError:
        receipt = SubmissionReceipt.objects.filter(user=request.user, token=token).first()
        if receipt is None:  # not ours to explain
            raise
        raise AlreadySubmitted(_answer(request, receipt)) from None
