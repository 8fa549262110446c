"""Worked examples of an apprenticeship contract's « prise en charge » (research
domain-alternance §5), each checkable by hand; the rates are the national rows of migration
referentials 0006 plus the NPEC rows made here."""

from datetime import date
from decimal import Decimal as D

import pytest

from monespace.dossiers.funding.apprenticeship import (
    Inputs,
    estimate,
    execution_years,
    started_months,
)
from monespace.referentials.models import CpneAgreement, FundingRate, NpecEdition, NpecLevel

pytestmark = pytest.mark.django_db

BAKERY = "0843"


@pytest.fixture
def npec():
    edition = NpecEdition.objects.create(name="Référentiel 15/07/2024", sha256="a" * 64)
    CpneAgreement.objects.create(edition=edition, cpne_code="120", cpne="Boulangerie", idcc=BAKERY)
    return NpecLevel.objects.create(
        edition=edition,
        rncp="RNCP38362",
        cpne_code="120",
        cpne="Boulangerie",
        amount=D("7300.00"),
        applicable_from=date(2024, 7, 15),
    )


def inputs(**overrides) -> Inputs:
    values = {
        "idcc": BAKERY,
        "rncp": "RNCP38362",
        "diploma_type": "54",
        "contract_type": "11",
        "conclusion": date(2025, 9, 1),
        "start": date(2025, 9, 1),
        "end": date(2026, 9, 3),
        "training_hours": 1350,
    }
    values.update(overrides)
    return Inputs(**values)


def test_years_run_anniversary_to_anniversary():
    assert execution_years(date(2025, 9, 1), date(2026, 9, 3)) == [
        (1, date(2025, 9, 1), date(2026, 8, 31), True),
        (2, date(2026, 9, 1), date(2026, 9, 3), False),
    ]
    assert started_months(date(2025, 9, 1), date(2025, 9, 1)) == 1
    assert started_months(date(2025, 9, 1), date(2025, 10, 1)) == 2


def test_a_29_february_start_has_no_phantom_day():
    assert execution_years(date(2024, 2, 29), date(2025, 2, 28)) == [
        (1, date(2024, 2, 29), date(2025, 2, 28), True)
    ]
    assert execution_years(date(2028, 2, 29), date(2029, 3, 1)) == [
        (1, date(2028, 2, 29), date(2029, 2, 28), True),
        (2, date(2029, 3, 1), date(2029, 3, 1), False),
    ]


def test_368_days_is_one_year_and_3_365ths(npec):
    """Ymag's example: 12 months and 3 days concluded after 1 July 2025 = 368 days."""
    result = estimate(inputs())
    assert result.complete and result.npec == npec
    assert [year.amount for year in result.years] == [D("7300.00"), D("60.00")]  # 7300×3/365
    assert result.training_total == D("7360.00")
    assert result.contribution == 0  # a BTS is level 5
    assert result.total == D("7360.00")
    why = " ".join(line.why for line in result.lines)
    assert "3 jours × 7\u202f300,00\xa0€ / 365" in why and "CPNE 120" in why


def test_30_june_2025_prorates_by_started_month_1_july_by_day(npec):
    end = date(2026, 10, 15)  # the second year: 1 month and a half
    before = estimate(inputs(conclusion=date(2025, 6, 30), start=date(2025, 9, 1), end=end))
    after = estimate(inputs(conclusion=date(2025, 7, 1), start=date(2025, 9, 1), end=end))
    # 2026-09-01 → 2026-10-15: 2 started months vs 45 days.
    assert before.years[1].amount == D("1216.67")  # 7300 × 2 / 12
    assert after.years[1].amount == D("900.00")  # 7300 × 45 / 365
    # The schedule too: 40/30/30 before, 40/30/20/10 after.
    shares_before = [i.share for i in before.instalments if i.year == 1]
    shares_after = [i.share for i in after.instalments if i.year == 1]
    assert shares_before == [D(40), D(30), D(30)]
    assert shares_after == [D(40), D(30), D(20), D(10)]


def test_distance_85_percent_takes_20_percent_off_not_below_the_floor(npec):
    result = estimate(inputs(distance_hours=1150))  # 85.2 % of 1,350 h
    assert result.annual == D("5840.00")  # 7300 × 0.8
    low = NpecLevel.objects.create(
        edition=npec.edition,
        rncp="RNCP35185",
        cpne_code="120",
        amount=D("4500"),
        applicable_from=date(2024, 7, 15),
    )
    floored = estimate(inputs(rncp=low.rncp, distance_hours=1150))
    assert floored.annual == D("4000.00")  # 4500 × 0.8 = 3600 < 4000
    under = estimate(inputs(distance_hours=1000))  # 74 %: no reduction
    assert under.annual == D("7300.00")
    before = estimate(inputs(conclusion=date(2025, 6, 30), distance_hours=1150))
    assert before.annual == D("7300.00")  # the decree applies from 1 July 2025


def test_rqth_majoration_within_its_ceiling(npec):
    assert estimate(inputs(rqth=True, rqth_majoration=D("5000"))).annual == D("11300.00")
    assert estimate(inputs(rqth=True, rqth_majoration=D("1500"))).annual == D("8800.00")
    assert estimate(inputs(rqth=False, rqth_majoration=D("1500"))).annual == D("7300.00")


def test_frais_annexes_at_their_rates_and_ceiling(npec):
    result = estimate(inputs(meals=120, nights=40, first_equipment=D("650")))
    assert result.annexes_total == D("360") + D("240") + D("500")
    assert result.instalments[-1].gross == D("1100.00")


def test_employer_contribution_level_6_deducted_from_the_first_payment(npec):
    NpecLevel.objects.create(
        edition=npec.edition,
        rncp="RNCP35185",
        cpne_code="120",
        amount=D("8000"),
        applicable_from=date(2024, 7, 15),
    )
    full = inputs(rncp="RNCP35185", diploma_type="62", end=date(2027, 8, 31))  # 2 whole years
    result = estimate(full)
    assert result.contribution == D("750")
    assert result.total == D("16000") - D("750")
    first = result.instalments[0]
    assert (first.code, first.gross, first.deduction, first.amount) == (
        "E1",
        D("3200.00"),
        D("750"),
        D("2450.00"),
    )
    assert sum(i.amount for i in result.instalments) == result.total
    after_rupture = estimate(inputs(rncp="RNCP35185", diploma_type="62", contract_type="23"))
    assert after_rupture.contribution == D("200")
    before = estimate(inputs(rncp="RNCP35185", diploma_type="62", conclusion=date(2025, 6, 1)))
    assert before.contribution == 0


def test_rupture_at_day_30_and_at_month_8(npec):
    NpecLevel.objects.create(
        edition=npec.edition,
        rncp="RNCP35185",
        cpne_code="120",
        amount=D("7300"),
        applicable_from=date(2024, 7, 15),
    )
    base = {"rncp": "RNCP35185", "diploma_type": "62", "end": date(2027, 8, 31)}
    early = estimate(inputs(**base, rupture=date(2025, 9, 30)))  # 30 days performed
    assert early.training_total == D("600.00")  # 7300 × 30 / 365
    assert early.contribution == D("300.00")  # 50 % of the prorated NPEC, under 750
    month8 = estimate(inputs(**base, rupture=date(2026, 4, 30)))  # 242 days
    assert month8.training_total == D("4840.00")  # 7300 × 242 / 365
    assert month8.contribution == D("750")
    codes = [(i.label, i.gross) for i in month8.instalments]
    # Advance and 7th month are due before the rupture; the rest is the balance at the end.
    assert [gross for _label, gross in codes] == [D("1936.00"), D("1452.00"), D("1452.00")]
    assert "Solde" in codes[-1][0]


def test_starting_value_when_no_npec_is_published(npec):
    missing = estimate(inputs(rncp="RNCP99999"))
    assert not missing.complete and "l'OPCO fixera" in missing.missing[0]
    FundingRate.objects.create(
        parameter="starting_value", level="5", effective_from=date(2019, 1, 1), value=D("6000")
    )
    result = estimate(inputs(rncp="RNCP99999"))
    assert result.annual == D("6000.00") and result.lines[0].label == "Valeur d'amorçage"


def test_a_branch_rate_beats_the_national_one_and_dates_decide(npec):
    FundingRate.objects.create(
        parameter="meal", idcc=BAKERY, effective_from=date(2026, 1, 1), value=D("4.50")
    )
    assert estimate(inputs(meals=10)).annexes_total == D("30.00")  # concluded in 2025
    later = estimate(
        inputs(meals=10, conclusion=date(2026, 2, 1), start=date(2026, 2, 1), end=date(2027, 1, 31))
    )
    assert later.annexes_total == D("45.00")
    other_branch = estimate(
        inputs(
            meals=10,
            idcc="1486",
            conclusion=date(2026, 2, 1),
            start=date(2026, 2, 1),
            end=date(2027, 1, 31),
        )
    )
    assert other_branch.annexes_total == D("30.00")


def test_without_dates_it_says_what_it_needs():
    result = estimate(Inputs())
    assert not result.complete and result.total == 0


def test_a_later_national_rate_beats_an_older_branch_row_and_shares_must_make_100(npec):
    FundingRate.objects.create(
        parameter="schedule_month10", idcc=BAKERY, effective_from=date(2020, 1, 1), value=D("30")
    )
    result = estimate(inputs())  # concluded in September 2025: the 2025 national 20 % applies
    assert [i.share for i in result.instalments if i.year == 1] == [D(40), D(30), D(20), D(10)]
    FundingRate.objects.create(
        parameter="schedule_month10", idcc=BAKERY, effective_from=date(2025, 7, 1), value=D("30")
    )
    broken = estimate(inputs())  # the same date: the branch's row, 40+30+30+10 = 110 %
    assert not broken.complete and "ne font pas 100 %" in broken.missing[0]


def test_an_agreement_that_moved_branch_follows_the_latest_edition(npec):
    from monespace.dossiers.funding.apprenticeship import find_npec

    later = NpecEdition.objects.create(name="Référentiel 2025", sha256="b" * 64)
    CpneAgreement.objects.create(edition=later, cpne_code="130", cpne="Autre", idcc=BAKERY)
    CpneAgreement.objects.create(edition=later, cpne_code="120", cpne="Boulangerie", idcc="9999")
    NpecLevel.objects.create(
        edition=later,
        rncp="RNCP38362",
        cpne_code="130",
        amount=D("7000"),
        applicable_from=date(2025, 1, 1),
    )
    found, cpnes = find_npec("RNCP38362", BAKERY, date(2025, 9, 1))
    assert cpnes == ["130"] and found.amount == D("7000")
