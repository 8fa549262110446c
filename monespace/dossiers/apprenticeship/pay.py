"""The minimum pay of an apprentice, line by line as on the CERFA (« Rémunération », up to
eight lines 1.1 … 4.2) — docs/research: domain-alternance.md §2.3.

- A contract year runs from an anniversary of the start date to the day before the next one.
- The age bracket (under 18, 18–20, 21–25, 26 and over) rises on the first day of the month
  following the birthday, so a year can hold two lines.
- The minimum is a rate of the grid in force at the start (referentials.ApprenticePayRate, by
  year and bracket) applied to the monthly SMIC of the start date (SmicRate), or to the
  « salaire minimum conventionnel » (SMC) when the apprentice is 21 or older and it is higher;
  amounts are rounded up to the cent.
The rates entered may be higher than the minimum, never lower.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from monespace.core.memo import process_cached

# The ages at which the bracket rises (the grid's rows: 0 = under 18).
BRACKETS = (18, 21, 26)
MAX_YEARS = 4
CENT = Decimal("0.01")

Grid = Mapping[tuple[int, int], Decimal]  # (contract year, bracket's lowest age) → rate %


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, day: date) -> int:
    """Age in completed years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def bracket_switch(birth: date, age: int) -> date:
    """The day the pay of the ``age`` bracket starts: the 1st of the month after that birthday."""
    birthday = add_years(birth, age)
    return add_months(birthday.replace(day=1), 1)


def bracket_on(birth: date, day: date) -> int:
    """The grid's row on ``day``: the lowest age of the bracket (0 under 18)."""
    current = 0
    for age in BRACKETS:
        if bracket_switch(birth, age) <= day:
            current = age
    return current


def ceil_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_CEILING)


@dataclass(frozen=True)
class PayPeriod:
    """One line of the CERFA's pay table, with its legal minimum."""

    order: str  # « 1.1 », « 1.2 », « 2.1 »…
    start: date
    end: date
    contract_year: int
    bracket: int  # the lowest age of the bracket: 0, 18, 21, 26
    minimum_rate: Decimal
    base: str  # « SMIC » or « SMC »
    reference: Decimal  # the monthly amount the rate applies to

    @property
    def minimum_amount(self) -> Decimal:
        return self.amount(self.minimum_rate)

    def amount(self, rate: Decimal) -> Decimal:
        return ceil_cent(self.reference * rate / 100)

    @property
    def bracket_label(self) -> str:
        from django.utils.translation import gettext as _

        if self.bracket == 0:
            return _("moins de 18 ans")
        if self.bracket == 18:
            return _("18 à 20 ans")
        if self.bracket == 21:
            return _("21 à 25 ans")
        return _("26 ans et plus")


def pay_periods(
    *,
    birth: date,
    start: date,
    end: date,
    grid: Grid,
    smic: Decimal,
    smc: Decimal | None = None,
) -> list[PayPeriod]:
    """The lines of a contract from ``start`` to ``end`` (at most four years; a longer contract
    is refused by the rules, not paid here)."""
    periods: list[PayPeriod] = []
    switches = [bracket_switch(birth, age) for age in BRACKETS]
    for year in range(1, MAX_YEARS + 1):
        year_start = add_years(start, year - 1)
        if year_start > end:
            break
        year_end = min(add_years(start, year) - timedelta(days=1), end)
        bounds = [year_start, *sorted(s for s in switches if year_start < s <= year_end)]
        for index, line_start in enumerate(bounds):
            line_end = (
                bounds[index + 1] - timedelta(days=1) if index + 1 < len(bounds) else year_end
            )
            bracket = bracket_on(birth, line_start)
            use_smc = bracket >= 21 and smc is not None and smc > smic
            periods.append(
                PayPeriod(
                    order=f"{year}.{index + 1}",
                    start=line_start,
                    end=line_end,
                    contract_year=year,
                    bracket=bracket,
                    minimum_rate=grid[(year, bracket)],
                    base="SMC" if use_smc else "SMIC",
                    reference=smc if use_smc and smc is not None else smic,
                )
            )
    return periods


def below_minimum(
    periods: Sequence[PayPeriod], rates: Mapping[str, Decimal | None]
) -> list[tuple[PayPeriod, Decimal]]:
    """The lines whose entered rate is below their minimum, with that rate."""
    return [
        (period, rate)
        for period in periods
        if (rate := rates.get(period.order)) is not None and rate < period.minimum_rate
    ]


# --- The dated referentials ---------------------------------------------------------------------


@process_cached(300)
def _smic_rows() -> list[tuple[date, Decimal | None]]:
    from monespace.dossiers.models import SmicRate

    return list(
        SmicRate.objects.order_by("-effective_from").values_list("effective_from", "monthly")
    )


def smic_monthly_on(day: date) -> Decimal | None:
    """The monthly SMIC (35 h) in force on ``day``."""
    for effective_from, monthly in _smic_rows():
        if effective_from <= day:
            return monthly
    return None


@process_cached(300)
def _grid_rows() -> list[tuple[date, int, int, Decimal]]:
    from monespace.referentials.models import ApprenticePayRate

    return list(
        ApprenticePayRate.objects.order_by("-effective_from").values_list(
            "effective_from", "contract_year", "min_age", "rate"
        )
    )


def grid_on(day: date) -> dict[tuple[int, int], Decimal] | None:
    """The legal grid in force on ``day`` ({(year, bracket): rate}), or None before any."""
    rows = _grid_rows()
    effective = next((row[0] for row in rows if row[0] <= day), None)
    if effective is None:
        return None
    return {(year, age): rate for when, year, age, rate in rows if when == effective}


def minimum_pay(
    *, birth: date | None, start: date | None, end: date | None, smc: Decimal | None = None
) -> list[PayPeriod]:
    """The contract's lines from the referentials, or none while something is missing."""
    if birth is None or start is None or end is None or end < start:
        return []
    grid, smic = grid_on(start), smic_monthly_on(start)
    if grid is None or smic is None:
        return []
    return pay_periods(birth=birth, start=start, end=end, grid=grid, smic=smic, smc=smc)
