"""Take-over of the old portal's dossiers (issue 15, seed 002).

« Les dossiers laissés en état de brouillons n'ont pas été repris. Les dossiers transmis, en
revanche, ont été repris. » The old portal's extract is a folder of five CSV files (docs/
operations.md, « Reprise de l'ancien portail »): ``dossiers.csv`` (one line per training
action), ``couts.csv`` (its cost lines, asked and granted), ``pieces.csv`` (its documents'
metadata), ``historique.csv`` (its history) and ``rib.csv`` (the companies' RIBs, imported by
``invoices.takeover``).

Business rules:

- only training actions transmitted on the old portal are taken over, whatever their state
  since (in instruction, granted, refused, closed, cancelled); a draft is rejected with its
  reason, and so is a dossier of an establishment the directory does not know (SIRET);
- a dossier keeps its old number: its users know it, and a second import finds it and skips
  it (``Dossier.number`` is unique). A number in the portal's own format (``2024-AF-000123``)
  is refused, since the portal could give it again;
- a dossier and everything of it (costs, decision, history) is written in one transaction,
  or not at all: one bad line of it rejects the whole dossier;
- the documents come without their files: a ``Document`` row promises a file to download, so
  each is recorded in the history at its date instead (« Pièce reprise de l'ancien portail,
  non téléchargeable » with its type and name);
- the old approval is recorded as a decision with its amounts per line, but not in the ledger:
  the old portal's invoices and payments are not in the extract, so engaging the amounts again
  would let them be invoiced twice. Nobody is told of a take-over; users find their dossiers in
  « Mes dossiers » through their usual rights.

Files are read whole before anything is written, so a file that cannot be read stops the
import before any write. Rejected lines are reported with their file, line number and a reason,
never their content.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.formats import format_euros, parse_decimal
from monespace.core.identifiers import clean_siret
from monespace.organizations.importers import ImportFileError, read_rows
from monespace.organizations.models import Establishment

from .enums import DossierKind, DossierState, EventKind, PieceType
from .models import (
    COST_FIELDS,
    Decision,
    DecisionKind,
    Dossier,
    DossierEvent,
    GrantedAmount,
    TrainingAction,
)

DOSSIERS_FILE = "dossiers.csv"
COSTS_FILE = "couts.csv"
PIECES_FILE = "pieces.csv"
HISTORY_FILE = "historique.csv"
RIB_FILE = "rib.csv"
FILES = (DOSSIERS_FILE, COSTS_FILE, PIECES_FILE, HISTORY_FILE, RIB_FILE)

# Required columns of each file (others may follow, in any order; unknown ones are ignored).
DOSSIER_COLUMNS = (
    "numero",
    "siret",
    "intitule",
    "date_debut",
    "date_fin",
    "etat",
    "date_transmission",
)
COST_COLUMNS = ("numero_dossier", "ligne", "montant_demande", "montant_accorde")
PIECE_COLUMNS = ("numero_dossier", "nom", "type", "date")
HISTORY_COLUMNS = ("numero_dossier", "date", "evenement")

# The old portal's states, written as its screens wrote them (accents and case do not matter).
DRAFT_STATES = {"brouillon"}
STATES = {
    "transmis": DossierState.SUBMITTED,
    "en_instruction": DossierState.UNDER_REVIEW,
    "en_cours_d_instruction": DossierState.UNDER_REVIEW,
    "pieces_demandees": DossierState.DOCUMENTS_REQUESTED,
    "accorde": DossierState.APPROVED,
    "refuse": DossierState.REFUSED,
    "cloture": DossierState.CLOSED,
    "solde": DossierState.CLOSED,
    "annule": DossierState.CANCELLED,
}
# States in which the old portal had granted amounts (a closed dossier may have been granted
# before it was closed, or closed without an accord).
GRANTED_STATES = {DossierState.APPROVED, DossierState.CLOSED}
DECIDED_STATES = {DossierState.APPROVED, DossierState.REFUSED}

COST_LINES = {
    "pedagogique": "cost_teaching",
    "couts_pedagogiques": "cost_teaching",
    "remuneration": "cost_pay",
    "hebergement": "cost_lodging",
    "repas": "cost_meals",
    "transport": "cost_transport",
    "formation_tuteur": "cost_tutor_training",
    "allocation_formation": "cost_training_allowance",
    "divers": "cost_other",
    "ingenierie": "cost_engineering",
    "frais_d_ingenierie": "cost_engineering",
}
PIECE_TYPES = {
    "programme": PieceType.PROGRAMME,
    "convention": PieceType.CONVENTION,
    "devis": PieceType.CONVENTION,
    "emargement": PieceType.ATTENDANCE,
    "feuille_d_emargement": PieceType.ATTENDANCE,
    "certificat": PieceType.CERTIFICATE,
    "certificat_de_realisation": PieceType.CERTIFICATE,
    "facture": PieceType.INVOICE,
    "courrier": PieceType.LETTER,
    "autre": PieceType.OTHER,
}
EVENTS = {
    "creation": EventKind.CREATED,
    "transmission": EventKind.SUBMITTED,
    "prise_en_charge": EventKind.ASSIGNED,
    "pieces_demandees": EventKind.DOCUMENTS_REQUESTED,
    "pieces_fournies": EventKind.DOCUMENTS_PROVIDED,
    "accord": EventKind.APPROVED,
    "refus": EventKind.REFUSED,
    "cloture": EventKind.CLOSED,
    "annulation": EventKind.CANCELLED,
    "modification": EventKind.CHANGED,
    "demande_de_modification": EventKind.CHANGE_REQUESTED,
}

OLD_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,19}")
# The portal's own numbers (numbering in services.py): an old number of this shape could be
# given again to a new dossier.
PORTAL_NUMBER = re.compile(r"\d{4}-[A-Z]{2,5}-\d{6}")
AMOUNT_LIMIT = Decimal("1e10")  # 12 digits, 2 decimals
HOURS_LIMIT = Decimal("1e5")  # 7 digits, 2 decimals
MESSAGE_LIMIT = 2000
PROGRESS_EVERY = 500
CHUNK = 1000  # values per IN list (SQLite's limit on parameters)


class RowError(Exception):
    """A line that cannot be taken over; the message is the reason shown to the operator."""


@dataclass(frozen=True)
class Rejection:
    file: str
    line: int
    reason: str


@dataclass
class Report:
    """What the take-over did (or, with ``dry_run``, would do)."""

    dry_run: bool = False
    dossiers_read: int = 0
    dossiers_imported: int = 0
    pieces_imported: int = 0
    events_imported: int = 0
    ribs_read: int = 0
    ribs_imported: int = 0
    # (file, line, number or reference) of what an earlier run took over already.
    already: list[tuple[str, int, str]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def reject(self, file: str, line: int, reason: str) -> None:
        self.rejected.append(Rejection(file, line, reason))

    def rejected_in(self, file: str) -> int:
        return sum(1 for r in self.rejected if r.file == file)

    def already_in(self, file: str) -> int:
        return sum(1 for a in self.already if a[0] == file)


# --- Reading and cells -------------------------------------------------------------------------


Rows = list[tuple[int, dict[str, str]]]


def read_file(folder: Path, name: str, columns: Iterable[str]) -> Rows:
    """Every line of ``folder/name`` (``ImportFileError`` when it is missing or unreadable)."""
    path = folder / name
    if not path.is_file():
        raise ImportFileError(
            _("Fichier manquant dans le dossier %(folder)s : %(file)s.")
            % {"folder": folder, "file": name}
        )
    return list(read_rows(path, tuple(columns)))


def key(value: str) -> str:
    """« Pièces demandées » → ``pieces_demandees``: what the old portal wrote, compared without
    accents, case nor punctuation."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise RowError(_("valeur manquante dans la colonne « %(column)s ».") % {"column": column})
    return value


def text(row: dict[str, str], column: str, limit: int, *, is_required: bool = False) -> str:
    value = " ".join(row.get(column, "").split())
    if is_required and not value:
        required(row, column)
    if len(value) > limit:
        raise RowError(
            _("valeur trop longue dans la colonne « %(column)s » (%(max)s caractères au plus).")
            % {"column": column, "max": limit}
        )
    return value


def parse_date(
    row: dict[str, str], column: str, *, is_required: bool = False, past: bool = True
) -> date | None:
    """AAAA-MM-JJ or JJ/MM/AAAA. What happened on the old portal (``past``) never happened
    after today: it is closed. A training's dates may be ahead."""
    value = row.get(column, "")
    if not value:
        if is_required:
            required(row, column)
        return None
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value, form).date()
        except ValueError:
            continue
        if past and day > timezone.localdate():
            raise RowError(
                _("date dans le futur dans la colonne « %(column)s ».") % {"column": column}
            )
        return day
    raise RowError(
        _("date invalide dans la colonne « %(column)s » (AAAA-MM-JJ ou JJ/MM/AAAA attendu).")
        % {"column": column}
    )


def parse_moment(row: dict[str, str], column: str) -> datetime:
    """A date with or without its time (« 12/01/2023 16:40 »), in the portal's time zone; a
    date alone is taken at midnight."""
    value = required(row, column)
    for form in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ):
        try:
            moment = timezone.make_aware(datetime.strptime(value, form))
        except ValueError:
            continue
        if moment > timezone.now():
            raise RowError(
                _("date dans le futur dans la colonne « %(column)s ».") % {"column": column}
            )
        return moment
    return at_midnight(parse_date(row, column, is_required=True))  # type: ignore[arg-type]


def at_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def parse_amount(
    row: dict[str, str], column: str, *, limit: Decimal = AMOUNT_LIMIT
) -> Decimal | None:
    value = row.get(column, "")
    try:
        amount = parse_decimal(value)
    except ValueError:
        raise RowError(
            _("montant illisible dans la colonne « %(column)s ».") % {"column": column}
        ) from None
    if amount is None:
        return None
    if amount < 0:
        raise RowError(_("montant négatif dans la colonne « %(column)s ».") % {"column": column})
    if amount >= limit:
        raise RowError(
            _("montant hors limites dans la colonne « %(column)s ».") % {"column": column}
        )
    return amount.quantize(Decimal("0.01"))


def choice(row: dict[str, str], column: str, values: dict, expected: Iterable[str]) -> object:
    found = values.get(key(required(row, column)))
    if found is None:
        raise RowError(
            _("valeur inconnue dans la colonne « %(column)s » (attendu : %(values)s).")
            % {"column": column, "values": ", ".join(expected)}
        )
    return found


# --- Parsing a dossier and its lines -------------------------------------------------------------


@dataclass
class OldDossier:
    line: int
    number: str
    siret: str
    state: str
    values: dict  # Dossier fields
    training: dict  # TrainingAction fields
    decided_on: date | None
    refusal_reason: str
    costs: dict[str, Decimal] = field(default_factory=dict)  # asked, per cost-line code
    granted: dict[str, Decimal] = field(default_factory=dict)
    pieces: list[tuple[datetime, str]] = field(default_factory=list)  # (date, message)
    events: list[tuple[datetime, str, str]] = field(default_factory=list)  # (date, kind, text)


def old_number(value: str) -> str:
    if not OLD_NUMBER.fullmatch(value):
        raise RowError(
            _(
                "numéro de dossier invalide (20 caractères au plus : lettres, chiffres, "
                "« - », « / », « . » ou « _ »)."
            )
        )
    return value


def parse_dossier(line: int, row: dict[str, str]) -> OldDossier:
    number = old_number(required(row, "numero"))
    state_key = key(required(row, "etat"))
    if state_key in DRAFT_STATES:
        raise RowError(
            _(
                "brouillon : les dossiers laissés en brouillon sur l'ancien portail ne sont pas "
                "repris."
            )
        )
    state = STATES.get(state_key)
    if state is None:
        raise RowError(
            _("état inconnu dans la colonne « etat » (attendu : %(values)s).")
            % {
                "values": "transmis, en instruction, pièces demandées, accordé, refusé, "
                "clôturé, soldé, annulé"
            }
        )
    if PORTAL_NUMBER.fullmatch(number):
        raise RowError(
            _(
                "numéro au format des numéros du portail (AAAA-XX-NNNNNN) : le portail pourrait "
                "le donner à un nouveau dossier. Demandez une correspondance de numéros."
            )
        )
    try:
        siret = clean_siret(required(row, "siret"))
    except ValidationError as error:
        raise RowError(" ".join(error.messages)) from None
    start, end = (
        parse_date(row, "date_debut", is_required=True, past=False),
        parse_date(row, "date_fin", is_required=True, past=False),
    )
    assert start is not None and end is not None
    if end < start:
        raise RowError(_("dates dans le désordre : la date de fin précède la date de début."))
    submitted = parse_date(row, "date_transmission", is_required=True)
    assert submitted is not None
    created = parse_date(row, "date_creation") or submitted
    if submitted < created:
        raise RowError(
            _("dates dans le désordre : le dossier est transmis avant d'avoir été créé.")
        )
    decided = parse_date(row, "date_decision")
    if decided is None and state in DECIDED_STATES:
        raise RowError(
            _("valeur manquante dans la colonne « date_decision » (dossier accordé ou refusé).")
        )
    if decided is not None and decided < submitted:
        raise RowError(
            _("dates dans le désordre : la décision précède la transmission du dossier.")
        )
    provider_siret = row.get("siret_organisme", "")
    if provider_siret:
        try:
            provider_siret = clean_siret(provider_siret)
        except ValidationError as error:
            raise RowError(
                _("SIRET de l'organisme : %(error)s") % {"error": " ".join(error.messages)}
            ) from None
    hours = parse_amount(row, "duree_heures", limit=HOURS_LIMIT)
    return OldDossier(
        line=line,
        number=number,
        siret=siret,
        state=state,
        values={
            "title": text(row, "intitule", 255, is_required=True),
            "start_date": start,
            "end_date": end,
            "created_at": at_midnight(created),
            "submitted_at": at_midnight(submitted),
            "provider_name": text(row, "nom_organisme", 255),
            "provider_siret": provider_siret,
        },
        training={"duration_hours": hours},
        decided_on=decided,
        refusal_reason=text(row, "motif_refus", MESSAGE_LIMIT),
    )


def add_cost(dossier: OldDossier, row: dict[str, str]) -> None:
    code = str(choice(row, "ligne", COST_LINES, sorted(COST_LINES)))
    if code in dossier.costs:
        raise RowError(_("cette ligne de coût figure deux fois pour ce dossier."))
    asked = parse_amount(row, "montant_demande")
    if asked is None:
        required(row, "montant_demande")
    assert asked is not None
    granted = parse_amount(row, "montant_accorde")
    if granted is not None:
        if dossier.state not in GRANTED_STATES:
            raise RowError(_("montant accordé pour un dossier qui n'est ni accordé ni clôturé."))
        if granted > asked:
            raise RowError(
                _("montant accordé (%(granted)s) supérieur au montant demandé (%(asked)s).")
                % {"granted": format_euros(granted), "asked": format_euros(asked)}
            )
        dossier.granted[code] = granted
    dossier.costs[code] = asked


def add_piece(dossier: OldDossier, row: dict[str, str]) -> None:
    name = text(row, "nom", 255, is_required=True)
    piece_type = choice(row, "type", PIECE_TYPES, sorted(PIECE_TYPES))
    day = parse_date(row, "date", is_required=True)
    assert day is not None
    label = PieceType(str(piece_type)).label
    dossier.pieces.append((at_midnight(day), f"{label} : {name}"))


def add_event(dossier: OldDossier, row: dict[str, str]) -> None:
    moment = parse_moment(row, "date")
    kind = str(choice(row, "evenement", EVENTS, sorted(EVENTS)))
    dossier.events.append((moment, kind, text(row, "commentaire", MESSAGE_LIMIT)))


# --- The import ------------------------------------------------------------------------------------


def take_over(
    folder: Path | str,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Take the old portal's extract in ``folder`` over (docs/operations.md). With ``dry_run``
    everything is checked and written in one transaction rolled back at the end: the report is
    what a real run would do, and nothing is kept. Raises ``ImportFileError`` when a file is
    missing or unreadable, before anything is written."""
    from monespace.invoices import takeover as ribs

    folder = Path(folder)
    if not folder.is_dir():
        raise ImportFileError(
            _("%(folder)s n'est pas un dossier : indiquez le dossier qui contient %(files)s.")
            % {"folder": folder, "files": ", ".join(FILES)}
        )
    files = {
        DOSSIERS_FILE: read_file(folder, DOSSIERS_FILE, DOSSIER_COLUMNS),
        COSTS_FILE: read_file(folder, COSTS_FILE, COST_COLUMNS),
        PIECES_FILE: read_file(folder, PIECES_FILE, PIECE_COLUMNS),
        HISTORY_FILE: read_file(folder, HISTORY_FILE, HISTORY_COLUMNS),
        RIB_FILE: read_file(folder, RIB_FILE, ribs.RIB_COLUMNS),
    }
    report = Report(dry_run=dry_run)
    with transaction.atomic() if dry_run else nullcontext():
        _take_over_dossiers(files, report, progress)
        ribs.take_over_ribs(files[RIB_FILE], report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _take_over_dossiers(
    files: dict[str, Rows], report: Report, progress: Callable[[int], None] | None
) -> None:
    # 1. The dossiers' own lines.
    parsed: dict[str, OldDossier] = {}
    skipped: set[str] = set()  # drafts and rejected dossiers: their lines are not looked at
    first_line: dict[str, int] = {}
    for line, row in files[DOSSIERS_FILE]:
        report.dossiers_read += 1
        number = row.get("numero", "")
        if number and number in first_line:
            report.reject(
                DOSSIERS_FILE,
                line,
                _("numéro en double dans le fichier (déjà à la ligne %(line)s).")
                % {"line": first_line[number]},
            )
            continue
        if number:
            first_line[number] = line
        try:
            parsed[number] = parse_dossier(line, row)
        except RowError as error:
            report.reject(DOSSIERS_FILE, line, str(error))
            if number:
                skipped.add(number)

    # 2. What the portal already holds: establishments, and numbers taken over or given.
    establishments = _by_siret(
        Establishment.objects.select_related("company"), {d.siret for d in parsed.values()}
    )
    providers = _by_siret(
        Establishment.objects.filter(Q(provider_number__gt="") | Q(nda__gt="")),
        {d.values["provider_siret"] for d in parsed.values() if d.values["provider_siret"]},
    )
    existing: dict[str, datetime | None] = {}
    numbers = sorted(parsed)
    for start in range(0, len(numbers), CHUNK):
        for given, taken_over_at in Dossier.objects.filter(
            number__in=numbers[start : start + CHUNK]
        ).values_list("number", "taken_over_at"):
            existing[str(given)] = taken_over_at
    for number, dossier in list(parsed.items()):
        reason = None
        if number in existing:
            if existing[number] is not None:
                report.already.append((DOSSIERS_FILE, dossier.line, number))
            else:
                reason = _("ce numéro est déjà celui d'un dossier du portail.")
        elif dossier.siret not in establishments:
            reason = _("SIRET inconnu de l'annuaire du portail : %(siret)s.") % {
                "siret": dossier.siret
            }
        if number in existing or reason:
            del parsed[number]
            skipped.add(number)
        if reason:
            report.reject(DOSSIERS_FILE, dossier.line, reason)

    # 3. Their lines in the other files; one bad line rejects its dossier.
    spoiled: dict[str, list[str]] = {}
    for file, add in ((COSTS_FILE, add_cost), (PIECES_FILE, add_piece), (HISTORY_FILE, add_event)):
        for line, row in files[file]:
            number = row.get("numero_dossier", "")
            if number in skipped:
                continue
            if not number:
                report.reject(
                    file,
                    line,
                    _("valeur manquante dans la colonne « %(column)s ».")
                    % {"column": "numero_dossier"},
                )
                continue
            if number not in parsed:
                report.reject(
                    file,
                    line,
                    _("aucun dossier de ce numéro dans %(file)s.") % {"file": DOSSIERS_FILE},
                )
                continue
            try:
                add(parsed[number], row)
            except RowError as error:
                report.reject(file, line, str(error))
                spoiled.setdefault(number, []).append(
                    _("%(file)s ligne %(line)s") % {"file": file, "line": line}
                )
    for number, where in spoiled.items():
        report.reject(
            DOSSIERS_FILE,
            parsed.pop(number).line,
            _("dossier non repris : une de ses lignes est rejetée (%(where)s).")
            % {"where": ", ".join(where)},
        )
    for number, dossier in list(parsed.items()):
        reason = None
        if dossier.state == DossierState.APPROVED and not dossier.granted:
            reason = _(
                "dossier accordé sans montant accordé : renseignez « montant_accorde » dans "
                "%(file)s."
            ) % {"file": COSTS_FILE}
        elif dossier.granted and dossier.decided_on is None:
            reason = _(
                "valeur manquante dans la colonne « date_decision » (montants accordés dans "
                "%(file)s)."
            ) % {"file": COSTS_FILE}
        if reason:
            report.reject(DOSSIERS_FILE, parsed.pop(number).line, reason)

    # 4. Each dossier in its own transaction.
    for count, dossier in enumerate(sorted(parsed.values(), key=lambda d: d.line), start=1):
        establishment = establishments[dossier.siret]
        try:
            with transaction.atomic():
                _write(dossier, establishment, providers.get(dossier.values["provider_siret"]))
        except IntegrityError as error:
            if Dossier.objects.filter(number=dossier.number).exists():
                # Taken over at the same moment by another run.
                report.already.append((DOSSIERS_FILE, dossier.line, dossier.number))
            else:
                report.reject(
                    DOSSIERS_FILE,
                    dossier.line,
                    _("refusé par la base de données (%(error)s).") % {"error": error},
                )
            continue
        report.dossiers_imported += 1
        report.pieces_imported += len(dossier.pieces)
        report.events_imported += len(dossier.events)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)


def _by_siret(queryset: QuerySet[Establishment], sirets: set[str]) -> dict[str, Establishment]:
    found: dict[str, Establishment] = {}
    ordered = sorted(sirets)
    for start in range(0, len(ordered), CHUNK):
        for establishment in queryset.filter(siret__in=ordered[start : start + CHUNK]):
            found[establishment.siret] = establishment
    return found


def _write(
    old: OldDossier, establishment: Establishment, provider: Establishment | None
) -> Dossier:
    """One dossier with its costs, decision and history, as the old portal left it."""
    now = timezone.now()
    granted_total = sum(old.granted.values(), Decimal(0)) if old.granted else None
    if provider is not None and not old.values["provider_name"]:
        old.values["provider_name"] = provider.display_name[:255]
    dossier = Dossier.objects.create(
        number=old.number,
        kind=DossierKind.TRAINING_ACTION,
        company=establishment.company,
        establishment=establishment,
        state=old.state,
        granted_total=granted_total,
        provider_establishment=provider,
        taken_over_at=now,
        **old.values,
    )
    TrainingAction.objects.create(
        dossier=dossier,
        provider_type="training_organisation" if old.values["provider_name"] else "",
        **old.training,
        **{code: old.costs.get(code, Decimal("0.00")) for code, _label in COST_FIELDS},
    )
    decided_at = at_midnight(old.decided_on) if old.decided_on else None
    if old.granted:
        decision = Decision.objects.create(
            dossier=dossier,
            kind=DecisionKind.APPROVAL,
            created_at=decided_at or old.values["submitted_at"],
            granted_total=granted_total,
        )
        GrantedAmount.objects.bulk_create(
            GrantedAmount(decision=decision, line=code, amount=amount)
            for code, amount in old.granted.items()
        )
    if old.state == DossierState.REFUSED:
        Decision.objects.create(
            dossier=dossier,
            kind=DecisionKind.REFUSAL,
            created_at=decided_at or old.values["submitted_at"],
            reason=old.refusal_reason,
        )
    DossierEvent.objects.bulk_create(
        [
            *(
                DossierEvent(dossier=dossier, kind=kind, message=message, created_at=moment)
                for moment, kind, message in old.events
            ),
            *(
                DossierEvent(
                    dossier=dossier,
                    kind=EventKind.LEGACY_DOCUMENT,
                    message=message,
                    created_at=moment,
                )
                for moment, message in old.pieces
            ),
            DossierEvent(
                dossier=dossier,
                kind=EventKind.TAKEN_OVER,
                to_state=old.state,
                message=_("Numéro de l'ancien portail conservé : %(number)s.")
                % {"number": old.number},
                created_at=now,
            ),
        ]
    )
    return dossier
