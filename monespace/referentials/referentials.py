"""Reading and loading the list of collective agreements (the same code for the import command,
the data migration and the browser tests, whose database is emptied between tests)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent / "data" / "idcc.csv"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def read_agreements(text: str) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """{IDCC: title} and the rejected lines (number, reason) of the official list's CSV."""
    sample = text[:2000]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    agreements: dict[str, str] = {}
    rejected: list[tuple[int, str]] = []
    for number, row in enumerate(reader, start=1):
        if number == 1 and row and not row[0].strip().isdigit():
            continue  # the header
        if len(row) < 2 or not row[1].strip():
            rejected.append((number, "ligne sans intitulé"))
            continue
        idcc = row[0].strip()
        if not (idcc.isascii() and idcc.isdigit() and 1 <= len(idcc) <= 4) or int(idcc) == 0:
            rejected.append((number, f"IDCC invalide : {idcc!r}"))
            continue
        agreements[idcc.zfill(4)] = " ".join(row[1].split())[:500]
    return agreements, rejected


def load(model, text: str, *, deactivate_missing: bool = True) -> ImportReport:
    """Create or update the agreements of ``text``; those missing become inactive."""
    from django.utils import timezone

    agreements, rejected = read_agreements(text)
    report = ImportReport(rejected=rejected)
    existing = {a.idcc: a for a in model.objects.all()}
    now = timezone.now()
    for idcc, title in agreements.items():
        current = existing.get(idcc)
        if current is None:
            model.objects.create(idcc=idcc, title=title, active=True, updated_at=now)
            report.created += 1
        elif current.title != title or not current.active:
            model.objects.filter(pk=current.pk).update(title=title, active=True, updated_at=now)
            report.updated += 1
    if deactivate_missing:
        report.deactivated = (
            model.objects.filter(active=True)
            .exclude(idcc__in=list(agreements))
            .update(active=False, updated_at=now)
        )
    return report


def load_sample(model) -> ImportReport:
    return load(model, SAMPLE.read_text(encoding="utf-8"), deactivate_missing=False)
