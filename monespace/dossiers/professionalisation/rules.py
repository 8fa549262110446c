"""What the law asks of a professionalisation contract and of a Pro-A, as findings next to the
fields (docs/research: domain-alternance.md §3 and §4).

``check`` reads a contract and its dossier — saved, or as a step's form would leave them — and
returns ``Finding``s (an error blocks transmission, a warning does not); ``missing`` lists the
fields transmission requires. The steps and their fields, in the order of the EJ20, are
declared here; the forms, the « Il manque » links, the back office's checklist and the PDF use
them. Figures (the pay grid, the branches' Pro-A lists) are dated referentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.formats import format_euros, format_hours, format_percent
from monespace.core.identifiers import rncp_code
from monespace.core.memo import process_cached
from monespace.dossiers.apprenticeship.pay import (
    add_months,
    age_on,
    bracket_switch,
    ceil_cent,
    smic_monthly_on,
)

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier, ProfessionalisationContract

STEP_EMPLOYER = "employeur"
STEP_EMPLOYEE = "salarie"
STEP_TUTOR = "tuteur"
STEP_CONTRACT = "contrat"
STEP_TRAINING = "formation"
STEP_SIGNATURES = "signatures"

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    STEP_EMPLOYER: (
        "employer_name",
        "employer_street_number",
        "employer_street",
        "employer_address_complement",
        "employer_postal_code",
        "employer_city",
        "employer_phone",
        "employer_email",
        "private_employer",
        "urssaf_number",
        "naf",
        "headcount",
        "idcc",
        "pension_fund",
        "provident_fund",
    ),
    STEP_EMPLOYEE: (
        "employee_last_name",
        "employee_first_name",
        "employee_nir",
        "employee_street_number",
        "employee_street",
        "employee_address_complement",
        "employee_postal_code",
        "employee_city",
        "employee_phone",
        "employee_email",
        "employee_birth_date",
        "employee_sex",
        "employee_rqth",
        "employee_situation",
        "employee_job_seeker_number",
        "employee_job_seeker_months",
        "employee_minimum_social",
        "employee_highest_level",
        "employment_contract",
        "employment_start",
    ),
    STEP_TUTOR: (
        "tutor_last_name",
        "tutor_first_name",
        "tutor_birth_date",
        "tutor_email",
        "tutor_job",
        "tutor_experience_years",
        "tutor_is_employer",
        "tutor_training_hours",
        "tutor2_last_name",
        "tutor2_first_name",
        "tutor2_birth_date",
        "tutor2_job",
    ),
    STEP_CONTRACT: (
        "contract_type",
        "nature",
        "previous_contract_number",
        "conclusion_date",
        "start_date",
        "end_date",
        "duration_extension",
        "probation_days",
        "job_title",
        "classification",
        "coefficient",
        "weekly_hours",
        "pay_rate",
        "hiring_salary",
        "smc",
    ),
    STEP_TRAINING: (
        "internal_training",
        "provider_name",
        "provider_siret",
        "provider_nda",
        "provider_street",
        "provider_postal_code",
        "provider_city",
        "qualification_type",
        "qualification_title",
        "rncp",
        "target_level",
        "training_start",
        "training_end",
        "training_hours",
        "hours_outside_work",
        "outside_work_agreed",
        "extended_training_share",
    ),
    STEP_SIGNATURES: ("signature_place", "pieces_attested"),
}
# What only a Pro-A asks, and what only a professionalisation contract asks.
PRO_A_ONLY = (
    "employment_contract",
    "employment_start",
    "hours_outside_work",
    "outside_work_agreed",
)
CONTRACT_ONLY = (
    "employee_situation",
    "employee_job_seeker_number",
    "employee_job_seeker_months",
    "nature",
    "probation_days",
    "hiring_salary",
    "pay_rate",
    "smc",
)
DOSSIER_FIELDS = ("start_date", "end_date", "provider_name", "provider_siret")
DOSSIER_LABELS = {
    "start_date": gettext_lazy("Date de début du contrat ou de l'action de professionnalisation"),
    "end_date": gettext_lazy("Date de fin du contrat (CDD) ou de l'action de professionnalisation"),
    "provider_name": gettext_lazy("Dénomination de l'organisme de formation"),
    "provider_siret": gettext_lazy("N° SIRET de l'organisme de formation"),
}
PRO_A_LABELS = {
    "start_date": gettext_lazy("Date de début de la Pro-A (effet de l'avenant)"),
    "end_date": gettext_lazy("Date de fin de la Pro-A"),
    "conclusion_date": gettext_lazy("Date de signature de l'avenant"),
    "job_title": gettext_lazy("Emploi occupé"),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    STEP_EMPLOYER: (
        "employer_name",
        "employer_street",
        "employer_postal_code",
        "employer_city",
        "employer_email",
        "naf",
        "headcount",
        "idcc",
    ),
    STEP_EMPLOYEE: (
        "employee_last_name",
        "employee_first_name",
        "employee_nir",
        "employee_street",
        "employee_postal_code",
        "employee_city",
        "employee_birth_date",
        "employee_sex",
        "employee_situation",
        "employee_highest_level",
        "employment_contract",
        "employment_start",
    ),
    STEP_TUTOR: (
        "tutor_last_name",
        "tutor_first_name",
        "tutor_birth_date",
        "tutor_job",
        "tutor_experience_years",
    ),
    STEP_CONTRACT: (
        "contract_type",
        "nature",
        "conclusion_date",
        "start_date",
        "end_date",
        "job_title",
        "weekly_hours",
        "pay_rate",
        "hiring_salary",
    ),
    STEP_TRAINING: (
        "provider_name",
        "provider_siret",
        "qualification_type",
        "qualification_title",
        "training_start",
        "training_end",
        "training_hours",
    ),
    STEP_SIGNATURES: ("signature_place", "pieces_attested"),
}

MIN_AGE, YOUTH_MAX_AGE = 16, 25
MIN_MONTHS, USUAL_MAX_MONTHS = 6, 12
EXTENDED_MAX_MONTHS = {"branch": 24, "priority": 36}
MIN_TRAINING_HOURS = 150
MIN_SHARE, MAX_SHARE = Decimal("0.15"), Decimal("0.25")
TUTOR_MIN_EXPERIENCE = 2
TUTOR_MAX_ALTERNANTS = 3
PRO_A_MAX_LEVEL = "5"  # below the licence (level 6)
LONG_TERM_JOB_SEEKER_MONTHS = 12
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
LEGAL_WEEKLY_HOURS = Decimal(35)


@dataclass(frozen=True)
class Finding:
    step: str
    field: str
    message: str
    blocking: bool = True


def is_pro_a(dossier: Dossier) -> bool:
    from monespace.dossiers.enums import DossierKind

    return dossier.kind == DossierKind.PRO_A


def step_fields(dossier: Dossier, step: str) -> tuple[str, ...]:
    """The fields of ``step`` for this dispositif."""
    left_out = CONTRACT_ONLY if is_pro_a(dossier) else PRO_A_ONLY
    return tuple(name for name in STEP_FIELDS[step] if name not in left_out)


def label_of(dossier: Dossier, name: str) -> str:
    from monespace.dossiers.models import Dossier as DossierModel
    from monespace.dossiers.models import ProfessionalisationContract as Model

    if is_pro_a(dossier) and name in PRO_A_LABELS:
        return str(PRO_A_LABELS[name])
    if name in DOSSIER_LABELS:
        return str(DOSSIER_LABELS[name])
    model = DossierModel if name in DOSSIER_FIELDS else Model
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _value(contract: ProfessionalisationContract, dossier: Dossier, name: str) -> object:
    return getattr(dossier if name in DOSSIER_FIELDS else contract, name)


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def missing(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    found = []
    for step, names in REQUIRED.items():
        shown = step_fields(dossier, step)
        for name in names:
            if name not in shown:
                continue
            value = _value(contract, dossier, name)
            if value in (None, "", False):
                found.append(Finding(step, name, label_of(dossier, name)))
    if contract.contract_type in ("2", "3", "4", "5") and not contract.previous_contract_number:
        found.append(
            Finding(
                STEP_CONTRACT,
                "previous_contract_number",
                label_of(dossier, "previous_contract_number"),
            )
        )
    if contract.employee_situation == "job_seeker" and not contract.employee_job_seeker_months:
        found.append(
            Finding(
                STEP_EMPLOYEE,
                "employee_job_seeker_months",
                label_of(dossier, "employee_job_seeker_months"),
            )
        )
    needs_rncp = contract.qualification_type in ("rncp", "cqp") or is_pro_a(dossier)
    if (
        needs_rncp
        and contract.qualification_type not in ("clea", "vae", "branch")
        and not contract.rncp
    ):
        found.append(Finding(STEP_TRAINING, "rncp", label_of(dossier, "rncp")))
    return found


# --- Who, how long, how much training --------------------------------------------------------


def age_at_start(contract: ProfessionalisationContract, dossier: Dossier) -> int | None:
    if contract.employee_birth_date is None or dossier.start_date is None:
        return None
    return age_on(contract.employee_birth_date, dossier.start_date)


def is_qualified(contract: ProfessionalisationContract) -> bool:
    """Holds a qualification of level 4 or more (the pay grid's higher column)."""
    level = contract.employee_highest_level
    return bool(level) and level >= "4"


def is_priority_public(contract: ProfessionalisationContract, dossier: Dossier) -> bool:
    """The publics the law favours (longer contracts, tutor aid majorated): 16–25 without a
    level-4 qualification, job seekers of a year or more aged 26 or more, beneficiaries of the
    RSA, ASS or AAH, those leaving a CUI."""
    age = age_at_start(contract, dossier)
    young_unqualified = age is not None and age <= YOUTH_MAX_AGE and not is_qualified(contract)
    long_term = (contract.employee_job_seeker_months or 0) >= LONG_TERM_JOB_SEEKER_MONTHS
    return bool(
        young_unqualified
        or (long_term and age is not None and age > YOUTH_MAX_AGE)
        or contract.employee_minimum_social
        or contract.employee_situation == "cui"
    )


def months_between(start: date, end: date) -> Decimal:
    """The length of [start, end] in months, to two decimals (a whole month is a month)."""
    whole = 0
    while add_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    rest_start = add_months(start, whole)
    if rest_start > end:
        return Decimal(whole)
    month_days = (add_months(rest_start, 1) - rest_start).days
    return Decimal(whole) + (Decimal((end - rest_start).days + 1) / Decimal(month_days)).quantize(
        Decimal("0.01")
    )


def working_hours(contract: ProfessionalisationContract, dossier: Dossier) -> Decimal | None:
    """The contract's (or action's) working hours: weekly hours × weeks."""
    if dossier.start_date is None or dossier.end_date is None:
        return None
    weekly = contract.weekly_hours or LEGAL_WEEKLY_HOURS
    return (
        months_between(dossier.start_date, dossier.end_date) * WEEKS_PER_MONTH * weekly
    ).quantize(Decimal("0.01"))


def check(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    found += _public(contract, dossier)
    found += _dates(contract, dossier)
    found += _training(contract, dossier)
    found += _pay(contract, dossier)
    found += _tutor(contract, dossier)
    found += _qualification_type(contract, dossier)
    if is_pro_a(dossier):
        found += pro_a_eligibility(contract, dossier)
    return found


def _public(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    age = age_at_start(contract, dossier)
    if age is None:
        return []
    if age < MIN_AGE:
        return [
            Finding(
                STEP_EMPLOYEE,
                "employee_birth_date",
                _("Le salarié doit avoir au moins %(age)d ans au début du contrat.")
                % {"age": MIN_AGE},
            )
        ]
    if is_pro_a(dossier) or age <= YOUTH_MAX_AGE:
        return []
    eligible = (
        contract.employee_situation in ("job_seeker", "cui") or contract.employee_minimum_social
    )
    if eligible:
        return []
    return [
        Finding(
            STEP_EMPLOYEE,
            "employee_situation",
            _(
                "À 26 ans ou plus, le contrat de professionnalisation s'adresse aux demandeurs d'emploi, aux bénéficiaires du RSA, de l'ASS ou de l'AAH et aux personnes sortant d'un CUI."
            ),
        )
    ]


def max_months(contract: ProfessionalisationContract, dossier: Dossier) -> int:
    extension = contract.duration_extension
    if extension == "priority" and is_priority_public(contract, dossier):
        return EXTENDED_MAX_MONTHS["priority"]
    if extension in EXTENDED_MAX_MONTHS:
        return EXTENDED_MAX_MONTHS["branch"]
    return USUAL_MAX_MONTHS


def _dates(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    start, end = dossier.start_date, dossier.end_date
    if start and end:
        if end <= start:
            return [
                Finding(
                    STEP_CONTRACT, "end_date", _("La date de fin doit suivre la date de début.")
                )
            ]
        months = months_between(start, end)
        limit = max_months(contract, dossier)
        if months < MIN_MONTHS:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "end_date",
                    _("La durée doit être d'au moins %(min)d mois (ici %(months)s mois).")
                    % {"min": MIN_MONTHS, "months": _months(months)},
                )
            )
        elif months > limit:
            if contract.duration_extension == "priority" and not is_priority_public(
                contract, dossier
            ):
                reason = _(
                    "36 mois sont réservés aux publics prioritaires (16–25 ans sans qualification de niveau 4, demandeurs d'emploi d'un an ou plus, bénéficiaires du RSA, de l'ASS ou de l'AAH, sortants de CUI) : au plus 24 mois ici."
                )
            else:
                reason = _(
                    "Au-delà de 12 mois, indiquez l'allongement qui s'applique (accord de branche : 24 mois ; public prioritaire : 36 mois)."
                )
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "end_date",
                    _("La durée est de %(months)s mois, au plus %(max)d mois.")
                    % {"months": _months(months), "max": limit}
                    + " "
                    + reason,
                )
            )
    conclusion = contract.conclusion_date
    if conclusion and start and conclusion > start and contract.contract_type != "5":
        found.append(
            Finding(
                STEP_CONTRACT,
                "conclusion_date",
                _("Le contrat se signe au plus tard le jour de son début (le %(date)s).")
                % {"date": _date(start)},
            )
        )
    hired = contract.employment_start
    if is_pro_a(dossier) and hired and start and hired > start:
        found.append(
            Finding(
                STEP_EMPLOYEE,
                "employment_start",
                _(
                    "La Pro-A modifie un contrat de travail en cours : l'embauche précède son début."
                ),
            )
        )
    return found


def _months(value: Decimal) -> str:
    return format_hours(value)


def _training(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    start, end = dossier.start_date, dossier.end_date
    t_start, t_end = contract.training_start, contract.training_end
    if t_start and t_end and t_end < t_start:
        found.append(
            Finding(
                STEP_TRAINING,
                "training_end",
                _("La fin de la formation doit suivre son début."),
            )
        )
    if t_start and start and t_start < start:
        found.append(
            Finding(
                STEP_TRAINING,
                "training_start",
                _("La formation commence au plus tôt le premier jour du contrat (le %(date)s).")
                % {"date": _date(start)},
            )
        )
    if t_end and end and t_end > end:
        found.append(
            Finding(
                STEP_TRAINING,
                "training_end",
                _("La formation se termine au plus tard le dernier jour du contrat (le %(date)s).")
                % {"date": _date(end)},
            )
        )
    hours = contract.training_hours
    light = contract.qualification_type in ("clea", "vae")
    if hours is not None and not light:
        if hours < MIN_TRAINING_HOURS:
            found.append(
                Finding(
                    STEP_TRAINING,
                    "training_hours",
                    _("La formation dure au moins %(min)d heures.") % {"min": MIN_TRAINING_HOURS},
                )
            )
        total = working_hours(contract, dossier)
        if total:
            share = Decimal(hours) / total
            low, high = (
                (MIN_SHARE * total).quantize(Decimal(1)),
                (MAX_SHARE * total).quantize(Decimal(1)),
            )
            if share < MIN_SHARE and hours >= MIN_TRAINING_HOURS:
                found.append(
                    Finding(
                        STEP_TRAINING,
                        "training_hours",
                        _(
                            "La formation représente au moins 15 %% de la durée (%(total)s h travaillées) : au moins %(low)s h."
                        )
                        % {"total": format_hours(total), "low": format_hours(low)},
                    )
                )
            if share > MAX_SHARE and not contract.extended_training_share:
                found.append(
                    Finding(
                        STEP_TRAINING,
                        "training_hours",
                        _(
                            "La formation représente au plus 25 %% de la durée (%(high)s h), sauf accord de branche à cocher ci-dessous."
                        )
                        % {"high": format_hours(high)},
                    )
                )
    outside = contract.hours_outside_work
    if is_pro_a(dossier) and outside:
        if hours is not None and outside > hours:
            found.append(
                Finding(
                    STEP_TRAINING,
                    "hours_outside_work",
                    _(
                        "Les heures hors du temps de travail ne dépassent pas la durée de la formation."
                    ),
                )
            )
        if not contract.outside_work_agreed:
            found.append(
                Finding(
                    STEP_TRAINING,
                    "outside_work_agreed",
                    _("Des heures hors du temps de travail demandent l'accord écrit du salarié."),
                )
            )
    return found


# --- Pay ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProPay:
    """The legal minimum from a day: the bracket, the rate of the SMIC, the monthly amount."""

    start: date
    bracket: int
    rate: Decimal
    smc_rate: Decimal
    monthly: Decimal | None


@process_cached(300)
def _grid_rows() -> list[tuple[date, int, bool, Decimal, Decimal]]:
    from monespace.referentials.models import ProPayRate

    return list(
        ProPayRate.objects.order_by("-effective_from").values_list(
            "effective_from", "min_age", "qualified", "rate", "smc_rate"
        )
    )


def _grid_on(day: date, qualified: bool) -> dict[int, tuple[Decimal, Decimal]]:
    rows = [row for row in _grid_rows() if row[0] <= day and row[2] == qualified]
    if not rows:
        return {}
    latest = rows[0][0]
    return {age: (rate, smc) for when, age, _q, rate, smc in rows if when == latest}


def minimum_pay(
    *,
    birth: date | None,
    start: date | None,
    end: date | None,
    qualified: bool,
    smc: Decimal | None = None,
) -> list[ProPay]:
    """The minimum at the start and at each bracket change during the contract (the bracket
    rises on the first day of the month after the 21st and 26th birthdays)."""
    if birth is None or start is None or end is None or end < start:
        return []
    grid = _grid_on(start, qualified)
    smic = smic_monthly_on(start)
    if not grid:
        return []
    ages = sorted(grid)
    changes = [start] + [
        day for age in ages[1:] if start < (day := bracket_switch(birth, age)) <= end
    ]
    periods = []
    for day in changes:
        bracket = max(
            (age for age in ages if age == ages[0] or bracket_switch(birth, age) <= day),
            default=ages[0],
        )
        rate, smc_rate = grid[bracket]
        amounts = []
        if smic is not None:
            amounts.append(smic * rate / 100)
        if smc and smc_rate:
            amounts.append(smc * smc_rate / 100)
        periods.append(
            ProPay(day, bracket, rate, smc_rate, ceil_cent(max(amounts)) if amounts else None)
        )
    return periods


def _pay(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    if is_pro_a(dossier):
        return []
    periods = minimum_pay(
        birth=contract.employee_birth_date,
        start=dossier.start_date,
        end=dossier.end_date,
        qualified=is_qualified(contract),
        smc=contract.smc,
    )
    if not periods:
        return []
    first = periods[0]
    found = []
    if contract.pay_rate is not None and contract.pay_rate < first.rate:
        found.append(
            Finding(
                STEP_CONTRACT,
                "pay_rate",
                _("La rémunération est d'au moins %(rate)s du SMIC pour ce salarié.")
                % {"rate": format_percent(first.rate)},
            )
        )
    if (
        contract.hiring_salary is not None
        and first.monthly
        and contract.hiring_salary < first.monthly
    ):
        found.append(
            Finding(
                STEP_CONTRACT,
                "hiring_salary",
                _("Le salaire brut mensuel est d'au moins %(amount)s (minimum légal au début).")
                % {"amount": format_euros(first.monthly)},
            )
        )
    if first.bracket >= 26 and contract.smc is None:
        found.append(
            Finding(
                STEP_CONTRACT,
                "smc",
                _("À 26 ans ou plus, indiquez le salaire minimum conventionnel (85 % au moins)."),
            )
        )
    if len(periods) > 1:
        later = periods[1]
        found.append(
            Finding(
                STEP_CONTRACT,
                "pay_rate",
                _("Le %(date)s, le salarié change de tranche d'âge : au moins %(rate)s du SMIC.")
                % {"date": _date(later.start), "rate": format_percent(later.rate)},
                blocking=False,
            )
        )
    return found


# --- Tutor -------------------------------------------------------------------------------------


def _tutor(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    found = []
    experience = contract.tutor_experience_years
    if experience is not None and experience < TUTOR_MIN_EXPERIENCE:
        found.append(
            Finding(
                STEP_TUTOR,
                "tutor_experience_years",
                _(
                    "Le tuteur justifie d'au moins 2 ans d'expérience dans une qualification en rapport avec l'objectif."
                ),
            )
        )
    birth = contract.tutor_birth_date
    if birth and dossier.start_date and age_on(birth, dossier.start_date) < 18:
        found.append(
            Finding(STEP_TUTOR, "tutor_birth_date", _("Le tuteur est majeur au début du contrat."))
        )
    return found


def tutor_is_senior(contract: ProfessionalisationContract, dossier: Dossier) -> bool:
    """A tutor of 45 or more at the start (the tutor aid's majoration)."""
    birth = contract.tutor_birth_date
    return bool(birth and dossier.start_date and age_on(birth, dossier.start_date) >= 45)


# --- Pro-A -------------------------------------------------------------------------------------


def _qualification_type(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    kind = contract.qualification_type
    if not is_pro_a(dossier) and kind in ("clea", "vae"):
        return [
            Finding(
                STEP_TRAINING,
                "qualification_type",
                _(
                    "CléA et la VAE se financent en Pro-A : un contrat de professionnalisation vise un diplôme ou titre RNCP, un CQP ou une qualification de la convention collective."
                ),
            )
        ]
    if is_pro_a(dossier) and kind == "branch":
        return [
            Finding(
                STEP_TRAINING,
                "qualification_type",
                _(
                    "Pro-A vise une certification de la liste de la branche (diplôme ou titre RNCP, CQP), CléA ou la VAE."
                ),
            )
        ]
    return []


def pro_a_eligibility(contract: ProfessionalisationContract, dossier: Dossier) -> list[Finding]:
    """Pro-A: an employee in CDI, CUI-CDI, activité partielle (or a professional athlete's
    CDD), below the licence, towards a certification of the branch's list (or CléA, VAE)."""
    from monespace.referentials.models import ProACertification

    found = []
    if contract.employment_contract == "cdd":
        found.append(
            Finding(
                STEP_EMPLOYEE,
                "employment_contract",
                _(
                    "Pro-A s'adresse aux salariés en CDI, en CUI-CDI ou en activité partielle (et aux sportifs professionnels en CDD) : pas à un autre CDD."
                ),
            )
        )
    level = contract.employee_highest_level
    if level and level > PRO_A_MAX_LEVEL:
        found.append(
            Finding(
                STEP_EMPLOYEE,
                "employee_highest_level",
                _(
                    "Pro-A s'adresse aux salariés dont la qualification est inférieure à la licence (niveau 6)."
                ),
            )
        )
    kind = contract.qualification_type
    if kind in ("clea", "vae") or not contract.rncp:
        return found
    day = contract.conclusion_date or dossier.start_date
    if not contract.idcc or day is None:
        return found
    listed = (
        ProACertification.objects.filter(
            idcc=contract.idcc, rncp=rncp_code(contract.rncp), valid_from__lte=day
        )
        .exclude(valid_until__lt=day)
        .exists()
    )
    if not listed:
        found.append(
            Finding(
                STEP_TRAINING,
                "rncp",
                _(
                    "%(rncp)s ne figure pas, au %(date)s, dans la liste des certifications éligibles à Pro-A de la branche (IDCC %(idcc)s)."
                )
                % {
                    "rncp": rncp_code(contract.rncp),
                    "date": _date(day),
                    "idcc": contract.idcc,
                },
            )
        )
    return found


DEPOSIT_DAYS = 5


def deposit_due(dossier: Dossier) -> date | None:
    """The employer sends the contract to the OPCO within 5 days of its start (D6325-1:
    calendar days, unlike the apprenticeship's working days)."""
    return dossier.start_date + timedelta(days=DEPOSIT_DAYS) if dossier.start_date else None


def silence_accepted(dossier: Dossier, today: date | None = None) -> bool:
    """Whether the OPCO's 20 days have ended on a contract still under instruction (not
    waiting for pieces): its silence has accepted it, whatever the daily pass has done."""
    from django.utils import timezone

    from monespace.dossiers.enums import DossierState

    decide_by = dossier.detail.decide_by
    return bool(
        decide_by
        and dossier.state in (DossierState.SUBMITTED, DossierState.UNDER_REVIEW)
        and (today or timezone.localdate()) > decide_by
    )


def hours_in_work(contract: ProfessionalisationContract) -> int | None:
    if contract.training_hours is None:
        return None
    return max(contract.training_hours - (contract.hours_outside_work or 0), 0)
