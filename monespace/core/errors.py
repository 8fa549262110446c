"""The one shape of a refused action, for every domain app and every door.

A service that refuses raises a ``DomainError`` (or a subclass): ``code`` is stable and meant for
software (the API returns it), ``message`` is the French sentence shown to the user, ``field``
names the form field it belongs to when there is one. Doors catch ``DomainError`` only: the web
shows the message next to the field or at the top of the page, the API answers a problem
document.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.functional import Promise


class DomainError(Exception):
    code: str = "refused"
    default_message: str | Promise = ""

    def __init__(
        self, message: str | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code is not None:
            self.code = code
        self.field = field
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError, Http404):
    """Out of the user's reach, or missing: the same answer (a 404), so that nothing confirms
    that an object exists to someone who may not see it."""

    code = "not_found"


class Forbidden(DomainError, PermissionDenied):
    """Within the user's reach, without the right to act on it (a 403)."""

    code = "forbidden"
