"""« Mes factures » as an Excel workbook: the invoices the user reads with the list's filters
(recomputed when the export runs), one row per invoice with its dossier, issuer, amounts HT /
TVA / TTC, the amount accepted, the credit notes and its payment. Read by id ranges of
``CHUNK`` as plain values, written by rustpy-xlsxwriter like the dossiers' export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from monespace.dossiers.enums import DossierKind
from monespace.invoices.models import CreditNote, Invoice, InvoiceState

from .dossiers import CHUNK, Column, _cell

# Filters of « Mes factures » an export keeps.
INVOICE_PARAMS = ("q", "etat", "dispositif")
GROUPS = {
    "a-traiter": (InvoiceState.DEPOSITED, InvoiceState.UNDER_CONTROL),
    "acceptees": (InvoiceState.TO_PAY,),
    "payees": (InvoiceState.PAID,),
    "rejetees": (InvoiceState.REJECTED,),
}


def visible_for_export(user, params: dict[str, str]) -> QuerySet[Invoice]:
    from monespace.invoices.access import invoices_visible

    rows = invoices_visible(user)
    text = "".join(params.get("q", "").split()).upper()[:40]
    if text:
        rows = rows.filter(Q(number__iexact=text) | Q(dossier__number=text))
    if params.get("dispositif") in DossierKind.values:
        rows = rows.filter(kind=params["dispositif"])
    if params.get("etat") in GROUPS:
        rows = rows.filter(state__in=GROUPS[params["etat"]])
    return rows


def columns() -> list[Column]:
    return [
        Column(_("N° de facture"), "number", "text", 16),
        Column(_("Date de la facture"), "issued_on", "date", 11),
        Column(_("État"), "state_label", "text", 16),
        Column(_("N° de dossier"), "dossier__number", "text", 16),
        Column(_("Dispositif"), "kind_label", "text", 22),
        Column(_("Intitulé"), "dossier__title", "text", 36),
        Column(_("Entreprise"), "company__name", "text", 30),
        Column(_("SIRET de l'établissement"), "establishment__siret", "text", 16),
        Column(_("Émetteur"), "payee_company__name", "text", 30),
        Column(_("SIRET de l'émetteur"), "payee_establishment__siret", "text", 16),
        Column(_("Déposée le"), "deposited_at", "date", 11),
        Column(_("Total HT"), "total_ht", "money", 14),
        Column(_("Total TVA"), "total_tva", "money", 14),
        Column(_("Total TTC"), "total_ttc", "money", 14),
        Column(_("Accepté"), "accepted_total", "money", 14),
        Column(_("Avoirs"), "credited", "money", 14),
        Column(_("Motif"), "reason", "text", 30),
        Column(_("Payée le"), "paid_on", "date", 11),
        Column(_("Référence du virement"), "payment__end_to_end", "text", 24),
    ]


COMPUTED = ("state_label", "kind_label", "credited")


def rows_of(queryset: QuerySet[Invoice], cols: list[Column]) -> Iterator[list[Any]]:
    keys = sorted({"pk", "state", "kind"} | {c.key for c in cols if c.key not in COMPUTED})
    states = dict(InvoiceState.choices)
    kinds = dict(DossierKind.choices)
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk").values(*keys)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        credited: dict[int, Decimal] = defaultdict(Decimal)
        for invoice_id, total in (
            CreditNote.objects.filter(invoice_id__in=[r["pk"] for r in chunk])
            .values_list("invoice_id")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            credited[invoice_id] = total
        for row in chunk:
            row["state_label"] = str(states.get(row["state"], row["state"]))
            row["kind_label"] = str(kinds.get(row["kind"], row["kind"]))
            row["credited"] = credited.get(row["pk"])
            yield [row.get(c.key) for c in cols]
        if len(chunk) < CHUNK:
            return


def write_workbook(
    path: str,
    queryset: QuerySet[Invoice],
    *,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    return _write(path, queryset, _("Factures"), columns(), rows_of, progress)


# --- The back office's invoices (staff) ---------------------------------------------------------

STAFF_INVOICE_PARAMS = ("etat",)


def staff_invoices_for_export(user, params: dict[str, str]) -> QuerySet[Invoice]:
    """« Factures à contrôler » as filtered: by state, else the invoices to control."""
    from monespace.invoices.models import OPEN_STATES

    if not user.is_staff:
        return Invoice.objects.none()
    state = params.get("etat")
    if state in InvoiceState.values:
        return Invoice.objects.filter(state=state)
    return Invoice.objects.filter(state__in=OPEN_STATES)


# --- « Règlements » -------------------------------------------------------------------------------

PAYMENT_PARAMS: tuple[str, ...] = ()


def payments_for_export(user, params: dict[str, str]):
    from monespace.invoices.access import payments_visible

    return payments_visible(user)


def payment_columns() -> list[Column]:
    return [
        Column(_("Date d'exécution"), "run__execution_date", "date", 11),
        Column(_("Référence du virement"), "end_to_end", "text", 26),
        Column(_("Bénéficiaire"), "payee_company__name", "text", 30),
        Column(_("SIRET"), "payee_establishment__siret", "text", 16),
        Column(_("Compte (IBAN masqué)"), "iban", "text", 22),
        Column(_("Montant"), "amount", "money", 14),
        Column(_("Factures"), "invoice_numbers", "text", 40),
        Column(_("Avoirs déduits"), "credit_numbers", "text", 30),
        Column(_("Libellé"), "remittance", "text", 50),
    ]


def payment_rows(queryset, cols: list[Column]) -> Iterator[list[Any]]:
    from monespace.core.identifiers import mask_iban
    from monespace.invoices.models import CreditNote

    computed = ("iban", "invoice_numbers", "credit_numbers")
    keys = sorted({"pk", "bank_account__iban"} | {c.key for c in cols if c.key not in computed})
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk").values(*keys)[:CHUNK])
        if not chunk:
            return
        last = chunk[-1]["pk"]
        ids = [row["pk"] for row in chunk]
        invoices: dict[int, list[str]] = defaultdict(list)
        for payment_id, number in (
            Invoice.objects.filter(payment_id__in=ids)
            .order_by("number")
            .values_list("payment_id", "number")
        ):
            invoices[payment_id].append(number)
        credits: dict[int, list[str]] = defaultdict(list)
        for payment_id, number in (
            CreditNote.objects.filter(payment_id__in=ids)
            .order_by("number")
            .values_list("payment_id", "number")
        ):
            credits[payment_id].append(number)
        for row in chunk:
            row["iban"] = mask_iban(row["bank_account__iban"])
            row["invoice_numbers"] = ", ".join(invoices.get(row["pk"], []))
            row["credit_numbers"] = ", ".join(credits.get(row["pk"], []))
            yield [row.get(c.key) for c in cols]
        if len(chunk) < CHUNK:
            return


def write_payments_workbook(
    path: str, queryset, *, progress: Callable[[int], None] = lambda done: None
) -> int:
    return _write(path, queryset, _("Règlements"), payment_columns(), payment_rows, progress)


def _write(path, queryset, name, cols, rows, progress) -> int:
    from rustpy_xlsxwriter import FastExcel, Format

    formats = {
        "date": Format().set_num_format("dd/mm/yyyy"),
        "money": Format().set_num_format('#,##0.00\\ "€"'),
    }
    header = Format().set_bold().set_background_color("#E8EEF7").set_text_wrap()
    headers = [c.header for c in cols]
    written = 0

    def records() -> Iterator[dict[str, Any]]:
        nonlocal written
        for values in rows(queryset, cols):
            yield dict(
                zip(headers, (_cell(c, v) for c, v in zip(cols, values, strict=True)), strict=True)
            )
            written += 1
            if written % CHUNK == 0:
                progress(written)

    if not queryset.exists():
        import xlsxwriter

        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet(name)
        for index, column in enumerate(cols):
            sheet.write_string(0, index, column.header)
            sheet.set_column(index, index, column.width)
        book.close()
        return 0
    book = FastExcel(path)
    book.freeze(row=1, sheet=name)
    book.sheet(
        name,
        records(),
        column_formats={c.header: formats[c.kind] for c in cols if c.kind in formats},
        column_widths={c.header: c.width for c in cols},
        header_format=header,
        autofilter=True,
    )
    book.save()
    progress(written)
    return written
