"""« Prise en charge » of an apprenticeship contract (research domain-alternance §5).

- The NPEC: employer IDCC → branch (CPNE, « Onglet 4 ») → level of the certification (RNCP) for
  that branch applicable on the day of conclusion (« Onglet 3 »); without one, the « valeur
  d'amorçage » of the certification's level.
- Adjustments: −X % when ≥ Y % of the training is at distance (not below a floor); + the RQTH
  majoration asked by the CFA, within its ceiling.
- Per year of execution (anniversary to anniversary): a whole year is the annual amount; a
  shorter one is prorated by day (contracts concluded from 1 July 2025) or by started month.
- Frais annexes asked by the CFA (meals, nights, first equipment) at their rates and ceilings.
- The employer's contribution (certification of level 6 or more), deducted from the first
  payment; after a rupture during the first 45 days, a share of the prorated NPEC at most.
- The échéancier: per year, advance / 7th month / 10th month / balance after service fait.

Every rate is a dated row read through ``RateBook``; nothing here is a figure of the law.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from monespace.core.formats import format_euros, format_number, format_percent
from monespace.dossiers.apprenticeship.pay import add_months
from monespace.referentials.models import CpneAgreement, FundingParameter, NpecLevel

from .rates import RateBook

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

P = FundingParameter
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
YEAR_DAYS = 365
PROBATION_DAYS = 45


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass
class Inputs:
    """What the computation reads of a contract (saved, or being typed)."""

    idcc: str = ""
    rncp: str = ""
    diploma_type: str = ""
    contract_type: str = ""
    conclusion: date | None = None
    start: date | None = None
    end: date | None = None
    rupture: date | None = None
    rqth: bool = False
    rqth_majoration: Decimal | None = None
    training_hours: int | None = None
    distance_hours: int | None = None
    meals: int | None = None
    nights: int | None = None
    first_equipment: Decimal | None = None

    @classmethod
    def of(cls, dossier: Dossier, *, rupture: date | None = None) -> Inputs:
        contract: Any = dossier.detail
        return cls(
            idcc=contract.idcc,
            rncp=contract.rncp,
            diploma_type=contract.diploma_type,
            contract_type=contract.contract_type,
            conclusion=contract.conclusion_date,
            start=dossier.start_date,
            end=dossier.end_date,
            rupture=rupture,
            rqth=contract.apprentice_rqth,
            rqth_majoration=contract.rqth_majoration,
            training_hours=contract.training_hours,
            distance_hours=contract.distance_hours,
            meals=contract.meals,
            nights=contract.nights,
            first_equipment=contract.first_equipment,
        )

    @property
    def level(self) -> str:
        """The certification's level (3 to 8) from the CERFA's diploma code (« 54 » BTS → 5)."""
        code = self.diploma_type or ""
        return code[0] if code[:1] in set("345678") and len(code) == 2 else ""

    @property
    def rncp_code(self) -> str:
        from monespace.core.identifiers import rncp_code

        return rncp_code(self.rncp)


@dataclass
class Line:
    label: str
    amount: Decimal | None
    why: str

    def as_json(self) -> dict:
        amount = None if self.amount is None else str(self.amount)
        return {"label": self.label, "amount": amount, "why": self.why}


@dataclass
class Year:
    number: int
    start: date
    end: date
    whole: bool
    amount: Decimal
    why: str


@dataclass
class PlannedInstalment:
    code: str
    year: int
    label: str
    due_on: date
    share: Decimal | None
    gross: Decimal
    deduction: Decimal = Decimal(0)
    # Whether ``code`` is the échéance's own (kept when free), not a place to renumber.
    keep_code: bool = False

    @property
    def amount(self) -> Decimal:
        return self.gross - self.deduction


@dataclass
class Estimate:
    lines: list[Line] = field(default_factory=list)
    years: list[Year] = field(default_factory=list)
    instalments: list[PlannedInstalment] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    annual: Decimal | None = None
    training_total: Decimal = Decimal(0)
    annexes_total: Decimal = Decimal(0)
    contribution: Decimal = Decimal(0)
    npec: NpecLevel | None = None
    book: RateBook | None = None
    covered: dict[str, Decimal] = field(default_factory=dict)  # per cost line (training action)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total(self) -> Decimal:
        return self.training_total + self.annexes_total - self.contribution


def find_npec(rncp: str, idcc: str, day: date) -> tuple[NpecLevel | None, list[str]]:
    """The NPEC of a certification for the employer's branch on ``day`` (the highest when the
    agreement belongs to several branches), and the branches looked at."""
    # The branches of the latest edition that lists the agreement (an IDCC can move from one
    # branch to another between editions: the older link no longer holds).
    links = CpneAgreement.objects.filter(idcc=idcc)
    latest = links.order_by("-edition_id").values_list("edition_id", flat=True).first()
    cpnes = (
        sorted(set(links.filter(edition_id=latest).values_list("cpne_code", flat=True)))
        if latest is not None
        else []
    )
    if not cpnes or not rncp:
        return None, cpnes
    best: dict[str, NpecLevel] = {}
    for row in (
        NpecLevel.objects.filter(rncp=rncp, cpne_code__in=cpnes, applicable_from__lte=day)
        .select_related("edition")
        .order_by("applicable_from", "edition_id")
    ):
        best[row.cpne_code] = row  # the latest applicable (then the latest edition) wins
    if not best:
        return None, cpnes
    return max(best.values(), key=lambda row: (row.amount, row.cpne_code)), cpnes


def anniversary(day: date, years: int) -> date:
    """The same day ``years`` later; a 29 February starts its next year on 1 March, so that its
    year ends on 28 February (never a phantom day after it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def execution_years(start: date, end: date) -> list[tuple[int, date, date, bool]]:
    """(n, first day, last day, whole year?) of each year of execution, anniversary to
    anniversary (a contract of 1 year and 3 days has a second year of 3 days)."""
    years = []
    number = 1
    while (first := anniversary(start, number - 1)) <= end:
        whole_end = anniversary(start, number) - timedelta(days=1)
        years.append((number, first, min(whole_end, end), end >= whole_end))
        number += 1
    return years


def started_months(first: date, last: date) -> int:
    """Months begun between two days (« tout mois commencé est dû »)."""
    months = 0
    while add_months(first, months) <= last:
        months += 1
    return months


FRESH: Any = object()


def estimate(
    inputs: Inputs, *, book: RateBook | None = None, npec: NpecLevel | None = FRESH
) -> Estimate:
    """The prise en charge of ``inputs``. A commitment recomputed (a rupture) passes the rules
    that decided it: its rates as ``book`` and its NPEC row (or None: the valeur d'amorçage of
    its rates) — never rules published since."""
    result = Estimate()
    day = inputs.conclusion or inputs.start
    if day is None or inputs.start is None or inputs.end is None:
        result.missing.append(
            _("Les dates de conclusion, de début et de fin du contrat permettent l'estimation.")
        )
        return result
    book = result.book = book if book is not None else RateBook(day, inputs.idcc)
    _annual(inputs, day, book, result, npec)
    if result.annual is not None:
        _years(inputs, book, result)
    _annexes(inputs, book, result)
    _contribution(inputs, book, result)
    if result.annual is not None:
        _schedule(inputs, book, result)
    return result


def _annual(
    inputs: Inputs, day: date, book: RateBook, result: Estimate, frozen: NpecLevel | None
) -> None:
    rncp = inputs.rncp_code
    if frozen is FRESH:
        npec, _cpnes = find_npec(rncp, inputs.idcc, day) if inputs.idcc else (None, [])
    else:
        npec = frozen
    if npec is not None:
        result.npec = npec
        annual = npec.amount
        result.lines.append(
            Line(
                _("Niveau de prise en charge (NPEC)"),
                annual,
                _(
                    "%(rncp)s pour la CPNE %(cpne)s (IDCC %(idcc)s), applicable depuis le "
                    "%(from)s — référentiel France compétences « %(edition)s »."
                )
                % {
                    "rncp": rncp,
                    "cpne": f"{npec.cpne_code} {npec.cpne}".strip(),
                    "idcc": inputs.idcc,
                    "from": _day(npec.applicable_from),
                    "edition": npec.edition.name,
                },
            )
        )
    else:
        starting = book.value(P.STARTING_VALUE, inputs.level) if inputs.level else None
        if starting is None:
            if not inputs.idcc or not rncp:
                result.missing.append(
                    _(
                        "Le code IDCC de l'employeur et le code RNCP de la certification "
                        "permettent de trouver le niveau de prise en charge."
                    )
                )
            else:
                result.missing.append(
                    _(
                        "Aucun NPEC n'est publié pour %(rncp)s dans la branche de l'IDCC "
                        "%(idcc)s au %(day)s, ni de valeur d'amorçage pour ce niveau : l'OPCO "
                        "fixera la prise en charge."
                    )
                    % {"rncp": rncp, "idcc": inputs.idcc, "day": _day(day)}
                )
            return
        annual = starting
        result.lines.append(
            Line(
                _("Valeur d'amorçage"),
                annual,
                _(
                    "Aucun NPEC n'est publié pour %(rncp)s dans la branche de l'IDCC %(idcc)s au "
                    "%(day)s : valeur d'amorçage d'une certification de niveau %(level)s."
                )
                % {
                    "rncp": rncp or "—",
                    "idcc": inputs.idcc or "—",
                    "day": _day(day),
                    "level": inputs.level,
                },
            )
        )
    annual = _distance(inputs, book, result, annual)
    if inputs.rqth and inputs.rqth_majoration:
        ceiling = book.value(P.RQTH_MAX)
        if ceiling is not None:
            added = min(inputs.rqth_majoration, ceiling)
            annual += added
            result.lines.append(
                Line(
                    _("Majoration RQTH"),
                    added,
                    _("Demandée par le CFA : %(asked)s par an, dans la limite de %(max)s.")
                    % {"asked": format_euros(inputs.rqth_majoration), "max": format_euros(ceiling)},
                )
            )
    result.annual = money(annual)


def _distance(inputs: Inputs, book: RateBook, result: Estimate, annual: Decimal) -> Decimal:
    threshold = book.value(P.DISTANCE_THRESHOLD)
    reduction = book.value(P.DISTANCE_REDUCTION)
    if threshold is None or reduction is None or not inputs.training_hours:
        return annual
    share = Decimal(inputs.distance_hours or 0) * HUNDRED / Decimal(inputs.training_hours)
    if share < threshold:
        return annual
    floor = book.value(P.DISTANCE_FLOOR) or Decimal(0)
    reduced = max(money(annual * (HUNDRED - reduction) / HUNDRED), min(annual, floor))
    result.lines.append(
        Line(
            _("Minoration formation à distance"),
            reduced - annual,
            _(
                "%(distance)s h à distance sur %(hours)s h (%(share)s, seuil %(threshold)s) : "
                "−%(rate)s, sans descendre sous %(floor)s."
            )
            % {
                "distance": format_number(inputs.distance_hours, 0),
                "hours": format_number(inputs.training_hours, 0),
                "share": format_percent(share.quantize(Decimal("0.1"))),
                "threshold": format_percent(threshold),
                "rate": format_percent(reduction),
                "floor": format_euros(floor),
            },
        )
    )
    return reduced


def _years(inputs: Inputs, book: RateBook, result: Estimate) -> None:
    assert result.annual is not None and inputs.start and inputs.end
    end = inputs.end if inputs.rupture is None else min(inputs.end, inputs.rupture)
    by_day = (book.value(P.PRORATA_BY_DAY) or Decimal(0)) > 0
    annual = result.annual
    for number, first, last, whole in execution_years(inputs.start, end):
        span = _("Du %(from)s au %(to)s") % {"from": _day(first), "to": _day(last)}
        if whole:
            amount, why = annual, _("%(span)s : année complète.") % {"span": span}
        elif by_day:
            days = (last - first).days + 1
            amount = money(annual * days / YEAR_DAYS)
            why = _("%(span)s : %(days)s jours × %(annual)s / 365.") % {
                "span": span,
                "days": days,
                "annual": format_euros(annual),
            }
        else:
            months = started_months(first, last)
            amount = money(annual * months / 12)
            why = _("%(span)s : %(months)s mois commencés × %(annual)s / 12.") % {
                "span": span,
                "months": months,
                "annual": format_euros(annual),
            }
        result.years.append(Year(number, first, last, whole, amount, why))
        result.lines.append(Line(_("Année %(n)s") % {"n": number}, amount, why))
    result.training_total = sum((year.amount for year in result.years), Decimal(0))


def _annexes(inputs: Inputs, book: RateBook, result: Estimate) -> None:
    asked = (
        (P.MEAL, inputs.meals, _("Repas"), _("%(n)s repas × %(rate)s")),
        (P.NIGHT, inputs.nights, _("Hébergement"), _("%(n)s nuitées × %(rate)s")),
    )
    for parameter, count, label, why in asked:
        if not count:
            continue
        rate = book.value(parameter)
        if rate is None:
            result.lines.append(Line(label, Decimal(0), _("Aucun tarif en vigueur à cette date.")))
            continue
        amount = money(rate * count)
        result.annexes_total += amount
        result.lines.append(
            Line(label, amount, why % {"n": format_number(count, 0), "rate": format_euros(rate)})
        )
    if inputs.first_equipment:
        ceiling = book.value(P.FIRST_EQUIPMENT)
        amount = min(inputs.first_equipment, ceiling) if ceiling is not None else Decimal(0)
        result.annexes_total += amount
        result.lines.append(
            Line(
                _("Premier équipement"),
                amount,
                _("Demandé : %(asked)s, dans la limite de %(max)s (une fois par contrat).")
                % {
                    "asked": format_euros(inputs.first_equipment),
                    "max": format_euros(ceiling) if ceiling is not None else "—",
                },
            )
        )


def _contribution(inputs: Inputs, book: RateBook, result: Estimate) -> None:
    if inputs.level not in ("6", "7", "8"):
        return
    after_rupture = inputs.contract_type == "23"
    parameter = P.EMPLOYER_CONTRIBUTION_AFTER_RUPTURE if after_rupture else P.EMPLOYER_CONTRIBUTION
    amount = book.value(parameter)
    if amount is None:
        return
    why = (
        _(
            "Certification de niveau %(level)s, contrat faisant suite à une rupture chez un autre "
            "employeur : %(amount)s, versés par l'employeur au CFA et déduits du premier paiement."
        )
        if after_rupture
        else _(
            "Certification de niveau %(level)s : %(amount)s, versés par l'employeur au CFA "
            "et déduits du premier paiement de l'OPCO."
        )
    ) % {"level": inputs.level, "amount": format_euros(amount)}
    if inputs.rupture and inputs.start and (inputs.rupture - inputs.start).days < PROBATION_DAYS:
        share = book.value(P.PROBATION_SHARE)
        if share is not None:
            capped = money(result.training_total * share / HUNDRED)
            if capped < amount:
                why = _(
                    "Rupture dans les 45 premiers jours : %(share)s du NPEC proratisé "
                    "(%(total)s), au plus %(amount)s."
                ) % {
                    "share": format_percent(share),
                    "total": format_euros(result.training_total),
                    "amount": format_euros(amount),
                }
                amount = capped
    amount = min(amount, result.training_total)
    result.contribution = amount
    result.lines.append(Line(_("Participation de l'employeur"), -amount, why))


def _schedule(inputs: Inputs, book: RateBook, result: Estimate) -> None:
    """Per year: the shares in force, each on its day; a share falling after the year's last
    day is paid with its balance. The employer's contribution comes off the first payments."""
    shares = [
        (book.value(P.SCHEDULE_ADVANCE), 0, _("Avance")),
        (book.value(P.SCHEDULE_MONTH_7), 6, _("7e mois")),
        (book.value(P.SCHEDULE_MONTH_10), 9, _("10e mois")),
        (book.value(P.SCHEDULE_BALANCE), None, _("Solde après service fait")),
    ]
    if not any(share for share, _months, _label in shares):
        result.missing.append(_("Aucun échéancier n'est en vigueur à la date de conclusion."))
        return
    assert inputs.start and inputs.end
    whole_contract = anniversary(inputs.start, 1) - timedelta(days=1) <= inputs.end
    short = book.value(P.SCHEDULE_SHORT_ADVANCE) if not whole_contract else None
    if short:  # before July 2025, a contract of less than a year: advance and balance only
        shares = [(short, 0, _("Avance")), (HUNDRED - short, None, _("Solde après service fait"))]
    if sum((share or Decimal(0) for share, _months, _label in shares), Decimal(0)) != HUNDRED:
        result.missing.append(
            _("Les parts de l'échéancier en vigueur ne font pas 100 % : l'OPCO doit les corriger.")
        )
        return
    counter = 0
    for year in result.years:
        planned: list[tuple[date, Decimal, str]] = []
        for share, months, label in shares:
            if not share:
                continue
            due = year.end if months is None else add_months(year.start, months)
            if due > year.end and planned:
                due, label = year.end, _("Solde après service fait")
            planned.append((min(due, year.end), share, str(label)))
        # Shares falling on the same day (a short year) are paid together.
        merged: list[list] = []
        for due, share, label in planned:
            if merged and merged[-1][0] == due:
                merged[-1][1] += share
                merged[-1][2] = label
            else:
                merged.append([due, share, label])
        total = sum(share for _due, share, _label in merged)
        paid = Decimal(0)
        for index, (due, share, label) in enumerate(merged):
            counter += 1
            last = index == len(merged) - 1
            gross = year.amount - paid if last else money(year.amount * share / total)
            paid += gross
            result.instalments.append(
                PlannedInstalment(
                    code=f"E{counter}",
                    year=year.number,
                    label=_("Année %(n)s — %(label)s") % {"n": year.number, "label": label},
                    due_on=due,
                    share=share,
                    gross=gross,
                )
            )
    if result.annexes_total:
        first = result.years[0] if result.years else None
        counter += 1
        result.instalments.append(
            PlannedInstalment(
                code=f"E{counter}",
                year=1,
                label=str(_("Frais annexes, sur facture du CFA")),
                due_on=first.end if first else inputs.start,
                share=None,
                gross=result.annexes_total,
            )
        )
    left = result.contribution
    for instalment in result.instalments:
        if left <= 0:
            break
        instalment.deduction = min(left, instalment.gross)
        left -= instalment.deduction
