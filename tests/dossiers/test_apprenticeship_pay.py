"""The minimum pay of apprentices, on the worked examples of the research notes
(domain-alternance.md §2.3: SMIC of 1 January 2026, 1 823,03 € a month)."""

import itertools
from datetime import date
from decimal import Decimal

import pytest

from monespace.dossiers.apprenticeship.pay import (
    add_months,
    add_years,
    age_on,
    below_minimum,
    bracket_on,
    bracket_switch,
    minimum_pay,
    pay_periods,
)
from monespace.referentials.cerfa import PAY_GRID

SMIC_2026 = Decimal("1823.03")
GRID = {(year, age): rate for _when, year, age, rate in PAY_GRID}


@pytest.mark.parametrize(
    ("rate", "amount"),
    [
        ("27", "492.22"),
        ("39", "710.99"),
        ("55", "1002.67"),
        ("43", "783.91"),
        ("51", "929.75"),
        ("67", "1221.44"),
        ("53", "966.21"),
        ("61", "1112.05"),
        ("78", "1421.97"),
        ("100", "1823.03"),
    ],
)
def test_the_worked_2026_amounts_rounded_up_to_the_cent(rate, amount):
    """One line of a year-long contract: its amount is the grid's rate of the SMIC, rounded up."""
    [line] = pay_periods(
        birth=date(2000, 1, 1),
        start=date(2026, 9, 1),
        end=date(2027, 8, 31),
        grid={(1, 26): Decimal(rate)},
        smic=SMIC_2026,
    )
    assert line.amount(Decimal(rate)) == Decimal(amount)


def test_the_bracket_rises_on_the_first_of_the_month_after_the_birthday():
    birth = date(2009, 5, 10)
    assert bracket_switch(birth, 18) == date(2027, 6, 1)
    assert bracket_on(birth, date(2027, 5, 31)) == 0  # 18 since the 10th, still paid as a minor
    assert bracket_on(birth, date(2027, 6, 1)) == 18
    # A birthday on the 1st: the next month too (« le 1er jour du mois suivant »).
    assert bracket_switch(date(2008, 3, 1), 18) == date(2026, 4, 1)


def test_a_year_splits_in_two_lines_across_a_birthday():
    """17 at the start (1 September 2026), 18 on 10 May 2027: year 1 has two lines (27 % then
    43 % from 1 June 2027), year 2 one (51 %)."""
    lines = pay_periods(
        birth=date(2009, 5, 10),
        start=date(2026, 9, 1),
        end=date(2028, 8, 31),
        grid=GRID,
        smic=SMIC_2026,
    )
    assert [(p.order, p.start, p.end, p.minimum_rate) for p in lines] == [
        ("1.1", date(2026, 9, 1), date(2027, 5, 31), Decimal("27")),
        ("1.2", date(2027, 6, 1), date(2027, 8, 31), Decimal("43")),
        ("2.1", date(2027, 9, 1), date(2028, 8, 31), Decimal("51")),
    ]
    assert [p.minimum_amount for p in lines] == [
        Decimal("492.22"),
        Decimal("783.91"),
        Decimal("929.75"),
    ]


def test_the_smc_replaces_the_smic_from_21_when_higher():
    """21 on 15 March 2027: from 1 April 2027 the 53 % apply to the SMC (2 000 €), not the SMIC."""
    lines = pay_periods(
        birth=date(2006, 3, 15),
        start=date(2026, 9, 1),
        end=date(2027, 8, 31),
        grid=GRID,
        smic=SMIC_2026,
        smc=Decimal("2000"),
    )
    assert [(p.order, p.minimum_rate, p.base) for p in lines] == [
        ("1.1", Decimal("43"), "SMIC"),
        ("1.2", Decimal("53"), "SMC"),
    ]
    assert lines[1].minimum_amount == Decimal("1060.00")
    # A lower SMC changes nothing: the SMIC stays the reference.
    lower = pay_periods(
        birth=date(2006, 3, 15),
        start=date(2026, 9, 1),
        end=date(2027, 8, 31),
        grid=GRID,
        smic=SMIC_2026,
        smc=Decimal("1500"),
    )
    assert lower[1].base == "SMIC"


def test_a_contract_of_three_years_and_a_half_has_at_most_eight_lines_and_stops_at_its_end():
    lines = pay_periods(
        birth=date(2008, 11, 20),
        start=date(2026, 1, 5),
        end=date(2029, 7, 4),
        grid=GRID,
        smic=SMIC_2026,
    )
    assert len(lines) <= 8
    assert lines[-1].end == date(2029, 7, 4)
    # 18 on 20 November 2026 (paid from 1 December: year 1 splits), 21 after the end.
    assert [p.order for p in lines] == ["1.1", "1.2", "2.1", "3.1", "4.1"]
    assert [p.minimum_rate for p in lines] == [Decimal(r) for r in ("27", "43", "51", "67", "67")]
    # Each line starts the day after the previous one ends.
    for previous, line in itertools.pairwise(lines):
        assert (line.start - previous.end).days == 1


def test_a_rate_below_its_minimum_is_found():
    lines = pay_periods(
        birth=date(2009, 5, 10),
        start=date(2026, 9, 1),
        end=date(2027, 8, 31),
        grid=GRID,
        smic=SMIC_2026,
    )
    low = below_minimum(lines, {"1.1": Decimal("30"), "1.2": Decimal("40")})
    assert [(p.order, rate) for p, rate in low] == [("1.2", Decimal("40"))]


def test_dates_arithmetic():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -3) == date(2025, 10, 15)
    assert age_on(date(2009, 5, 10), date(2027, 5, 9)) == 17
    assert age_on(date(2009, 5, 10), date(2027, 5, 10)) == 18


@pytest.mark.django_db
def test_the_referentials_give_the_grid_and_the_smic_of_the_start():
    """The migration loaded the grid and the monthly SMIC; a contract starting in 2025 uses the
    SMIC of 1 November 2024."""
    lines = minimum_pay(birth=date(2009, 5, 10), start=date(2025, 9, 1), end=date(2026, 8, 31))
    assert lines[0].reference == Decimal("1801.80")
    assert lines[0].minimum_amount == Decimal("486.49")  # 27 % of 1 801,80 = 486,486 → up
    assert minimum_pay(birth=None, start=date(2025, 9, 1), end=date(2026, 8, 31)) == []
