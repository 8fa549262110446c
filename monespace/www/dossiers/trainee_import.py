"""« Importer une liste » of the « Salariés » step of a training action (issue 15): a list of
trainees pasted from a spreadsheet or uploaded (CSV or XLSX) is read into rows; each row is
checked by the single trainee's form (``NewTraineeForm``: the same rules, never a copy of
them), shown in a preview with its errors, and added only once the user confirms.

Business rules:

- the first non-empty row names the columns, in any order; case, accents, punctuation and a
  note in parentheses do not matter (« DATE DE NAISSANCE (jj/mm/aaaa) » is « Date de
  naissance »); an unknown, missing or repeated column stops the import;
- at most ``MAX_BYTES`` and ``MAX_ROWS`` rows; empty rows are skipped; line numbers are those
  of the file (the column row is line 1 when it comes first);
- a person already on the dossier (same names and birth date, case and accents aside) is
  skipped, so that confirming twice adds once; a person twice in the list is an error on the
  second line;
- rows with an error are never added: the others may be (the button says how many), unless
  the dossier would then hold more than ``MAX_TRAINEES``: then nothing is, and duplicating the
  dossier is offered (seed 002);
- between the preview and the confirmation the rows travel in a signed payload (bound to the
  dossier and the user, one hour), and are checked again on confirmation.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.forms import Form
from monespace.dossiers.enums import ContractType, EmployeeCategory
from monespace.dossiers.models import MAX_TRAINEES
from monespace.dossiers.services import person_key

from .forms import NewTraineeForm

logger = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024  # 1 Mo, file or pasted text
MAX_ROWS = 500
MAX_COLUMNS = 30
# A workbook of 1 Mo that unzips into more than this is no list of employees (zip bomb).
MAX_UNZIPPED_BYTES = 30 * 1024 * 1024
# Rows read from a sheet, empty ones included, before giving up (formatted empty rows).
MAX_SHEET_ROWS = 20 * MAX_ROWS
EXCEL_EPOCH = date(1899, 12, 30)
PAYLOAD_MAX_AGE = 3600  # seconds between the preview and the confirmation


class ListError(ValueError):
    """The list cannot be read at all (the message is for the user)."""


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...] = ()
    # A column the single form requires may be left out when it has a default here.
    default: str | None = None
    example: Any = ""

    @property
    def label(self) -> str:
        return str(NewTraineeForm.base_fields[self.field].label)

    @property
    def required(self) -> bool:
        return NewTraineeForm.base_fields[self.field].required and self.default is None


def category_labels() -> str:
    return ", ".join(str(label) for _code, label in EmployeeCategory.choices)


def contract_labels() -> str:
    return ", ".join(str(label) for _code, label in ContractType.choices)


# The columns of the list: the fields of the single trainee's form, in the template's order.
COLUMNS: tuple[Column, ...] = (
    Column(
        "last_name",
        ("nom", "nom de famille", "nom de naissance", "nom d usage"),
        example=gettext_lazy("lettres, espaces, tirets, apostrophes"),
    ),
    Column("first_name", ("prenom", "prenoms"), example=gettext_lazy("lettres")),
    Column(
        "birth_date",
        ("naissance", "date naissance", "ne le", "nee le", "ne e le"),
        example=gettext_lazy("JJ/MM/AAAA, par exemple 04/05/1990, ou une date Excel"),
    ),
    Column(
        "hours_on_work_time",
        ("heures", "heures sur temps de travail", "heures temps de travail", "nombre d heures"),
        example=gettext_lazy("un nombre, par exemple 7 ou 10,5"),
    ),
    Column(
        "hours_off_work_time",
        ("heures hors du temps de travail", "heures hors temps travail"),
        default="0",
        example=gettext_lazy("un nombre ; 0 si la colonne ou la case est vide"),
    ),
    Column("job", ("emploi", "poste", "fonction", "metier"), example=gettext_lazy("texte libre")),
    Column(
        "category",
        ("csp", "categorie socioprofessionnelle", "categorie socio professionnelle"),
        example=gettext_lazy("Ouvrier, Employé, Technicien, agent de maîtrise ou Cadre"),
    ),
    Column(
        "contract",
        ("type de contrat", "nature du contrat"),
        example=gettext_lazy("CDI, CDD ou Autre"),
    ),
)
FIELDS = tuple(column.field for column in COLUMNS)


def fold(text: Any) -> str:
    """A header or a choice as compared: no accents, case, punctuation, note in parentheses
    nor footnote star."""
    text = re.sub(r"\(.*?\)|\*", " ", str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@functools.cache
def headers() -> dict[str, str]:
    """Each name a column may have (folded) → its field."""
    return {
        name: column.field
        for column in COLUMNS
        for name in (fold(column.label), *column.aliases, fold(column.field))
    }


@functools.cache
def choices() -> dict[str, dict[str, str]]:
    """What a category or a contract may be written as (folded) → its code."""
    return {
        "category": {
            **{fold(label): code for code, label in EmployeeCategory.choices},
            **{fold(code): code for code in EmployeeCategory.values},
            "ouvriere": EmployeeCategory.WORKER,
            "employee": EmployeeCategory.CLERK,
            "technicien": EmployeeCategory.SUPERVISOR,
            "technicienne": EmployeeCategory.SUPERVISOR,
            "agent de maitrise": EmployeeCategory.SUPERVISOR,
            "etam": EmployeeCategory.SUPERVISOR,
        },
        "contract": {
            **{fold(label): code for code, label in ContractType.choices},
            **{fold(code): code for code in ContractType.values},
        },
    }


class ImportedTraineeForm(NewTraineeForm):
    """The single trainee's form, for one row of a list: the same fields and rules, only the
    message of a wrong category or contract names the values to write in the file."""

    def __init__(self, *args, **kwargs):
        kwargs["prefix"] = None
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["invalid_choice"] = _(
            "Écrivez l'une de ces catégories : %(values)s."
        ) % {"values": category_labels()}
        self.fields["contract"].error_messages["invalid_choice"] = _(
            "Écrivez l'un de ces contrats : %(values)s."
        ) % {"values": contract_labels()}


@dataclass
class Row:
    """One line of the list: what it says (text per field), then the verdict."""

    line: int
    values: dict[str, str]
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    cleaned: dict[str, Any] | None = None
    on_dossier: bool = False  # already a trainee of the dossier: skipped

    @property
    def ready(self) -> bool:
        return not self.errors and not self.on_dossier

    def form_data(self) -> dict[str, str]:
        data = dict(self.values)
        for name, known in choices().items():
            data[name] = known.get(fold(data[name]), data[name]) if data[name] else ""
        for column in COLUMNS:
            if column.default is not None and not data[column.field]:
                data[column.field] = column.default
        return data


# --- Reading ------------------------------------------------------------------------------------


def read_upload(upload) -> list[Row]:
    """The rows of an uploaded .csv (UTF-8 or Windows-1252; « ; », « , » or tabs) or .xlsx."""
    if upload.size == 0:
        raise ListError(_("Le fichier est vide."))
    if upload.size > MAX_BYTES:
        raise ListError(_("Le fichier dépasse 1 Mo : scindez la liste en plusieurs fichiers."))
    content = upload.read(MAX_BYTES + 1)
    name = (upload.name or "").lower()
    if name.endswith(".xls"):
        raise ListError(
            _(
                "Les classeurs .xls (Excel 97-2003) ne sont pas lus : enregistrez le fichier au "
                "format .xlsx ou CSV."
            )
        )
    if content.startswith(b"PK\x03\x04"):
        return _rows(_read_xlsx(content))
    if name.endswith((".xlsx", ".xlsm")):
        raise ListError(_not_a_workbook())
    return _rows(_read_csv(_decode(content)))


def read_text(text: str) -> list[Row]:
    """The rows of text pasted from a spreadsheet (tabs) or a CSV (« ; » or « , »)."""
    if len(text.encode()) > MAX_BYTES:
        raise ListError(_("Le texte collé dépasse 1 Mo : importez la liste en plusieurs fois."))
    if not text.strip():
        raise ListError(_("Collez les lignes de la liste, la ligne des colonnes en premier."))
    return _rows(_read_csv(text))


def _not_a_workbook() -> str:
    return _(
        "Ce fichier n'est pas un classeur Excel .xlsx lisible : ouvrez-le dans Excel et "
        "enregistrez-le à nouveau au format .xlsx, ou au format CSV."
    )


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise ListError(_("Ce fichier n'est pas un texte CSV : joignez un fichier .csv ou .xlsx."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ListError(
            _("L'encodage de ce fichier n'est pas reconnu : enregistrez-le en « CSV UTF-8 ».")
        ) from None


def _read_csv(text: str) -> list[tuple[int, list[Any]]]:
    """(line number, cells) of each record; the separator is the most frequent of tab, « ; »
    and « , » on the first non-empty line."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max("\t;,", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    records: list[tuple[int, list[Any]]] = []
    try:
        line = 1
        for cells in reader:
            records.append((line, cells[:MAX_COLUMNS]))
            line = reader.line_num + 1
            if len(records) > MAX_SHEET_ROWS:
                raise ListError(_too_many())
    except csv.Error:
        raise ListError(
            _("La ligne %(line)d ne se lit pas : vérifiez ses guillemets.") % {"line": line}
        ) from None
    return records


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    """(row number, values) of the workbook's active sheet, read in read-only mode."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ListError(_not_a_workbook()) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ListError(
            _("Ce classeur est trop volumineux : gardez-y la seule liste des salariés.")
        )
    records: list[tuple[int, list[Any]]] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns of styles or extensions it ignores: not the user's business.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = workbook.active or workbook.worksheets[0]
                rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                for number, values in enumerate(rows, start=1):
                    if number > MAX_SHEET_ROWS:
                        raise ListError(_too_many())
                    records.append((number, list(values)))
            finally:
                workbook.close()
    except ListError:
        raise
    except Exception:  # zipfile, XML or openpyxl errors: a file that is no workbook
        logger.info("trainee list: unreadable workbook", exc_info=True)
        raise ListError(_not_a_workbook()) from None
    return records


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _rows(records: list[tuple[int, list[Any]]]) -> list[Row]:
    """The header row found and checked, then a Row per non-empty record."""
    records = [(line, cells) for line, cells in records if not all(map(_blank, cells))]
    if not records:
        raise ListError(_("La liste est vide."))
    header = records[0][1]
    positions: dict[str, int] = {}
    unknown = []
    for position, name in enumerate(header):
        if _blank(name):
            continue
        target = headers().get(fold(name))
        if target is None:
            unknown.append(str(name).strip())
        elif target in positions:
            raise ListError(
                _("La colonne « %(name)s » figure deux fois dans la ligne des colonnes.")
                % {"name": _label(target)}
            )
        else:
            positions[target] = position
    if unknown:
        raise ListError(
            _(
                "Colonne inconnue : %(unknown)s. La première ligne nomme les colonnes, parmi : "
                "%(known)s."
            )
            % {
                "unknown": ", ".join(f"« {name[:60]} »" for name in unknown[:5]),
                "known": ", ".join(column.label for column in COLUMNS),
            }
        )
    missing = [c.label for c in COLUMNS if c.required and c.field not in positions]
    if missing:
        raise ListError(
            _("Colonne manquante : %(missing)s (la première ligne nomme les colonnes).")
            % {"missing": ", ".join(f"« {name} »" for name in missing)}
        )
    data = records[1:]
    if not data:
        raise ListError(_("La liste ne compte aucun salarié sous la ligne des colonnes."))
    if len(data) > MAX_ROWS:
        raise ListError(_too_many())

    def cell(cells: list[Any], name: str) -> Any:
        position = positions.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    return [
        Row(line=line, values={name: _text(name, cell(cells, name)) for name in FIELDS})
        for line, cells in data
    ]


def _too_many() -> str:
    return _("La liste compte plus de %(max)d lignes : scindez-la.") % {"max": MAX_ROWS}


def _label(name: str) -> str:
    return next(column.label for column in COLUMNS if column.field == name)


def _text(name: str, value: Any) -> str:
    """A cell as the form reads it: Excel's dates and numbers written the French way."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if name == "birth_date":
        if isinstance(value, datetime | date):
            return value.strftime("%d/%m/%Y")
        serial = value if isinstance(value, int | float) else None
        if isinstance(value, str) and re.fullmatch(r"\d{4,5}", value.strip()):
            serial = int(value.strip())
        if serial is not None and 1000 <= serial < 100000:
            # An Excel date shown as a number (a cell without a date format).
            return (EXCEL_EPOCH + timedelta(days=int(serial))).strftime("%d/%m/%Y")
    if isinstance(value, float | int):
        try:
            number = Decimal(repr(value)).normalize()
        except InvalidOperation:
            return str(value)
        return format(number, "f").replace(".", ",")
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())[:300]


class TraineeImportForm(Form):
    """« Importer une liste »: a file, or lines pasted from a spreadsheet; read in ``clean``
    (``rows``), its reading errors next to the field used."""

    file = forms.FileField(
        label=gettext_lazy("Fichier CSV ou Excel (.xlsx)"),
        required=False,
        help_text=gettext_lazy("1 Mo et 500 lignes au plus."),
        error_messages={"empty": gettext_lazy("Le fichier est vide.")},
        widget=forms.FileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    text = forms.CharField(
        label=gettext_lazy("Ou collez les lignes copiées depuis votre tableur"),
        required=False,
        help_text=gettext_lazy(
            "La ligne des colonnes en premier ; colonnes séparées par des tabulations (copier-"
            "coller depuis Excel) ou par des « ; ». Un fichier joint remplace le texte collé."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )

    rows: list[Row]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "import")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text")
        if self.errors:
            return cleaned
        name = "file" if upload else "text"
        try:
            if upload:
                self.rows = read_upload(upload)
            elif text:
                self.rows = read_text(text)
            else:
                raise ListError(_("Joignez un fichier, ou collez les lignes de la liste."))
        except ListError as error:
            self.add_error(name, str(error))
        return cleaned


# --- Checking -----------------------------------------------------------------------------------


def check_rows(rows: list[Row], *, max_hours: Decimal | None, on_dossier: set[tuple]) -> list[Row]:
    """Each row through the single trainee's form; a person twice in the list, or already on
    the dossier (skipped), told apart. ``on_dossier``: ``person_key`` of the trainees."""
    seen: dict[tuple, int] = {}
    for row in rows:
        form = ImportedTraineeForm(row.form_data(), max_hours=max_hours)
        row.errors, row.cleaned, row.on_dossier = [], None, False
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = _label(name) if name in FIELDS else _("Ligne")
                row.errors.extend((label, str(message)) for message in messages)
            continue
        data = form.cleaned_data
        key = person_key(data["last_name"], data["first_name"], data["birth_date"])
        if key in on_dossier:
            row.on_dossier = True
        elif key in seen:
            row.errors.append(
                (
                    _label("last_name"),
                    _("Ce salarié figure déjà à la ligne %(line)d de la liste.")
                    % {"line": seen[key]},
                )
            )
        else:
            seen[key] = row.line
            row.cleaned = data
    return rows


@dataclass
class Preview:
    """What confirming would do: the rows ready, those in error, those skipped, and whether
    the dossier has room for them."""

    rows: list[Row]
    trainee_count: int

    @property
    def ready(self) -> list[Row]:
        return [row for row in self.rows if row.ready]

    @property
    def with_errors(self) -> list[Row]:
        return [row for row in self.rows if row.errors]

    @property
    def skipped(self) -> list[Row]:
        return [row for row in self.rows if row.on_dossier]

    @property
    def room(self) -> int:
        return max(MAX_TRAINEES - self.trainee_count, 0)

    @property
    def too_many(self) -> bool:
        return len(self.ready) > self.room

    @property
    def can_confirm(self) -> bool:
        return bool(self.ready) and not self.too_many

    def room_message(self) -> str:
        return room_message(self.trainee_count, len(self.ready))


def room_message(trainee_count: int, asked: int) -> str:
    """Why a group is refused beyond 30, with what can still be added (seed 002)."""
    return _(
        "Un dossier compte au plus %(max)d salariés : celui-ci en compte %(count)d, vous pouvez "
        "donc encore en inscrire %(left)d, et vous en ajoutez %(asked)d. Ajoutez-en moins, ou "
        "dupliquez-le : la copie reprend la formation et vous y inscrivez les autres salariés."
    ) % {
        "max": MAX_TRAINEES,
        "count": trainee_count,
        "left": max(MAX_TRAINEES - trainee_count, 0),
        "asked": asked,
    }


# --- Between the preview and the confirmation ---------------------------------------------------


def _salt(dossier, user) -> str:
    return f"trainees-import:{dossier.pk}:{user.pk}"


def sign_rows(rows: list[Row], *, dossier, user) -> str:
    """The rows ready to add, as they were read, for the confirmation (signed, compressed)."""
    return signing.dumps(
        [[row.line, [row.values[name] for name in FIELDS]] for row in rows],
        salt=_salt(dossier, user),
        compress=True,
    )


def unsign_rows(payload: str, *, dossier, user) -> list[Row]:
    try:
        data = signing.loads(payload, salt=_salt(dossier, user), max_age=PAYLOAD_MAX_AGE)
        return [
            Row(line=int(line), values=dict(zip(FIELDS, map(str, values), strict=True)))
            for line, values in data
        ][:MAX_ROWS]
    except (signing.BadSignature, ValueError, TypeError):
        raise ListError(
            _("L'aperçu a expiré ou n'est plus valable : importez la liste à nouveau.")
        ) from None


def as_text(rows: list[Row]) -> str:
    """The rows written back as « ; »-separated text with their column row, to correct them in
    the text box."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([column.label for column in COLUMNS])
    for row in rows:
        writer.writerow([row.values[name] for name in FIELDS])
    return out.getvalue()


def template_csv() -> str:
    """The list's template: the column row, « ; »-separated as French Excel writes it."""
    return as_text([])
