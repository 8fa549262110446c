"""The old portal's RIBs (issue 15, seed 002: « Les RIB déposés sur l'ancien portail sont
disponibles sur l'actuel dans l'onglet historique — page « Factures » »).

Each line of ``rib.csv`` becomes a ``BankAccount`` in the state « Repris de l'ancien portail »:
shown in the history of « Coordonnées bancaires » to those who read the company's invoices,
its IBAN masked, never used for a payment (payments use the RIB « En vigueur », which a new
deposit validated by an advisor gives) and without a document (the old portal's files are not
in the extract). The IBAN and the BIC are checked as a deposit checks them (schwifty). A RIB
keeps its old reference: a second import finds it and skips it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.identifiers import clean_bic, clean_iban, clean_siren, clean_siret, iban_bank
from monespace.core.models import ActivityEvent
from monespace.dossiers.enums import ScanStatus
from monespace.dossiers.takeover import (
    CHUNK,
    RIB_FILE,
    Report,
    RowError,
    Rows,
    at_midnight,
    choice,
    parse_date,
    required,
    text,
)
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Establishment

from .models import BankAccount, BankAccountState

RIB_COLUMNS = ("reference", "siren", "titulaire", "iban", "bic", "date_depot")
PROFILES = {
    "adherent": Profile.MEMBER,
    "entreprise": Profile.MEMBER,
    "prestataire": Profile.PROVIDER,
    "organisme": Profile.PROVIDER,
}


def _clean(cleaner: Callable[[str], str], value: str, label: str) -> str:
    try:
        return cleaner(value)
    except ValidationError as error:
        raise RowError(f"{label} : {' '.join(error.messages)}") from None


def parse_rib(row: dict[str, str]) -> dict:
    reference = text(row, "reference", 40, is_required=True)
    siren = _clean(clean_siren, required(row, "siren"), _("SIREN"))
    siret = row.get("siret", "")
    if siret:
        siret = _clean(clean_siret, siret, _("SIRET"))
        if not siret.startswith(siren):
            raise RowError(_("le SIRET n'est pas un établissement de ce SIREN."))
    profile = (
        choice(row, "profil", PROFILES, sorted(PROFILES)) if row.get("profil") else Profile.MEMBER
    )
    holder = text(row, "titulaire", 140, is_required=True)
    iban = _clean(clean_iban, row.get("iban", ""), _("IBAN"))
    bic = _clean(clean_bic, row.get("bic", ""), _("BIC"))
    bank_name, expected = iban_bank(iban)
    # As a deposit checks it (www/bank_details.py): the bank and country of the BIC the
    # registry knows for this IBAN.
    if expected and expected[:6] != bic[:6]:
        raise RowError(
            _("BIC : ce BIC n'est pas celui de la banque de l'IBAN (%(expected)s attendu).")
            % {"expected": expected}
        )
    deposited = parse_date(row, "date_depot", is_required=True)
    until = parse_date(row, "date_fin")
    assert deposited is not None
    if until is not None and until < deposited:
        raise RowError(_("dates dans le désordre : la date de fin précède la date de dépôt."))
    return {
        "legacy_reference": reference,
        "siren": siren,
        "siret": siret,
        "profile": profile,
        "holder": holder,
        "iban": iban,
        "bic": bic,
        "bank_name": bank_name[:200],
        "deposited_at": at_midnight(deposited),
        "used_until": until,
    }


def take_over_ribs(rows: Rows, report: Report) -> None:
    """Each line in its own transaction; the rejected ones with their reason."""
    parsed: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        report.ribs_read += 1
        try:
            values = parse_rib(row)
        except RowError as error:
            report.reject(RIB_FILE, line, str(error))
            continue
        reference = values["legacy_reference"]
        if reference in seen:
            report.reject(
                RIB_FILE,
                line,
                _("référence en double dans le fichier (déjà à la ligne %(line)s).")
                % {"line": seen[reference]},
            )
            continue
        seen[reference] = line
        parsed.append((line, values))
    # In chunks: SQLite allows a limited number of parameters per query.
    known = set(
        _chunked(
            BankAccount.objects.values_list("legacy_reference", "legacy_reference"),
            "legacy_reference",
            {values["legacy_reference"] for _line, values in parsed},
        )
    )
    companies = _chunked(
        Company.objects.values_list("siren", "pk"), "siren", {v["siren"] for _l, v in parsed}
    )
    establishments = _chunked(
        Establishment.objects.values_list("siret", "pk"),
        "siret",
        {v["siret"] for _l, v in parsed if v["siret"]},
    )
    now = timezone.now()
    for line, values in parsed:
        reference = values.pop("legacy_reference")
        if reference in known:
            report.already.append((RIB_FILE, line, reference))
            continue
        siren, siret = values.pop("siren"), values.pop("siret")
        if siren not in companies:
            report.reject(
                RIB_FILE,
                line,
                _("SIREN inconnu de l'annuaire du portail : %(siren)s.") % {"siren": siren},
            )
            continue
        if siret and siret not in establishments:
            report.reject(
                RIB_FILE,
                line,
                _("SIRET inconnu de l'annuaire du portail : %(siret)s.") % {"siret": siret},
            )
            continue
        try:
            with transaction.atomic():
                account = BankAccount.objects.create(
                    company_id=companies[siren],
                    establishment_id=establishments.get(siret),
                    state=BankAccountState.TAKEN_OVER,
                    legacy_reference=reference,
                    # No document came from the old portal: nothing to download nor scan.
                    file="",
                    original_name="",
                    content_type="",
                    size=0,
                    sha256="",
                    scan_status=ScanStatus.UNSCANNED,
                    **values,
                )
                ActivityEvent.objects.create(
                    object_type="bank_account",
                    object_id=account.pk,
                    action="taken_over",
                    message=account.masked_iban,
                    created_at=now,
                )
        except IntegrityError as error:
            if BankAccount.objects.filter(legacy_reference=reference).exists():
                # Taken over at the same moment by another run.
                report.already.append((RIB_FILE, line, reference))
            else:
                report.reject(
                    RIB_FILE,
                    line,
                    _("refusé par la base de données (%(error)s).") % {"error": error},
                )
            continue
        report.ribs_imported += 1


def _chunked(pairs, field: str, wanted: set[str]) -> dict:
    """``dict(pairs.filter(field__in=wanted))``, asked ``CHUNK`` values at a time."""
    found: dict = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), CHUNK):
        found.update(pairs.filter(**{f"{field}__in": ordered[start : start + CHUNK]}))
    return found
