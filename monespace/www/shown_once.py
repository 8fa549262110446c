"""A secret shown once, on the page a redirect leads to (a reload shows it no more): it waits
five minutes in the cache — never in the sessions' table, which backups keep — and the
session holds only the random token that finds it."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.cache import cache

WAIT = 300  # seconds


def keep(request, name: str, value: dict[str, Any]) -> None:
    token = secrets.token_urlsafe(16)
    cache.set(f"{name}:{token}", value, WAIT)
    request.session[name] = token


def take(request, name: str) -> dict[str, Any] | None:
    """What ``keep`` left, once (None on any later call or after the wait)."""
    token = request.session.pop(name, None)
    if token is None:
        return None
    value = cache.get(f"{name}:{token}")
    cache.delete(f"{name}:{token}")
    return value
