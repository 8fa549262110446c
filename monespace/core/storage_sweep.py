"""The sweeper of orphan files (issue 16): a file written to storage before its transaction
rolled back (or whose row was deleted without it) is referenced by no row; once older than
``STORAGE_ORPHAN_GRACE_HOURS`` — never an upload whose transaction is still running — it is
removed. Works on any storage (the local disk, an S3-compatible store) through Django's
storage API; a daily periodic job."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

BATCH = 500


def file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def referenced(names: list[str]) -> set[str]:
    found: set[str] = set()
    for model, field in file_fields():
        found.update(
            model._default_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
        )
    return found


def walk(storage=default_storage, prefix: str = "") -> Iterator[str]:
    """Every file's name under ``prefix``, depth first."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{prefix}/{name}" if prefix else name
    for directory in directories:
        yield from walk(storage, f"{prefix}/{directory}" if prefix else directory)


def sweep(*, dry_run: bool = False, now=None, storage=default_storage) -> list[str]:
    """Remove (or list, ``dry_run``) the orphan files older than the grace period."""
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.STORAGE_ORPHAN_GRACE_HOURS)
    removed: list[str] = []
    batch: list[str] = []

    def flush() -> None:
        known = referenced(batch)
        for name in batch:
            if name in known:
                continue
            if storage.get_modified_time(name) > limit:
                continue  # maybe an upload whose transaction is still running
            if not dry_run:
                storage.delete(name)
            removed.append(name)
        batch.clear()

    for name in walk(storage):
        batch.append(name)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return removed
