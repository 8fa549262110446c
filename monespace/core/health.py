"""Health checks for load balancers and orchestrators (issue 16): ``/livez`` says the process
answers (no I/O); ``/readyz`` says the instance can serve — the database, the cache, the file
storage and, when configured, the antivirus each answer — as JSON, 200 or 503. Neither needs a
session nor sets a cookie, and neither says more than which part fails."""

from __future__ import annotations

import time
import uuid

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache")
    cache.delete(key)


def _storage() -> None:
    default_storage.exists("readyz-probe")


def _antivirus() -> None:
    from . import antivirus

    if antivirus.configured():
        antivirus._client().ping()


CHECKS = {"database": _database, "cache": _cache, "storage": _storage, "antivirus": _antivirus}


@never_cache
@require_GET
def livez(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    results, ready = {}, True
    for name, check in CHECKS.items():
        start = time.monotonic()
        try:
            check()
        except Exception:  # any failure of a dependency: not ready (details stay in the logs)
            import logging

            logging.getLogger(__name__).exception("readyz: %s", name)
            results[name] = "fail"
            ready = False
        else:
            results[name] = f"ok ({(time.monotonic() - start) * 1000:.0f} ms)"
    response = JsonResponse(
        {"status": "ok" if ready else "fail", "checks": results}, status=200 if ready else 503
    )
    if not ready:
        response["Retry-After"] = "10"
    return response
