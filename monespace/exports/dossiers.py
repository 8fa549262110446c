"""« Mes dossiers » as an Excel workbook: the rows the user sees with the list's filters and
perimeter (recomputed when the export runs: never a row the user could not open), one sheet per
dispositif, typed cells (dates as dates, amounts as numbers in euros, identifiers as text so
that a SIRET keeps its zeros), frozen header, autofilter, column widths, and per dossier its
financial details (requested, granted, invoiced and paid per cost line, and what remains to
invoice, from the ledger).


Rows are read by id ranges of ``CHUNK`` (keyset: an index scan that stops at each chunk, no
OFFSET), as plain values (no model instances), with the granted amounts of a chunk in one
query; XlsxWriter writes in constant memory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.dossiers import perms
from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.filters import dossier_filter_q, perimeter_q
from monespace.dossiers.kinds import all_kinds
from monespace.dossiers.kinds.training_action import MODULES_LINE
from monespace.dossiers.models import COST_FIELDS, DecisionKind, Dossier, GrantedAmount, Module
from monespace.invoices import ledger

CHUNK = 2000


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # a values() key, or a computed one (see _row)
    kind: str  # text, date, money, number
    width: int


def visible_for_export(user, params: dict[str, str], perimeter: int | None) -> QuerySet[Dossier]:
    reach = perms.reach_of(user)
    rows = perms.visible_to(user, reach=reach)
    if perimeter:
        rows = rows.filter(perimeter_q(perimeter))
    return rows.filter(dossier_filter_q(user, params, reach=reach))


def _common() -> list[Column]:
    return [
        Column(_("N° de dossier"), "number", "text", 16),
        Column(_("État"), "state_label", "text", 18),
        Column(_("Entreprise"), "company__name", "text", 32),
        Column(_("SIREN"), "company__siren", "text", 11),
        Column(_("SIRET de l'établissement"), "establishment__siret", "text", 16),
        Column(_("Intitulé"), "title", "text", 40),
        Column(_("Organisme / CFA"), "provider_name", "text", 30),
        Column(_("SIRET de l'organisme"), "provider_siret", "text", 16),
        Column(_("Début"), "start_date", "date", 11),
        Column(_("Fin"), "end_date", "date", 11),
        Column(_("Transmis le"), "submitted_at", "date", 11),
        Column(_("Montant demandé"), "requested", "money", 14),
        Column(_("Montant accordé / engagé"), "granted_total", "money", 14),
        Column(_("Facturé (accepté)"), "invoiced", "money", 14),
        Column(_("Payé"), "paid", "money", 14),
        Column(_("Reste à facturer"), "remaining", "money", 14),
    ]


def columns_for(kind: str) -> list[Column]:
    columns = _common()
    if kind == DossierKind.TRAINING_ACTION:
        columns.append(Column(_("Durée (heures)"), "training__duration_hours", "number", 10))
        for code, label in COST_FIELDS:
            columns.append(
                Column(_("%(line)s — demandé") % {"line": label}, f"training__{code}", "money", 14)
            )
            columns.append(
                Column(_("%(line)s — accordé") % {"line": label}, f"granted:{code}", "money", 14)
            )
            columns.append(
                Column(_("%(line)s — facturé") % {"line": label}, f"invoiced:{code}", "money", 14)
            )
            columns.append(
                Column(_("%(line)s — payé") % {"line": label}, f"paid:{code}", "money", 14)
            )
            columns.append(
                Column(
                    _("%(line)s — reste à facturer") % {"line": label},
                    f"remaining:{code}",
                    "money",
                    14,
                )
            )
        # The complementary modules' costs, one more line (kinds/training_action.py).
        label = _("Modules complémentaires (HT)")
        for key, what in (
            ("requested", _("demandé")),
            ("granted", _("accordé")),
            ("invoiced", _("facturé")),
            ("paid", _("payé")),
            ("remaining", _("reste à facturer")),
        ):
            columns.append(Column(f"{label} — {what}", f"{key}:{MODULES_LINE}", "money", 14))
    elif kind == DossierKind.APPRENTICESHIP:
        columns += [
            Column(_("Apprenti(e) — nom"), "apprenticeship__apprentice_last_name", "text", 20),
            Column(_("Apprenti(e) — prénom"), "apprenticeship__apprentice_first_name", "text", 16),
            Column(_("N° de dépôt"), "apprenticeship__deca_number", "text", 17),
            Column(_("Code RNCP"), "apprenticeship__rncp", "text", 11),
            Column(_("Diplôme ou titre visé"), "apprenticeship__qualification_title", "text", 30),
            Column(_("Date de conclusion"), "apprenticeship__conclusion_date", "date", 11),
        ]
    elif kind in (DossierKind.PROFESSIONALISATION, DossierKind.PRO_A):
        columns += [
            Column(_("Salarié(e) — nom"), "professionalisation__employee_last_name", "text", 20),
            Column(
                _("Salarié(e) — prénom"), "professionalisation__employee_first_name", "text", 16
            ),
            Column(_("Tuteur — nom"), "professionalisation__tutor_last_name", "text", 20),
            Column(_("Code RNCP"), "professionalisation__rncp", "text", 11),
            Column(
                _("Qualification visée"), "professionalisation__qualification_title", "text", 30
            ),
            Column(_("Heures de formation"), "professionalisation__training_hours", "number", 10),
            Column(_("Date de conclusion"), "professionalisation__conclusion_date", "date", 11),
        ]
    return columns


# Keys of a row computed here, not read from the dossier's columns.
COMPUTED = ("state_label", "requested", "invoiced", "paid", "remaining")


def _values(columns: list[Column]) -> list[str]:
    keys = {"pk", "state", "kind"}
    for column in columns:
        if ":" in column.key or column.key in COMPUTED:
            continue
        keys.add(column.key)
    return sorted(keys)


def _granted(ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Per dossier, the amounts per line of its latest approval (or change by the OPCO)."""
    latest: dict[int, tuple[int, dict[str, Decimal]]] = {}
    for dossier_id, decision_id, line, amount in (
        GrantedAmount.objects.filter(
            decision__dossier_id__in=ids,
            decision__kind__in=(DecisionKind.APPROVAL, DecisionKind.CHANGE),
        )
        .order_by("decision_id")
        .values_list("decision__dossier_id", "decision_id", "line", "amount")
    ):
        seen = latest.get(dossier_id)
        if seen is None or seen[0] != decision_id:
            latest[dossier_id] = (decision_id, {})
        latest[dossier_id][1][line] = amount
    return {dossier_id: lines for dossier_id, (_d, lines) in latest.items()}


def rows_of(queryset: QuerySet[Dossier], kind: str, columns: list[Column]) -> Iterator[list[Any]]:
    """The sheet's rows, chunk by chunk."""
    keys = _values(columns)
    states = dict(DossierState.choices)
    costs = [f"training__{code}" for code, _label in COST_FIELDS]
    last = 0
    while True:
        chunk = list(queryset.filter(kind=kind, pk__gt=last).order_by("pk").values(*keys)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        ids = [row["pk"] for row in chunk]
        granted = _granted(ids) if kind == DossierKind.TRAINING_ACTION else {}
        modules = (
            dict(
                Module.objects.filter(dossier_id__in=ids)
                .values_list("dossier_id")
                .annotate(total=Sum("cost"))
                .order_by()
            )
            if kind == DossierKind.TRAINING_ACTION
            else {}
        )
        money = ledger.balances(ids)
        for row in chunk:
            row["state_label"] = str(states.get(row["state"], row["state"]))
            lines = money.get(row["pk"])
            if lines:
                whole = ledger.total(lines)
                row["invoiced"], row["paid"], row["remaining"] = (
                    whole.invoiced,
                    whole.paid,
                    whole.remaining,
                )
                for code, balance in lines.items():
                    row[f"invoiced:{code}"], row[f"paid:{code}"] = balance.invoiced, balance.paid
                    row[f"remaining:{code}"] = balance.remaining
            if kind == DossierKind.TRAINING_ACTION:
                asked_modules = modules.get(row["pk"]) or Decimal(0)
                row[f"requested:{MODULES_LINE}"] = asked_modules or None
                row["requested"] = (
                    sum((row[c] or Decimal(0) for c in costs), Decimal(0)) + asked_modules
                )
                for code, amount in granted.get(row["pk"], {}).items():
                    row[f"granted:{code}"] = amount
            else:
                row["requested"] = None
            yield [row.get(column.key) for column in columns]
        if len(chunk) < CHUNK:
            return


def _cell(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "text":
        return str(value)
    if column.kind == "date":
        return timezone.localtime(value).date() if isinstance(value, datetime) else value
    return float(value)


def write_workbook(
    path: str,
    queryset: QuerySet[Dossier],
    *,
    progress: Callable[[int], None] = lambda done: None,
    every: int = CHUNK,
) -> int:
    """Write the workbook at ``path``; returns the number of rows written.

    rustpy-xlsxwriter (the Rust rust_xlsxwriter behind a Python API) writes the rows the
    generators give as they come, about five times as fast as XlsxWriter's constant-memory mode
    (benchmarks/export_dossiers.py, docs/performance.md)."""
    from rustpy_xlsxwriter import FastExcel, Format

    formats = {
        "date": Format().set_num_format("dd/mm/yyyy"),
        "money": Format().set_num_format('#,##0.00\\ "€"'),
        "number": Format().set_num_format("0.##"),
    }
    header = Format().set_bold().set_background_color("#E8EEF7").set_text_wrap()
    written = 0

    def records(kind: str, columns: list[Column]) -> Iterator[dict[str, Any]]:
        nonlocal written
        headers = [column.header for column in columns]
        for values in rows_of(queryset, kind, columns):
            yield dict(
                zip(
                    headers,
                    (_cell(c, v) for c, v in zip(columns, values, strict=True)),
                    strict=True,
                )
            )
            written += 1
            if written % every == 0:
                progress(written)

    book = FastExcel(path)
    kinds = [k for k in all_kinds() if queryset.filter(kind=k.value).exists()]
    for kind in kinds:
        columns = columns_for(kind.value)
        name = kind.sheet_name
        book.freeze(row=1, sheet=name)
        book.sheet(
            name,
            records(kind.value, columns),
            column_formats={c.header: formats[c.kind] for c in columns if c.kind in formats},
            column_widths={c.header: c.width for c in columns},
            header_format=header,
            autofilter=True,
        )
    if kinds:
        book.save()
    else:
        _empty(path)
    progress(written)
    return written


def _empty(path: str) -> None:
    """No row: a sheet with the headers alone, so that the file still says what it holds."""
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet(all_kinds()[0].sheet_name)
    for index, column in enumerate(columns_for(all_kinds()[0].value)):
        sheet.write_string(0, index, column.header)
        sheet.set_column(index, index, column.width)
    book.close()
