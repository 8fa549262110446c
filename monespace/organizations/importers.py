"""Streaming CSV importers: the INSEE Sirene stock files and the OPCO's own data.

Business rules shared by every importer:

- the file is read row by row, never loaded whole (the Sirene stock files hold millions of rows);
- columns are found by their header name: their order does not matter and unknown columns are
  ignored, so newer INSEE files with more columns still import;
- each row is validated; a bad row never stops the import, it is reported with its line number
  and a reason (never the row's content, which may hold personal data) and skipped;
- rows are written in batches, one transaction per batch;
- importing the same file twice gives the same rows (upserts on the natural keys).

The Sirene import owns the directory fields (name, address, NAF, state…) and never touches the
OPCO's fields (member and provider numbers, branch, IDCC, NDA, UAI, Qualiopi), which only
``import_opco_data`` writes.
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import batched
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.identifiers import clean_idcc, clean_nda, clean_siren, clean_siret, clean_uai

from .enums import AdministrativeState, CompanyState, Profile
from .models import Company, Establishment, KnownContact, Rights

DEFAULT_BATCH_SIZE = 5000

LEGAL_UNIT_COLUMNS = (
    "siren",
    "denominationUniteLegale",
    "prenom1UniteLegale",
    "nomUniteLegale",
    "sigleUniteLegale",
    "activitePrincipaleUniteLegale",
    "trancheEffectifsUniteLegale",
    "categorieJuridiqueUniteLegale",
    "etatAdministratifUniteLegale",
    "nicSiegeUniteLegale",
)

ESTABLISHMENT_COLUMNS = (
    "siren",
    "siret",
    "etablissementSiege",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "activitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "etatAdministratifEtablissement",
)

OPCO_COLUMNS = (
    "siret",
    "member_number",
    "provider_number",
    "branch",
    "idcc",
    "nda",
    "uai",
    "qualiopi_categories",
    "qualiopi_valid_until",
)

KNOWN_CONTACT_COLUMNS = (
    "email",
    "siret",
    "profile",
    "civility",
    "last_name",
    "first_name",
    "job_title",
    *Rights.RIGHT_FIELDS,
)

# Fields each import writes; everything else on the row is left alone.
COMPANY_SIRENE_FIELDS = [
    "name",
    "naf",
    "headcount_band",
    "legal_category",
    "state",
    "head_office_nic",
    "updated_at",
]
ESTABLISHMENT_SIRENE_FIELDS = [
    "company",
    "name",
    "address",
    "address_complement",
    "postal_code",
    "city",
    "naf",
    "headcount_band",
    "is_head_office",
    "state",
    "updated_at",
]
ESTABLISHMENT_OPCO_FIELDS = [name for name in OPCO_COLUMNS if name != "siret"]
KNOWN_CONTACT_FIELDS = ["civility", "last_name", "first_name", "job_title", *Rights.RIGHT_FIELDS]

TRUE_VALUES = {"1", "oui", "true"}
FALSE_VALUES = {"", "0", "non", "false"}
CIVILITIES = {"m": "M.", "m.": "M.", "monsieur": "M.", "mme": "Mme", "madame": "Mme"}


@dataclass
class ImportResult:
    """What an import did: rows read, rows written, and the rejected lines with the reason."""

    read: int = 0
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def reject(self, line_no, reason):
        self.rejected.append((line_no, reason))


class ImportFileError(Exception):
    """The file as a whole cannot be imported (empty, wrong encoding, required columns missing)."""


class RowError(Exception):
    """A row that cannot be imported; the message is the reason shown to the operator."""


# --- Reading ----------------------------------------------------------------------------------


def _detect_delimiter(header_line):
    """French spreadsheets export with ";", other tools with ","; the header tells which."""
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def read_rows(path, required_columns, *, delimiter=None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_no, row)`` for each data row, values stripped (missing cells are "").

    ``line_no`` is the file's line number (the header is line 1). Raises ImportFileError when
    the file is empty, not UTF-8, or its header lacks one of ``required_columns``.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            if delimiter is None:
                delimiter = _detect_delimiter(file.readline())
                file.seek(0)
            reader = csv.DictReader(file, delimiter=delimiter)
            if not reader.fieldnames:
                raise ImportFileError(_("Le fichier %(file)s est vide.") % {"file": path.name})
            reader.fieldnames = [name.strip() for name in reader.fieldnames]
            missing = [column for column in required_columns if column not in reader.fieldnames]
            if missing:
                raise ImportFileError(
                    _("Colonnes manquantes dans l'en-tête de %(file)s : %(columns)s.")
                    % {"file": path.name, "columns": ", ".join(missing)}
                )
            for row in reader:
                yield (
                    reader.line_num,
                    {
                        name: (value or "").strip()
                        for name, value in row.items()
                        if name is not None
                    },
                )
    except UnicodeDecodeError:
        raise ImportFileError(
            _("Le fichier %(file)s n'est pas encodé en UTF-8.") % {"file": path.name}
        ) from None
    except csv.Error as error:
        raise ImportFileError(
            _("Le fichier %(file)s n'est pas un CSV lisible : %(error)s")
            % {"file": path.name, "error": error}
        ) from None


def _run(path, columns, import_batch, *, batch_size, progress, delimiter=None):
    """Read ``path`` in batches of ``batch_size`` rows and hand each batch to ``import_batch``."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    result = ImportResult()
    for batch in batched(read_rows(path, columns, delimiter=delimiter), batch_size):
        result.read += len(batch)
        import_batch(batch, result)
        if progress is not None:
            progress(result.read)
    return result


# --- Row validation helpers ---------------------------------------------------------------------


def _required(row, column):
    value = row.get(column, "")
    if not value:
        raise RowError(_("valeur manquante dans la colonne « %(column)s ».") % {"column": column})
    return value


def _clean(cleaner, value):
    """Run an identifier cleaner, turning its ValidationError into a RowError."""
    try:
        return cleaner(value)
    except ValidationError as error:
        raise RowError(" ".join(str(message) for message in error.messages)) from None


def _clean_optional(cleaner, value):
    return _clean(cleaner, value) if value else ""


def _fit(instance, fields):
    """Cut directory text longer than its column: PostgreSQL would refuse the whole batch."""
    for name in fields:
        model_field = instance._meta.get_field(name)
        value = getattr(instance, model_field.attname)
        if model_field.max_length and isinstance(value, str):
            setattr(instance, model_field.attname, value[: model_field.max_length])
    return instance


def _check_lengths(model, values):
    """OPCO data is never cut: a value longer than its column rejects the row."""
    for name, value in values.items():
        max_length = model._meta.get_field(name).max_length
        if max_length and isinstance(value, str) and len(value) > max_length:
            raise RowError(
                _("valeur trop longue dans la colonne « %(column)s » (%(max)s caractères au plus).")
                % {"column": name, "max": max_length}
            )


def _parse_date(value, column):
    """Dates as YYYY-MM-DD or DD/MM/YYYY (French spreadsheets); empty means no date."""
    if not value:
        return None
    for date_format in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise RowError(
        _("date invalide dans la colonne « %(column)s » (AAAA-MM-JJ ou JJ/MM/AAAA attendu).")
        % {"column": column}
    )


def _parse_bool(value, column):
    """Rights are 1/0, oui/non or true/false; an empty cell means no."""
    value = value.lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise RowError(
        _(
            "valeur non reconnue dans la colonne « %(column)s » (1/0, oui/non ou true/false attendu)."
        )
        % {"column": column}
    )


def _state(row, column, allowed):
    value = _required(row, column).upper()
    if value not in allowed:
        raise RowError(
            _("état administratif inconnu dans la colonne « %(column)s ».") % {"column": column}
        )
    return value


# --- Sirene: legal units -----------------------------------------------------------------------


def _legal_unit(row):
    """A Company from a StockUniteLegale row.

    Name: the denomination; for an individual entrepreneur, "first name last name"; else the sigle.
    """
    siren = _clean(clean_siren, _required(row, "siren"))
    individual_name = " ".join(filter(None, (row["prenom1UniteLegale"], row["nomUniteLegale"])))
    name = row["denominationUniteLegale"] or individual_name or row["sigleUniteLegale"]
    if not name:
        raise RowError(_("aucun nom (dénomination, prénom et nom, ou sigle)."))
    company = Company(
        siren=siren,
        name=name,
        naf=row["activitePrincipaleUniteLegale"],
        headcount_band=row["trancheEffectifsUniteLegale"],
        legal_category=row["categorieJuridiqueUniteLegale"],
        state=_state(row, "etatAdministratifUniteLegale", CompanyState.values),
        head_office_nic=row["nicSiegeUniteLegale"],
    )
    return _fit(company, COMPANY_SIRENE_FIELDS)


def _import_legal_unit_batch(batch, result):
    companies = {}
    for line_no, row in batch:
        try:
            company = _legal_unit(row)
        except RowError as error:
            result.reject(line_no, str(error))
            continue
        companies[company.siren] = company  # the last row of a SIREN wins
        result.imported += 1
    if companies:
        with transaction.atomic():
            Company.objects.bulk_create(
                companies.values(),
                update_conflicts=True,
                unique_fields=["siren"],
                update_fields=COMPANY_SIRENE_FIELDS,
            )


def import_sirene_legal_units(
    path, *, batch_size=DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
):
    """Upsert companies (by SIREN) from an INSEE ``StockUniteLegale`` CSV file."""
    return _run(
        path,
        LEGAL_UNIT_COLUMNS,
        _import_legal_unit_batch,
        batch_size=batch_size,
        progress=progress,
        delimiter=",",
    )


# --- Sirene: establishments --------------------------------------------------------------------


def _establishment(row):
    """An Establishment (company not yet set) and its SIREN, from a StockEtablissement row."""
    siret = _clean(clean_siret, _required(row, "siret"))
    siren = siret[:9]
    if row["siren"] and row["siren"] != siren:
        raise RowError(_("le SIREN ne correspond pas aux 9 premiers chiffres du SIRET."))
    address = " ".join(
        filter(
            None,
            (
                row["numeroVoieEtablissement"],
                row["indiceRepetitionEtablissement"],
                row["typeVoieEtablissement"],
                row["libelleVoieEtablissement"],
            ),
        )
    )
    establishment = Establishment(
        siret=siret,
        name=row["enseigne1Etablissement"] or row["denominationUsuelleEtablissement"],
        address=address,
        address_complement=row["complementAdresseEtablissement"],
        postal_code=row["codePostalEtablissement"],
        city=row["libelleCommuneEtablissement"],
        naf=row["activitePrincipaleEtablissement"],
        headcount_band=row["trancheEffectifsEtablissement"],
        is_head_office=row["etablissementSiege"].lower() == "true",
        state=_state(row, "etatAdministratifEtablissement", AdministrativeState.values),
    )
    return _fit(establishment, ESTABLISHMENT_SIRENE_FIELDS), siren


def _company_ids(names_by_siren):
    """Map SIREN → company id, creating a minimal company when the legal unit is not imported yet.

    The minimal company is named after the establishment (else its SIREN); the next import of
    the legal units file gives it its real name.
    """
    ids = dict(Company.objects.filter(siren__in=names_by_siren).values_list("siren", "id"))
    missing = [
        Company(siren=siren, name=(name or siren)[:255])
        for siren, name in names_by_siren.items()
        if siren not in ids
    ]
    if missing:
        Company.objects.bulk_create(missing, ignore_conflicts=True)
        ids.update(
            Company.objects.filter(siren__in=[company.siren for company in missing]).values_list(
                "siren", "id"
            )
        )
    return ids


def _import_establishment_batch(batch, result):
    establishments = {}
    names_by_siren = {}
    for line_no, row in batch:
        try:
            establishment, siren = _establishment(row)
        except RowError as error:
            result.reject(line_no, str(error))
            continue
        establishments[establishment.siret] = (siren, establishment)  # the last row wins
        if not names_by_siren.get(siren):
            names_by_siren[siren] = establishment.name
        result.imported += 1
    if not establishments:
        return
    with transaction.atomic():
        company_ids = _company_ids(names_by_siren)
        for siren, establishment in establishments.values():
            establishment.company_id = company_ids[siren]
        Establishment.objects.bulk_create(
            [establishment for _siren, establishment in establishments.values()],
            update_conflicts=True,
            unique_fields=["siret"],
            update_fields=ESTABLISHMENT_SIRENE_FIELDS,
        )


def import_sirene_establishments(
    path, *, batch_size=DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
):
    """Upsert establishments (by SIRET) from an INSEE ``StockEtablissement`` CSV file.

    Only directory fields are written: the OPCO's fields of an existing establishment are kept.
    """
    return _run(
        path,
        ESTABLISHMENT_COLUMNS,
        _import_establishment_batch,
        batch_size=batch_size,
        progress=progress,
        delimiter=",",
    )


# --- OPCO data -----------------------------------------------------------------------------------


def _opco_values(row):
    """The OPCO fields of a row; an empty cell empties the field (the file is the reference)."""
    siret = _clean(clean_siret, _required(row, "siret"))
    values = {
        "member_number": row["member_number"].replace(" ", "").upper(),
        "provider_number": row["provider_number"].replace(" ", "").upper(),
        "branch": row["branch"],
        "idcc": _clean_optional(clean_idcc, row["idcc"]),
        "nda": _clean_optional(clean_nda, row["nda"]),
        "uai": _clean_optional(clean_uai, row["uai"]),
        "qualiopi_categories": row["qualiopi_categories"],
        "qualiopi_valid_until": _parse_date(row["qualiopi_valid_until"], "qualiopi_valid_until"),
    }
    _check_lengths(Establishment, values)
    return siret, values


def _import_opco_batch(batch, result):
    rows = {}
    for line_no, row in batch:
        try:
            siret, values = _opco_values(row)
        except RowError as error:
            result.reject(line_no, str(error))
            continue
        rows[siret] = (line_no, values)  # the last row of a SIRET wins
    existing = Establishment.objects.in_bulk(list(rows), field_name="siret")
    now = timezone.now()
    updates = []
    for siret, (line_no, values) in rows.items():
        establishment = existing.get(siret)
        if establishment is None:
            result.reject(
                line_no, _("SIRET inconnu : importez d'abord le fichier Sirene des établissements.")
            )
            continue
        for name, value in values.items():
            setattr(establishment, name, value)
        establishment.updated_at = now
        updates.append((line_no, establishment))
    if not updates:
        return
    fields = [*ESTABLISHMENT_OPCO_FIELDS, "updated_at"]
    try:
        with transaction.atomic():
            Establishment.objects.bulk_update(
                [establishment for _line, establishment in updates], fields
            )
        result.imported += len(updates)
    except IntegrityError:
        # A member or provider number already belongs to another establishment: find the lines.
        for line_no, establishment in updates:
            try:
                with transaction.atomic():
                    establishment.save(update_fields=fields)
                result.imported += 1
            except IntegrityError:
                result.reject(
                    line_no,
                    _(
                        "numéro adhérent ou numéro d'organisme déjà attribué à un autre établissement."
                    ),
                )


def import_opco_data(
    path, *, batch_size=DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
):
    """Update the OPCO's own fields of known establishments from its CSV export.

    Only member/provider numbers, branch, IDCC, NDA, UAI and Qualiopi are written; an unknown
    SIRET or an invalid IDCC, NDA, UAI or date rejects the line.
    """
    return _run(path, OPCO_COLUMNS, _import_opco_batch, batch_size=batch_size, progress=progress)


# --- Known contacts ----------------------------------------------------------------------------


def _known_contact(row):
    """A KnownContact (establishment not yet set) and its SIRET."""
    email = _required(row, "email").lower()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise RowError(_("adresse e-mail invalide.")) from None
    siret = _clean(clean_siret, _required(row, "siret"))
    profile = _required(row, "profile").lower()
    if profile not in Profile.values:
        raise RowError(_("profil inconnu (member ou provider attendu)."))
    civility = CIVILITIES.get(row["civility"].lower(), row["civility"])
    values = {
        "civility": civility,
        "last_name": row["last_name"],
        "first_name": row["first_name"],
        "job_title": row["job_title"],
    }
    _check_lengths(KnownContact, values)
    rights = {name: _parse_bool(row[name], name) for name in Rights.RIGHT_FIELDS}
    return KnownContact(email=email, profile=profile, **values, **rights), siret


def _import_known_contact_batch(batch, result):
    parsed = []
    for line_no, row in batch:
        try:
            contact, siret = _known_contact(row)
        except RowError as error:
            result.reject(line_no, str(error))
            continue
        parsed.append((line_no, contact, siret))
    establishment_ids = dict(
        Establishment.objects.filter(
            siret__in={siret for _line, _contact, siret in parsed}
        ).values_list("siret", "id")
    )
    contacts = {}
    for line_no, contact, siret in parsed:
        if siret not in establishment_ids:
            result.reject(
                line_no, _("SIRET inconnu : importez d'abord le fichier Sirene des établissements.")
            )
            continue
        contact.establishment_id = establishment_ids[siret]
        contacts[(contact.email, contact.establishment_id, contact.profile)] = contact  # last wins
        result.imported += 1
    if contacts:
        with transaction.atomic():
            KnownContact.objects.bulk_create(
                contacts.values(),
                update_conflicts=True,
                unique_fields=["email", "establishment", "profile"],
                update_fields=KNOWN_CONTACT_FIELDS,
            )


def import_known_contacts(
    path, *, batch_size=DEFAULT_BATCH_SIZE, progress: Callable[[int], None] | None = None
):
    """Upsert the contacts the OPCO knows (by e-mail, establishment and profile), with their rights."""
    return _run(
        path,
        KNOWN_CONTACT_COLUMNS,
        _import_known_contact_batch,
        batch_size=batch_size,
        progress=progress,
    )
