"""Failed sign-ins, counted per account and per address (CNIL 2022-100: passwords of 8
characters are acceptable when failed attempts are slowed down — « temporisation »).

- **Per account**: after LOGIN_FREE_ATTEMPTS failures, the account waits before its next try,
  1 minute, then twice as long after each new failure, up to LOGIN_LOCK_MAX_SECONDS. A correct
  sign-in (or a new password) starts the count again. The user is told how long to wait and
  offered « Mot de passe oublié ? » and the contact page.
- **Per address**: an office behind one router, or one proxy, must never lock its colleagues
  out. Beyond LOGIN_IP_SLOWDOWN_AFTER failures in 15 minutes from one address, every attempt
  from it is slowed down (LOGIN_IP_SLOWDOWN_SECONDS); correct credentials still get in.

The counts live in the cache (Redis or the database cache in production) under a hash of the
e-mail address: no address is stored in clear.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

IP_WINDOW = 15 * 60
ACCOUNT_MEMORY = 24 * 3600


def _account_key(login: str) -> str:
    digest = hashlib.sha256((login or "").strip().lower().encode()).hexdigest()
    return f"login-failures:account:{digest}"


def _ip_key(ip: str) -> str:
    return f"login-failures:ip:{ip}"


def lock_seconds(failures: int) -> int:
    """How long an account waits after ``failures`` consecutive failures."""
    over = failures - settings.LOGIN_FREE_ATTEMPTS
    if over < 0:
        return 0
    return min(settings.LOGIN_LOCK_BASE_SECONDS * 2**over, settings.LOGIN_LOCK_MAX_SECONDS)


def account_wait(login: str, *, now: float | None = None) -> int:
    """Seconds before the account may try again (0: it may)."""
    state = cache.get(_account_key(login))
    if not state:
        return 0
    now = time.time() if now is None else now
    return max(0, int(state["last"] + lock_seconds(state["count"]) - now + 0.999))


def ip_slowdown(ip: str) -> float:
    """Seconds to slow an attempt from ``ip`` down (never a refusal)."""
    failures = cache.get(_ip_key(ip), 0)
    if failures < settings.LOGIN_IP_SLOWDOWN_AFTER:
        return 0.0
    return float(settings.LOGIN_IP_SLOWDOWN_SECONDS)


def record_failure(login: str, ip: str, *, now: float | None = None) -> int:
    """Count a failure for the account and the address; returns the account's count."""
    now = time.time() if now is None else now
    key = _account_key(login)
    state = cache.get(key) or {"count": 0, "last": now}
    state = {"count": state["count"] + 1, "last": now}
    cache.set(key, state, timeout=ACCOUNT_MEMORY)
    if cache.add(_ip_key(ip), 1, timeout=IP_WINDOW) is False:
        try:
            cache.incr(_ip_key(ip))
        except ValueError:  # expired between add and incr
            cache.set(_ip_key(ip), 1, timeout=IP_WINDOW)
    return state["count"]


def reset_account(login: str) -> None:
    """A correct sign-in or a new password: the account starts afresh (the address does not)."""
    cache.delete(_account_key(login))


def wait_label(seconds: int) -> str:
    """« 2 minutes », « 1 heure » — for the message the user reads."""
    from django.utils.translation import ngettext

    if seconds >= 3600:
        hours = round(seconds / 3600)
        return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}
    minutes = max(1, -(-seconds // 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
