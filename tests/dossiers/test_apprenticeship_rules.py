"""The law's checks on an apprenticeship contract (domain-alternance.md §2), each on an
example: in memory, no database."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monespace.core.identifiers import clean_deca_number, clean_nir, mask_nir
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.models import ApprenticeshipContract, Dossier
from tests.factories import nir_for

START, END = date(2026, 9, 1), date(2028, 8, 31)


def contract(**values):
    dossier_values = {k: values.pop(k) for k in list(values) if k in rules.DOSSIER_FIELDS}
    dossier = Dossier(
        kind="apprenticeship", **{"start_date": START, "end_date": END, **dossier_values}
    )
    base = {
        "apprentice_birth_date": date(2006, 1, 15),  # 20 at the start
        "conclusion_date": date(2026, 8, 20),
        "practical_training_start": START,
        "training_start": date(2026, 9, 8),
        "exams_end": date(2028, 7, 15),
        "training_hours": 1350,
        "weekly_hours": 35,
        "contract_type": "11",
        "master1_birth_date": date(1980, 1, 1),
    }
    return ApprenticeshipContract(**{**base, **values}), dossier


def errors(c, d, **kwargs):
    return {(f.field, f.blocking) for f in rules.check(c, d, **kwargs)}


def messages(c, d):
    return " ".join(f.message for f in rules.check(c, d))


def test_a_valid_contract_has_no_finding():
    assert rules.check(*contract()) == []


# --- Age ---------------------------------------------------------------------------------------


def test_fourteen_at_the_start_is_too_young():
    c, d = contract(apprentice_birth_date=date(2012, 3, 1))
    assert ("start_date", True) in errors(c, d)
    assert "14 ans" in messages(c, d)


def test_fifteen_needs_the_derogation_11_and_the_college():
    c, d = contract(apprentice_birth_date=date(2011, 1, 1), apprentice_last_class="41")
    assert {("derogation_type", True), ("apprentice_last_class", False)} <= errors(c, d)
    c.derogation_type, c.apprentice_last_class = "11", "40"
    assert rules.check(c, d) == []


def test_the_derogation_11_only_under_16():
    c, d = contract(derogation_type="11")
    assert ("derogation_type", True) in errors(c, d)
    assert "moins de 16 ans" in messages(c, d)


def test_over_29_needs_an_exception():
    c, d = contract(apprentice_birth_date=date(1994, 1, 1))  # 32 at the start
    assert ("derogation_type", True) in errors(c, d)
    for exception in (
        "apprentice_rqth",
        "apprentice_business_project",
        "apprentice_high_level_athlete",
    ):
        c2, d2 = contract(apprentice_birth_date=date(1994, 1, 1), **{exception: True})
        assert not [f for f in rules.check(c2, d2) if f.field == "derogation_type"], exception


def test_the_derogation_12_up_to_35_with_a_warning_and_never_under_30():
    c, d = contract(apprentice_birth_date=date(1994, 1, 1), derogation_type="12")
    assert errors(c, d) == {("derogation_type", False)}
    c, d = contract(apprentice_birth_date=date(1989, 1, 1), derogation_type="12")  # 37
    assert ("derogation_type", True) in errors(c, d)
    c, d = contract(derogation_type="12")  # 20
    assert ("derogation_type", True) in errors(c, d)


def test_a_non_emancipated_minor_at_the_signature_needs_a_legal_representative():
    c, d = contract(apprentice_birth_date=date(2009, 5, 10))  # 17 at the signature
    assert rules.needs_guardian(c, d)
    assert any(f.field == "guardian_name" for f in rules.missing(c, d))
    c.apprentice_emancipated = True
    assert not rules.needs_guardian(c, d)
    c, d = contract(apprentice_birth_date=date(2008, 8, 1))  # 18 on the 1st of August
    assert not rules.needs_guardian(c, d)


# --- Maîtres -----------------------------------------------------------------------------------


def test_the_maitre_is_an_adult_at_the_start():
    c, d = contract(master1_birth_date=date(2009, 1, 1))
    assert ("master1_birth_date", True) in errors(c, d)


def test_the_second_maitre_is_all_or_nothing():
    c, d = contract(master2_last_name="DURAND")
    found = [f for f in rules.check(c, d) if f.step == rules.STEP_MASTERS]
    assert [f.field for f in found] == ["master2_first_name"]
    c.master2_first_name, c.master2_birth_date = "Anne", date(1985, 1, 1)
    assert rules.check(c, d) == []


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"conclusion_date": date(2026, 9, 2)}, "conclusion_date"),
        ({"practical_training_start": date(2026, 8, 31)}, "practical_training_start"),
        ({"practical_training_start": date(2026, 12, 2)}, "practical_training_start"),
        ({"training_start": date(2026, 12, 2)}, "training_start"),
        ({"training_start": date(2026, 5, 31)}, "training_start"),
        ({"exams_end": date(2028, 9, 15)}, "exams_end"),
        ({"exams_end": date(2028, 5, 15)}, "exams_end"),  # the end 3½ months after the exams
        ({"end_date": date(2027, 2, 27)}, "end_date"),  # under 6 months
        ({"end_date": date(2029, 9, 1)}, "end_date"),  # over 3 years
        ({"end_date": date(2026, 9, 1)}, "end_date"),  # not after the start
    ],
)
def test_every_date_rule(values, field):
    c, d = contract(**values)
    assert (field, True) in errors(c, d)


def test_the_end_more_than_two_months_after_the_exams_is_a_warning():
    c, d = contract(exams_end=date(2028, 6, 15))  # the end 2½ months after
    assert errors(c, d) == {("exams_end", False)}


def test_four_years_for_an_apprentice_recognised_disabled():
    c, d = contract(end_date=date(2030, 6, 30), exams_end=date(2030, 6, 15), apprentice_rqth=True)
    assert not [f for f in rules.check(c, d) if f.field == "end_date"]


def test_a_cfa_start_before_the_signature_is_a_warning():
    c, d = contract(training_start=date(2026, 8, 15))
    assert errors(c, d) == {("training_start", False)}


def test_the_amendment_effect_date_is_within_the_contract():
    c, d = contract(contract_type="36", amendment_effect_date=date(2028, 9, 1))
    assert ("amendment_effect_date", True) in errors(c, d)


# --- Time ----------------------------------------------------------------------------------------


def test_weekly_hours():
    c, d = contract(weekly_hours=41)
    assert ("weekly_hours", True) in errors(c, d)
    c, d = contract(weekly_hours=38)
    assert errors(c, d) == {("weekly_hours", False)}
    c, d = contract(weekly_hours=36, apprentice_birth_date=date(2009, 5, 10))  # a minor
    assert ("weekly_hours", True) in errors(c, d)


def test_training_hours_at_least_a_quarter_of_the_contract_on_1607_hours_a_year():
    # Two years: 731 days / 365 × 1 607 × 25 % = 805 hours (rounded).
    c, d = contract(training_hours=804)
    assert ("training_hours", True) in errors(c, d)
    assert "805" in messages(c, d)
    c.training_hours = 805
    assert rules.check(c, d) == []


# --- Numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["075202609NC0012", "02B202212000000", "974202501120001"])
def test_deca_numbers(number):
    assert clean_deca_number(number) == number


@pytest.mark.parametrize(
    "number", ["07520260NC0012", "075202613NC0012", "0752026090C0012", "ABC202609NC0012"]
)
def test_malformed_deca_numbers(number):
    with pytest.raises(ValidationError):
        clean_deca_number(number)


def test_successive_contracts_and_amendments_need_the_previous_number():
    for contract_type in ("21", "22", "23"):
        c, d = contract(contract_type=contract_type)
        assert any(f.field == "previous_contract_number" for f in rules.missing(c, d))
    for contract_type in ("31", "36"):
        c, d = contract(contract_type=contract_type, amends_id=1)
        assert any(f.field == "previous_contract_number" for f in rules.missing(c, d))


def test_an_extension_after_a_failed_exam_keeps_at_least_the_last_rate():
    c, d = contract(contract_type="33", amends_id=1)
    assert ("contract_type", True) in errors(
        c, d, amended_last_rate=Decimal("51"), first_rate=Decimal("43")
    )
    assert errors(c, d, amended_last_rate=Decimal("51"), first_rate=Decimal("51")) == set()


# --- NIR -----------------------------------------------------------------------------------------


def test_the_nir_agrees_with_the_birth_date_and_the_sex():
    birth = date(2009, 5, 10)
    nir = nir_for(birth, "F")
    assert clean_nir(nir, birth=birth, sex="F") == nir
    assert mask_nir(nir) == "2 09 05 •• ••• ••• ••"
    with pytest.raises(ValidationError, match="date de naissance"):
        clean_nir(nir, birth=date(2009, 6, 10), sex="F")
    with pytest.raises(ValidationError, match="sexe"):
        clean_nir(nir, birth=birth, sex="M")
    with pytest.raises(ValidationError, match="clé"):
        clean_nir(nir[:-2] + "00", birth=birth, sex="F")


@pytest.mark.parametrize("typed", ["2090575111123456", "20905751111", "A09057511112345", "２０９"])
def test_malformed_nirs(typed):
    with pytest.raises(ValidationError):
        clean_nir(typed)


def test_the_required_fields_are_listed_with_their_step():
    c, d = contract()
    found = {(f.step, f.field) for f in rules.missing(c, d)}
    assert (rules.STEP_EMPLOYER, "employer_name") in found
    assert (rules.STEP_TRAINING, "rncp") in found
    assert (rules.STEP_SIGNATURES, "pieces_attested") in found
    assert not any(f.field == "guardian_name" for f in rules.missing(c, d))
    # 21 before the end: the SMC is asked.
    assert (rules.STEP_CONTRACT, "smc") in found


def test_the_deposit_lateness_counts_working_days():
    d = Dossier(start_date=date(2026, 9, 4))  # a Friday
    assert rules.lateness(d) == date(2026, 9, 11)


@pytest.mark.parametrize("number", ["12A202609NC0012", "096202609NC0012", "977202609NC0012"])
def test_deca_numbers_start_with_a_real_departement(number):
    with pytest.raises(ValidationError):
        clean_deca_number(number)


def test_an_avenant_type_is_for_avenants_only():
    c, d = contract(contract_type="36")  # a fresh contract typed as an avenant
    assert ("contract_type", True) in errors(c, d)
    c, d = contract(contract_type="11", amends_id=1)
    assert ("contract_type", True) in errors(c, d)
    # An avenant is not held to the contract's minimum duration.
    c, d = contract(contract_type="36", amends_id=1, end_date=date(2026, 12, 31))
    assert not [f for f in rules.check(c, d) if f.field == "end_date"]
