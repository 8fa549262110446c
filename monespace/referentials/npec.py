"""Import of France compétences' « Référentiel des NPEC » (xlsx) in its published shape
(research domain-alternance §5.2):

- sheet « Onglet 3 - référentiel NPEC », header on row 4: RNCP | Libellé de la formation |
  Certificateur* | Type de diplôme | Code CPNE | CPNE | NPEC final | Statut | Date
  d'applicabilité des NPEC** (an Excel date);
- sheet « Onglet 4 - CPNE-IDCC »: Code CPNE | CPNE | IDCC.

The file is read row by row with openpyxl in read-only mode and written in batches, so that
memory stays flat whatever the file's size (docs/dependencies.md: python-calamine reads 9 times
faster but holds the whole sheet — 350 MB for the 400,000 rows of a full file). Every edition is kept (a
contract is funded on the NPEC in force on the day it was concluded); importing the same file
again changes nothing. A row that cannot be read is reported with its reason and left out;
a file whose sheets or columns are missing imports nothing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import CpneAgreement, NpecEdition, NpecImport, NpecLevel

LEVELS_SHEET = "Onglet 3 - référentiel NPEC"
AGREEMENTS_SHEET = "Onglet 4 - CPNE-IDCC"
BATCH = 5000
KEPT_REJECTIONS = 1000
RNCP = re.compile(r"^RNCP\d{2,6}$")
EXCEL_EPOCH = date(1899, 12, 30)
NOT_SET = {"NC", "NR", "ND", "-"}

# Columns looked for in the header row (its text without accents, case or footnote stars).
LEVEL_COLUMNS = {
    "rncp": ("code rncp", "rncp"),
    "title": ("libelle de la formation", "intitule de la certification", "libelle"),
    "certifier": ("certificateur",),
    "diploma_type": ("type de diplome", "type diplome"),
    "cpne_code": ("code cpne",),
    "cpne": ("cpne",),
    "amount": ("npec final", "valeur finale", "npec"),
    "status": ("statut",),
    "applicable_from": ("date d'applicabilite", "date d applicabilite"),
    "procedure": ("procedure", "annee de la procedure"),
}
AGREEMENT_COLUMNS = {
    "cpne_code": ("code cpne",),
    "cpne": ("cpne",),
    "idcc": ("idcc", "code idcc"),
}
REQUIRED_LEVEL = ("rncp", "cpne_code", "amount")
# The date a level applies from; older editions give the procedure's year instead (it then
# applies from 1 September of that year).
LEVEL_DATES = ("applicable_from", "procedure")


class NpecFileError(Exception):
    """The file is not the referential (sheet or column missing): nothing is imported."""


@dataclass
class Report:
    edition: NpecEdition | None = None
    already: bool = False
    levels: int = 0
    agreements: int = 0
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row, why)
    rejected_count: int = 0

    def reject(self, sheet: str, number: int, why: str) -> None:
        """Count every row left out; keep the first ``KEPT_REJECTIONS`` with their reason (a
        file of bad rows must not fill the memory)."""
        self.rejected_count += 1
        if len(self.rejected) < KEPT_REJECTIONS:
            self.rejected.append((sheet, number, why))


def _plain(text: object) -> str:
    value = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[\s*]+", " ", value.replace("’", "'")).strip().lower().rstrip(" *")


def _columns(header: list, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    names = [_plain(cell) for cell in header]
    found: dict[str, int] = {}
    for key, options in wanted.items():
        for option in options:  # exact names first, then a name the header starts with
            index = next((i for i, name in enumerate(names) if name == option), None)
            if index is None:
                index = next(
                    (i for i, name in enumerate(names) if name.startswith(option + " ")), None
                )
            if index is not None and index not in found.values():
                found[key] = index
                break
    return found


def _rows(
    sheet: Any,
    wanted: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    one_of: tuple[str, ...] = (),
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {key: cell}) after the header row: the first of the first 10 rows holding
    every ``required`` column and one of ``one_of``; a file without one is refused, naming
    what the best-matching row lacks."""
    rows = sheet.iter_rows(values_only=True)
    best: dict[str, int] = {}
    columns: dict[str, int] = {}
    number = 0
    for row in rows:
        number += 1
        found = _columns(row, wanted)
        if len(found) > len(best):
            best = found
        if all(key in found for key in required) and (
            not one_of or any(key in found for key in one_of)
        ):
            columns = found
            break
        if number >= 10:
            break
    if not columns:
        missing = [key for key in required if key not in best]
        if one_of and not any(key in best for key in one_of):
            missing.append(" / ".join(one_of))
        raise NpecFileError(
            _("Feuille « %(sheet)s » : colonnes introuvables (%(columns)s).")
            % {"sheet": sheet.title, "columns": ", ".join(missing)}
        )
    for row in rows:
        number += 1
        if not any(cell not in ("", None) for cell in row):
            continue
        yield number, {key: (row[i] if i < len(row) else "") for key, i in columns.items()}


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value if value is not None else "").strip()


def _amount(value: object) -> Decimal:
    text = _text(value).replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    text = text.replace("€", "").replace(",", ".")
    if text.upper() in NOT_SET or not text:
        raise ValueError(_("NPEC non fixé (« %(value)s »)") % {"value": _text(value) or "vide"})
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(_("montant illisible (« %(value)s »)") % {"value": _text(value)}) from None
    if amount <= 0 or amount >= Decimal("100000000"):
        raise ValueError(_("montant hors limites (%(value)s)") % {"value": _text(value)})
    return amount


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("date d'applicabilité illisible (« %(value)s »)") % {"value": text})


def _procedure(value: object) -> date:
    """« 2021 », « Procédure 2021 »…: the level applies from 1 September of that year."""
    found = re.search(r"(20\d\d)", _text(value))
    if not found:
        raise ValueError(
            _("année de procédure illisible (« %(value)s »)") % {"value": _text(value)}
        )
    return date(int(found.group(1)), 9, 1)


def _rncps(value: object) -> list[str]:
    """« RNCP1002 », « 1002 », or several codes separated by « / » (older editions)."""
    codes = []
    for part in re.split(r"[/;]", _text(value)):
        code = part.strip().upper().replace(" ", "")
        if code.isdigit():
            code = f"RNCP{code}"
        if not RNCP.match(code):
            raise ValueError(_("code RNCP mal formé (« %(value)s »)") % {"value": _text(value)})
        codes.append(code)
    return codes


def _cpne_code(value: object) -> str:
    code = _text(value)
    if not code or not re.fullmatch(r"[0-9A-Za-z]{1,10}", code):
        raise ValueError(_("code CPNE absent ou mal formé (« %(value)s »)") % {"value": code})
    return code


def _levels(sheet: Any, edition: NpecEdition, report: Report) -> int:
    """Read and write the levels in batches; a certification × CPNE seen twice is reported
    (looked up in the rows written so far, never in a set of the whole file)."""
    batch: dict[tuple[str, str], tuple[int, NpecLevel]] = {}
    written = 0

    def flush() -> int:
        rncps = sorted({rncp for rncp, _cpne in batch})
        earlier = set(
            NpecLevel.objects.filter(edition=edition, rncp__in=rncps).values_list(
                "rncp", "cpne_code"
            )
        )
        rows = []
        for key, (number, level) in batch.items():
            if key in earlier:
                report.reject(sheet.title, number, _duplicate(*key))
            else:
                rows.append(level)
        NpecLevel.objects.bulk_create(rows)
        batch.clear()
        return len(rows)

    for number, cells in _rows(sheet, LEVEL_COLUMNS, REQUIRED_LEVEL, LEVEL_DATES):
        try:
            rncps = _rncps(cells["rncp"])
            cpne_code = _cpne_code(cells["cpne_code"])
            amount = _amount(cells["amount"])
            applicable_from = (
                _date(cells["applicable_from"])
                if "applicable_from" in cells
                else _procedure(cells["procedure"])
            )
        except ValueError as error:
            report.reject(sheet.title, number, str(error))
            continue
        for rncp in rncps:
            if (rncp, cpne_code) in batch:
                report.reject(sheet.title, number, _duplicate(rncp, cpne_code))
                continue
            batch[(rncp, cpne_code)] = (
                number,
                NpecLevel(
                    edition=edition,
                    rncp=rncp,
                    title=_text(cells.get("title"))[:500],
                    certifier=_text(cells.get("certifier"))[:300],
                    diploma_type=_text(cells.get("diploma_type"))[:100],
                    cpne_code=cpne_code,
                    cpne=_text(cells.get("cpne"))[:300],
                    amount=amount,
                    status=_text(cells.get("status"))[:10],
                    applicable_from=applicable_from,
                ),
            )
        if len(batch) >= BATCH:
            written += flush()
    if batch:
        written += flush()
    return written


def _duplicate(rncp: str, cpne_code: str) -> str:
    return _("%(rncp)s × CPNE %(cpne)s en double") % {"rncp": rncp, "cpne": cpne_code}


def _agreements(sheet: Any, edition: NpecEdition, report: Report) -> Iterator[CpneAgreement]:
    seen: set[tuple[str, str]] = set()
    for number, cells in _rows(sheet, AGREEMENT_COLUMNS, ("cpne_code", "idcc")):
        try:
            cpne_code = _cpne_code(cells["cpne_code"])
            idcc = _text(cells["idcc"])
            if not idcc.isdigit() or len(idcc) > 4:
                raise ValueError(_("IDCC mal formé (« %(value)s »)") % {"value": idcc})
        except ValueError as error:
            report.reject(sheet.title, number, str(error))
            continue
        idcc = idcc.zfill(4)
        if (cpne_code, idcc) in seen:
            continue
        seen.add((cpne_code, idcc))
        yield CpneAgreement(
            edition=edition, cpne_code=cpne_code, cpne=_text(cells.get("cpne"))[:300], idcc=idcc
        )


def _save(model: Any, rows: Iterator[Any]) -> int:
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(path: str | Path, *, name: str = "") -> Report:
    """Import one edition of the referential (a no-op for a file already imported)."""
    from openpyxl import load_workbook

    path = Path(path)
    report = Report()
    sha256 = file_digest(path)
    existing = NpecEdition.objects.filter(sha256=sha256).first()
    if existing is not None:
        report.edition, report.already = existing, True
        report.levels, report.agreements = existing.rows, existing.agreements.count()
        return report
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zipfile, XML or openpyxl errors: a file that is no xlsx
        raise NpecFileError(_("Ce fichier n'est pas un classeur Excel lisible.")) from error
    try:
        names = {_plain(name): name for name in workbook.sheetnames}
        sheets = {}
        for wanted in (LEVELS_SHEET, AGREEMENTS_SHEET):
            actual = names.get(_plain(wanted))
            if actual is None:
                raise NpecFileError(
                    _("Feuille « %(sheet)s » introuvable dans ce fichier.") % {"sheet": wanted}
                )
            sheets[wanted] = actual
        try:
            edition = _import_edition(workbook, sheets, name or path.name, sha256, report)
        except IntegrityError:
            # The same file imported by another worker at the same moment: it is there now.
            existing = NpecEdition.objects.get(sha256=sha256)
            report = Report(edition=existing, already=True, levels=existing.rows)
            report.agreements = existing.agreements.count()
            return report
    finally:
        workbook.close()
    report.edition = edition
    return report


@transaction.atomic
def _import_edition(
    workbook: Any, sheets: dict[str, str], name: str, sha256: str, report: Report
) -> NpecEdition:
    edition = NpecEdition.objects.create(name=name, sha256=sha256)
    report.agreements = _save(
        CpneAgreement,
        _agreements(workbook[sheets[AGREEMENTS_SHEET]], edition, report),
    )
    report.levels = _levels(workbook[sheets[LEVELS_SHEET]], edition, report)
    if not report.levels:
        raise NpecFileError(_("Aucune ligne du référentiel n'a pu être lue."))
    edition.rows, edition.rejected = report.levels, report.rejected_count
    edition.save(update_fields=["rows", "rejected"])
    return edition


def upload_import(upload_id: int, *, retake: bool = False) -> NpecImport:
    """Import a file uploaded in the back office (the task's work): the same import as the
    command, its report kept on the upload. Idempotent: an upload already taken is left, unless
    ``retake`` (the task taken up again after its worker was lost, core/lost_tasks.py) and the
    upload was left running; importing a file twice adds nothing (``import_file``)."""
    import os
    import tempfile
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    from .models import NpecImportState

    # A queued upload, or one left running by a worker that died an hour ago.
    stale = Q(state=NpecImportState.RUNNING, created_at__lt=timezone.now() - timedelta(hours=1))
    if retake:
        stale = Q(state=NpecImportState.RUNNING)
    claimed = (
        NpecImport.objects.filter(pk=upload_id)
        .filter(Q(state=NpecImportState.QUEUED) | stale)
        .update(state=NpecImportState.RUNNING)
    )
    upload = NpecImport.objects.get(pk=upload_id)
    if not claimed:
        return upload
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        with os.fdopen(handle, "wb") as target, upload.file.open("rb") as source:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        report = import_file(path, name=upload.original_name)
    except NpecFileError as error:
        upload.state, upload.error = NpecImportState.FAILED, str(error)
    except Exception as error:  # recorded for staff; the file stays for a look
        upload.state, upload.error = NpecImportState.FAILED, repr(error)[:2000]
    else:
        upload.state = NpecImportState.DONE
        upload.edition, upload.already = report.edition, report.already
        upload.levels, upload.agreements = report.levels, report.agreements
        upload.rejected_count = report.rejected_count
        upload.rejected = [list(row) for row in report.rejected[:200]]
    finally:
        os.unlink(path)
    upload.finished_at = timezone.now()
    upload.save()
    return upload
