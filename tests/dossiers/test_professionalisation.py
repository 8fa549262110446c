"""The professionalisation contract and Pro-A: the law's rules, the pay grid, the funding's
worked examples, the OPCO's silence that accepts, the commitment that keeps its figures."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from monespace.dossiers.apprenticeship.pay import add_months
from monespace.dossiers.funding import professionalisation as funding
from monespace.dossiers.funding.services import estimate_for
from monespace.dossiers.models import Decision, Dossier, FundingCommitment
from monespace.dossiers.professionalisation import rules, services
from monespace.referentials.models import FundingRate, ProACertification
from tests.factories import ProContractFactory, _years_before, pieces_attached

pytestmark = pytest.mark.django_db


def blocking(dossier):
    dossier.refresh_from_db()
    return {(f.field, f.message) for f in rules.check(dossier.detail, dossier) if f.blocking}


def fields(dossier):
    return {field for field, _message in blocking(dossier)}


def test_a_valid_contract_has_nothing_to_fix():
    dossier = ProContractFactory()
    assert blocking(dossier) == set()
    assert rules.missing(dossier.detail, dossier) == []


def test_worked_example_11_months_400_hours_tutor_of_46():
    """11 months × 400 h at 9.15 €/h with a 46-year-old tutor: 3 660 € of training and
    230 € × 1.5 × 6 months = 2 070 € of tutor aid."""
    dossier = ProContractFactory(
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__conclusion_date=date(2026, 8, 25),
        professionalisation__tutor_birth_date=date(1980, 3, 1),
    )
    result = estimate_for(dossier)
    assert result.complete
    assert result.training_total == Decimal("3660.00")
    assert result.annexes_total == Decimal("2070.00")
    assert result.total == Decimal("5730.00")
    whys = " ".join(line.why for line in result.lines)
    assert "400 h × 9,15" in whys.replace("\u202f", " ").replace("\xa0", " ")
    assert "tuteur de 45 ans ou plus" in whys
    assert [i.gross for i in result.instalments] == [Decimal("3660.00"), Decimal("2070.00")]


def test_tutor_aid_without_majoration_and_tutor_training_within_its_ceiling():
    dossier = ProContractFactory(
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__tutor_birth_date=date(1990, 3, 1),
        professionalisation__tutor_training_hours=60,
    )
    result = estimate_for(dossier)
    labels = {line.label: line.amount for line in result.lines}
    assert labels["Aide à l'exercice du tutorat"] == Decimal("1380.00")  # 230 × 6
    assert labels["Formation du tuteur"] == Decimal("600.00")  # 40 h × 15 €, not 60 h


def test_priority_public_majorates_the_tutor_aid():
    """A young employee without a level-4 qualification is a priority public."""
    dossier = ProContractFactory(
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__employee_highest_level="3",
        professionalisation__pay_rate=Decimal("70"),
        professionalisation__tutor_birth_date=date(1990, 3, 1),
    )
    labels = {line.label: line.amount for line in estimate_for(dossier).lines}
    assert labels["Aide à l'exercice du tutorat"] == Decimal("2070.00")


def test_the_branch_forfait_applies_to_its_idcc_from_its_date():
    FundingRate.objects.create(
        parameter="pro_hourly", idcc="0843", effective_from=date(2026, 1, 1), value=Decimal("12")
    )
    dossier = ProContractFactory(
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__conclusion_date=date(2026, 8, 25),
    )
    assert estimate_for(dossier).training_total == Decimal("4800.00")
    other = ProContractFactory(
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__idcc="1486",
    )
    assert estimate_for(other).training_total == Decimal("3660.00")


def test_the_estimate_says_what_it_needs():
    dossier = ProContractFactory(professionalisation__training_hours=None)
    result = estimate_for(dossier)
    assert not result.complete
    assert "heures" in result.missing[0]


@pytest.mark.parametrize(
    ("months", "extension", "ok"),
    [
        (5, "", False),
        (6, "", True),
        (12, "", True),
        (13, "", False),
        (24, "branch", True),
        (25, "branch", False),
    ],
)
def test_duration_6_to_12_months_extended_to_24(months, extension, ok):
    start = timezone.localdate() + timedelta(days=20)
    dossier = ProContractFactory(
        start_date=start,
        end_date=add_months(start, months) - timedelta(days=1),
        professionalisation__duration_extension=extension,
        professionalisation__training_hours=150 if months <= 6 else 600,
        professionalisation__training_end=start + timedelta(days=100),
        professionalisation__extended_training_share=True,
    )
    assert ("end_date" not in fields(dossier)) is ok


def test_36_months_only_for_a_priority_public():
    start = timezone.localdate() + timedelta(days=20)
    qualified = ProContractFactory(
        start_date=start,
        end_date=add_months(start, 36) - timedelta(days=1),
        professionalisation__duration_extension="priority",
        professionalisation__training_hours=1200,
        professionalisation__training_end=start + timedelta(days=100),
    )
    assert "end_date" in fields(qualified)
    unqualified = ProContractFactory(
        start_date=start,
        end_date=add_months(start, 36) - timedelta(days=1),
        professionalisation__duration_extension="priority",
        professionalisation__employee_highest_level="3",
        professionalisation__pay_rate=Decimal("70"),
        professionalisation__training_hours=1200,
        professionalisation__training_end=start + timedelta(days=100),
    )
    assert "end_date" not in fields(unqualified)


def test_training_at_least_150_hours_and_15_to_25_percent():
    # 11 months × 35 h/week ≈ 1 668 h: 15 % ≈ 250 h, 25 % ≈ 417 h.
    too_few = ProContractFactory(professionalisation__training_hours=120)
    messages = dict(blocking(too_few))
    assert "au moins 150 heures" in messages["training_hours"]
    low_share = ProContractFactory(professionalisation__training_hours=200)
    assert "au moins 15 %" in dict(blocking(low_share))["training_hours"]
    high_share = ProContractFactory(professionalisation__training_hours=500)
    assert "au plus 25 %" in dict(blocking(high_share))["training_hours"]
    agreed = ProContractFactory(
        professionalisation__training_hours=500, professionalisation__extended_training_share=True
    )
    assert "training_hours" not in fields(agreed)


def test_over_25_needs_to_be_a_job_seeker_or_a_minimum_social_beneficiary():
    start = timezone.localdate() + timedelta(days=20)
    older = ProContractFactory(
        start_date=start,
        professionalisation__employee_birth_date=_years_before(start, 30),
        professionalisation__pay_rate=Decimal("100"),
        professionalisation__hiring_salary=Decimal("1900"),
        professionalisation__smc=Decimal("1900"),
    )
    assert "employee_situation" in fields(older)
    older.detail.employee_situation = "job_seeker"
    older.detail.employee_job_seeker_months = 14
    older.detail.save()
    assert "employee_situation" not in fields(older)


def test_pay_grid_by_age_and_qualification():
    start = date(2026, 9, 1)
    young = rules.minimum_pay(
        birth=date(2007, 1, 10), start=start, end=date(2027, 7, 31), qualified=False
    )
    assert [p.rate for p in young] == [Decimal("55.00")]
    # 21 on 10 November 2026: 70 % from 1 December.
    turning = rules.minimum_pay(
        birth=date(2005, 11, 10), start=start, end=date(2027, 7, 31), qualified=False
    )
    assert [(p.start, p.rate) for p in turning] == [
        (start, Decimal("55.00")),
        (date(2026, 12, 1), Decimal("70.00")),
    ]
    qualified = rules.minimum_pay(
        birth=date(2003, 1, 10), start=start, end=date(2027, 7, 31), qualified=True
    )
    assert qualified[0].rate == Decimal("80.00")
    assert qualified[0].monthly is not None


def test_pay_below_the_minimum_is_refused():
    dossier = ProContractFactory(professionalisation__pay_rate=Decimal("60"))
    assert "pay_rate" in fields(dossier)  # 22 with a bac: 80 %
    low = ProContractFactory(professionalisation__hiring_salary=Decimal("900"))
    assert "hiring_salary" in fields(low)


def test_tutor_needs_two_years_of_experience():
    dossier = ProContractFactory(professionalisation__tutor_experience_years=1)
    assert "tutor_experience_years" in fields(dossier)


def test_a_tutor_of_three_running_contracts_is_warned():
    start = timezone.localdate() + timedelta(days=20)
    birth = _years_before(start, 46)
    for _n in range(3):
        ProContractFactory(
            state="approved", start_date=start, professionalisation__tutor_birth_date=birth
        )
    dossier = ProContractFactory(start_date=start, professionalisation__tutor_birth_date=birth)
    warnings = dossier.spec.warnings(dossier)
    assert any("au plus 3" in w for w in warnings)


# --- Pro-A -------------------------------------------------------------------------------------


def pro_a(**detail):
    values = {f"professionalisation__{k}": v for k, v in detail.items()}
    return ProContractFactory(kind="pro_a", **values)


def test_pro_a_refuses_a_cdd_a_licence_and_a_certification_off_the_branch_list():
    dossier = pro_a(employment_contract="cdd", employee_highest_level="6")
    found = dict(blocking(dossier))
    assert "CDI" in found["employment_contract"]
    assert "licence" in found["employee_highest_level"]
    assert "liste des certifications éligibles à Pro-A" in found["rncp"]


def test_pro_a_accepts_a_listed_certification_in_force_at_conclusion():
    dossier = pro_a()
    contract = dossier.detail
    ProACertification.objects.create(
        idcc="0843", rncp="RNCP37098", valid_from=contract.conclusion_date - timedelta(days=1)
    )
    assert blocking(dossier) == set()
    ProACertification.objects.update(valid_until=contract.conclusion_date - timedelta(days=1))
    assert "rncp" in fields(dossier)


def test_pro_a_clea_needs_no_list_nor_150_hours():
    dossier = pro_a(qualification_type="clea", rncp="", training_hours=70)
    assert blocking(dossier) == set()


def test_pro_a_hours_outside_work_need_the_employees_agreement():
    dossier = pro_a(qualification_type="vae", rncp="", hours_outside_work=50)
    assert "outside_work_agreed" in fields(dossier)


def test_pro_a_steps_leave_out_the_contract_only_fields():
    dossier = pro_a()
    assert "pay_rate" not in rules.step_fields(dossier, rules.STEP_CONTRACT)
    assert "employment_contract" in rules.step_fields(dossier, rules.STEP_EMPLOYEE)
    plain = ProContractFactory()
    assert "employment_contract" not in rules.step_fields(plain, rules.STEP_EMPLOYEE)


# --- The OPCO's silence ------------------------------------------------------------------------


def submitted(complete_days_ago, state="submitted"):
    dossier = ProContractFactory(state=state)
    pieces_attached(dossier)
    dossier.detail.complete_on = timezone.localdate() - timedelta(days=complete_days_ago)
    dossier.detail.save()
    return dossier


def test_silence_after_20_days_accepts_the_contract_with_its_commitment(mailoutbox):
    due = submitted(21)
    not_yet = submitted(20)
    waiting_for_pieces = submitted(30, state="documents_requested")
    out = io.StringIO()
    call_command("accept_silent_contracts", stdout=out)
    assert f"{due.number} : accord tacite" in out.getvalue()
    due.refresh_from_db()
    assert due.state == "approved"
    assert due.detail.tacit and due.detail.decided_on == timezone.localdate()
    commitment = FundingCommitment.objects.get(dossier=due)
    assert commitment.total == due.granted_total > 0
    decision = Decision.objects.get(dossier=due)
    assert "réputée acceptée" in decision.reason and decision.letter_id
    for other in (not_yet, waiting_for_pieces):
        other.refresh_from_db()
        assert other.state != "approved"
    # Once more: nothing new.
    assert services.tacit_acceptances() == []


def test_a_commitment_keeps_its_rates_when_a_later_forfait_is_added():
    dossier = submitted(21)
    services.tacit_acceptances()
    before = FundingCommitment.objects.get(dossier=dossier)
    FundingRate.objects.create(
        parameter="pro_hourly", idcc="", effective_from=date(2020, 1, 1), value=Decimal("20")
    )
    assert FundingCommitment.objects.get(dossier=dossier).total == before.total
    assert before.rates.filter(parameter="pro_hourly", value=Decimal("9.15")).exists()
    # The estimate of a new contract follows the new rate.
    assert estimate_for(ProContractFactory()).training_total == Decimal("8000.00")


def test_months_between():
    assert rules.months_between(date(2026, 9, 1), date(2027, 7, 31)) == Decimal(11)
    assert rules.months_between(date(2026, 9, 1), date(2026, 9, 15)) == Decimal("0.50")
    assert funding.started_months(date(2026, 9, 1), date(2027, 7, 31)) == 11


def test_the_ej20_pdf_renders():
    from monespace.dossiers.professionalisation.layout import render_ej20

    pdf = render_ej20(Dossier.objects.get(pk=ProContractFactory().pk))
    assert pdf.startswith(b"%PDF")


# --- Review fixes ------------------------------------------------------------------------------


def test_after_a_rupture_the_tutoring_stays_the_employers_and_the_training_the_organisations():
    from monespace.dossiers.apprenticeship.services import rupture_declare, rupture_record
    from monespace.invoices import ledger
    from tests.factories import StaffProfileFactory, UserFactory

    dossier = ProContractFactory(
        state="submitted",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__conclusion_date=date(2026, 8, 25),
        professionalisation__training_start=date(2026, 9, 8),
        professionalisation__training_end=date(2027, 7, 17),
        professionalisation__tutor_birth_date=date(1990, 1, 1),
    )
    pieces_attached(dossier)
    advisor = StaffProfileFactory().user
    services.contract_approve(actor=advisor, dossier=dossier)
    rupture_declare(
        actor=UserFactory(),
        dossier=dossier,
        rupture_date=date(2026, 11, 30),
        reason="resignation",
        initiated_by="apprentice",
    )
    rupture_record(actor=advisor, dossier=dossier)
    latest = FundingCommitment.objects.filter(dossier=dossier).order_by("-version").first()
    amounts = {i.code: i.amount for i in latest.instalments.all()}
    assert amounts == {"F1": Decimal("979.05"), "T1": Decimal("690.00")}  # no « R1 » lump
    engaged = {code: b.engaged for code, b in ledger.balance_of(dossier).items()}
    assert engaged["F1"] == Decimal("979.05") and engaged["T1"] == Decimal("690.00")


def test_clea_and_vae_are_for_pro_a_and_branch_qualifications_not():
    dossier = ProContractFactory(
        professionalisation__qualification_type="clea", professionalisation__training_hours=10
    )
    assert "qualification_type" in fields(dossier)
    branch = pro_a(qualification_type="branch", rncp="")
    assert "qualification_type" in fields(branch)


def test_the_deposit_is_due_5_calendar_days_after_the_start():
    dossier = ProContractFactory(start_date=date(2026, 9, 4))  # a Friday
    assert rules.deposit_due(dossier) == date(2026, 9, 9)


def test_past_the_20_days_the_opco_no_longer_refuses_nor_asks_for_pieces():
    from monespace.dossiers.errors import DossierError
    from monespace.dossiers.instruction import dossier_refuse, dossier_request_documents
    from tests.factories import StaffProfileFactory

    advisor = StaffProfileFactory().user
    late = submitted(21)
    with pytest.raises(DossierError, match="silence de l'OPCO vaut acceptation"):
        dossier_refuse(actor=advisor, dossier=late, reason="Non")
    with pytest.raises(DossierError):
        dossier_request_documents(
            actor=advisor, dossier=late, pieces=["x"], due_date=timezone.localdate()
        )
    in_time = submitted(20)
    dossier_refuse(actor=advisor, dossier=in_time, reason="Formation hors champ")
    in_time.refresh_from_db()
    assert in_time.state == "refused"


def test_one_failing_contract_does_not_hold_back_the_silence_pass(monkeypatch):
    first, second = submitted(25), submitted(25)
    real = services.contract_approve

    def flaky(*, actor, dossier, **kwargs):
        if dossier.pk == first.pk:
            raise OSError("disque plein")
        return real(actor=actor, dossier=dossier, **kwargs)

    monkeypatch.setattr(services, "contract_approve", flaky)
    accepted = services.tacit_acceptances()
    assert [d.pk for d in accepted] == [second.pk]
    first.refresh_from_db()
    assert first.state == "submitted"
