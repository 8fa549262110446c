"""What the law asks of an apprenticeship contract, as findings next to the fields
(docs/research: domain-alternance.md §2; the State's contract generator checks the same).

``check`` reads a contract and its dossier — saved, or as a step's form would leave them — and
returns ``Finding``s: an error blocks transmission (and the step's save when it is on one of the
step's fields), a warning does not. ``missing`` lists the fields transmission requires. The
steps' keys and their fields, in the order of the CERFA, are declared here: the forms, the
links of « Il manque » and the checklist of the back office all use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.formats import format_hours

from .pay import add_months, add_years, age_on

if TYPE_CHECKING:
    from monespace.dossiers.models import ApprenticeshipContract, Dossier

STEP_EMPLOYER = "employeur"
STEP_APPRENTICE = "apprenti"
STEP_GUARDIAN = "representant-legal"
STEP_MASTERS = "maitres"
STEP_CONTRACT = "contrat"
STEP_TRAINING = "formation"
STEP_SIGNATURES = "signatures"

# The fields of each step, in the order of the CERFA (the dossier's own: start_date, end_date,
# provider_name, provider_siret).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    STEP_EMPLOYER: (
        "employer_public",
        "employer_name",
        "employer_street_number",
        "employer_street",
        "employer_address_complement",
        "employer_postal_code",
        "employer_city",
        "employer_phone",
        "employer_email",
        "employer_type",
        "specific_employer",
        "naf",
        "headcount",
        "idcc",
        "public_unemployment_scheme",
    ),
    STEP_APPRENTICE: (
        "apprentice_last_name",
        "apprentice_usage_name",
        "apprentice_first_name",
        "apprentice_nir",
        "apprentice_street_number",
        "apprentice_street",
        "apprentice_address_complement",
        "apprentice_postal_code",
        "apprentice_city",
        "apprentice_phone",
        "apprentice_email",
        "apprentice_birth_date",
        "apprentice_sex",
        "apprentice_birth_department",
        "apprentice_birth_city",
        "apprentice_nationality",
        "apprentice_social_regime",
        "apprentice_emancipated",
        "apprentice_high_level_athlete",
        "apprentice_rqth",
        "apprentice_rqth_youth_equivalence",
        "apprentice_rqth_boe_extension",
        "apprentice_business_project",
        "apprentice_situation",
        "apprentice_diploma_prepared",
        "apprentice_last_class",
        "apprentice_diploma_prepared_title",
        "apprentice_highest_diploma",
    ),
    STEP_GUARDIAN: (
        "guardian_name",
        "guardian_same_address",
        "guardian_street_number",
        "guardian_street",
        "guardian_address_complement",
        "guardian_postal_code",
        "guardian_city",
        "guardian_email",
    ),
    STEP_MASTERS: (
        "master1_last_name",
        "master1_first_name",
        "master1_birth_date",
        "master1_email",
        "master1_job",
        "master1_diploma",
        "master1_diploma_level",
        "master2_last_name",
        "master2_first_name",
        "master2_birth_date",
        "master2_email",
        "master2_job",
        "master2_diploma",
        "master2_diploma_level",
        "masters_eligibility_attested",
    ),
    STEP_CONTRACT: (
        "contract_mode",
        "contract_type",
        "derogation_type",
        "previous_contract_number",
        "conclusion_date",
        "start_date",
        "practical_training_start",
        "amendment_effect_date",
        "end_date",
        "weekly_hours",
        "weekly_minutes",
        "hazardous_work",
        "smc",
        "pension_fund",
        "benefit_food",
        "benefit_housing",
        "benefit_other",
    ),
    STEP_TRAINING: (
        "in_company_cfa",
        "provider_name",
        "cfa_uai",
        "provider_siret",
        "cfa_street_number",
        "cfa_street",
        "cfa_address_complement",
        "cfa_postal_code",
        "cfa_city",
        "diploma_type",
        "qualification_title",
        "diploma_code",
        "rncp",
        "cfa_is_main_site",
        "main_site_name",
        "main_site_uai",
        "main_site_siret",
        "main_site_street_number",
        "main_site_street",
        "main_site_address_complement",
        "main_site_postal_code",
        "main_site_city",
        "training_start",
        "exams_end",
        "training_hours",
        "distance_hours",
        "rqth_majoration",
        "meals",
        "nights",
        "first_equipment",
    ),
    STEP_SIGNATURES: ("signature_place", "pieces_attested"),
}
DOSSIER_FIELDS = ("start_date", "end_date", "provider_name", "provider_siret")
# The CERFA's wording of the dossier's own fields (their model labels are general).
DOSSIER_LABELS = {
    "start_date": gettext_lazy("Date de début d'exécution du contrat"),
    "end_date": gettext_lazy("Date de fin du contrat ou de la période d'apprentissage"),
    "provider_name": gettext_lazy("Dénomination du CFA responsable"),
    "provider_siret": gettext_lazy("N° SIRET du CFA"),
}
FIELD_STEP = {name: step for step, names in STEP_FIELDS.items() for name in names}

REQUIRED: dict[str, tuple[str, ...]] = {
    STEP_EMPLOYER: (
        "employer_name",
        "employer_street",
        "employer_postal_code",
        "employer_city",
        "employer_email",
        "employer_type",
        "specific_employer",
        "naf",
        "headcount",
        "idcc",
    ),
    STEP_APPRENTICE: (
        "apprentice_last_name",
        "apprentice_first_name",
        "apprentice_street",
        "apprentice_postal_code",
        "apprentice_city",
        "apprentice_email",
        "apprentice_birth_date",
        "apprentice_sex",
        "apprentice_birth_department",
        "apprentice_birth_city",
        "apprentice_nationality",
        "apprentice_social_regime",
        "apprentice_situation",
        "apprentice_diploma_prepared",
        "apprentice_last_class",
        "apprentice_highest_diploma",
    ),
    STEP_GUARDIAN: ("guardian_name",),
    STEP_MASTERS: (
        "master1_last_name",
        "master1_first_name",
        "master1_birth_date",
        "master1_job",
        "master1_diploma",
        "master1_diploma_level",
        "masters_eligibility_attested",
    ),
    STEP_CONTRACT: (
        "contract_mode",
        "contract_type",
        "conclusion_date",
        "start_date",
        "practical_training_start",
        "end_date",
        "weekly_hours",
        "pension_fund",
    ),
    STEP_TRAINING: (
        "provider_name",
        "provider_siret",
        "cfa_uai",
        "cfa_street",
        "cfa_postal_code",
        "cfa_city",
        "diploma_type",
        "qualification_title",
        "training_start",
        "exams_end",
        "training_hours",
    ),
    STEP_SIGNATURES: ("signature_place", "pieces_attested"),
}
GUARDIAN_ADDRESS = ("guardian_street", "guardian_postal_code", "guardian_city")
MAIN_SITE = ("main_site_name", "main_site_siret", "main_site_postal_code", "main_site_city")
MASTER2_IDENTITY = ("master2_last_name", "master2_first_name", "master2_birth_date")

# Contract types (CERFA list « type de contrat ou d'avenant »).
SUCCESSIVE_TYPES = ("21", "22", "23")
AMENDMENT_TYPES = ("31", "32", "33", "34", "35", "36", "37", "38")
# Dérogations: 11 under 16, 12 over 29 in the listed cases, 21/22 shorter or longer duration,
# 50 several of them.
UNDER_16, OVER_29, SHORTER, LONGER, SEVERAL = "11", "12", "21", "22", "50"
COLLEGE_COMPLETED = "40"

MIN_AGE, USUAL_MIN_AGE, USUAL_MAX_AGE, EXTENDED_MAX_AGE = 15, 16, 29, 35
LEGAL_ANNUAL_HOURS = 1607
MIN_TRAINING_SHARE = Decimal("0.25")
MAX_WEEKLY_HOURS, LEGAL_WEEKLY_HOURS = 40, 35


@dataclass(frozen=True)
class Finding:
    step: str
    field: str  # a field of the step (its form's name; the page's id is ``id_<field>``)
    message: str
    blocking: bool = True


def _value(contract: ApprenticeshipContract, dossier: Dossier, name: str) -> object:
    return getattr(dossier if name in DOSSIER_FIELDS else contract, name)


def _filled(value: object) -> bool:
    return value not in (None, "", False)


def _date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def is_amendment(contract: ApprenticeshipContract) -> bool:
    """An avenant is a version of an accepted contract (« Créer un avenant »), whatever type
    is typed; its own rules (no minimum duration, a signature after the start) apply to it
    only."""
    return contract.amends_id is not None


def signature_day(contract: ApprenticeshipContract, dossier: Dossier) -> date | None:
    return contract.conclusion_date or dossier.start_date


def needs_guardian(contract: ApprenticeshipContract, dossier: Dossier) -> bool:
    """A non-emancipated minor at the signature needs a legal representative (before the
    dates are entered, a minor today is taken for one)."""
    birth = contract.apprentice_birth_date
    if birth is None or contract.apprentice_emancipated:
        return False
    day = signature_day(contract, dossier) or timezone.localdate()
    return age_on(birth, day) < 18


def age_at_start(contract: ApprenticeshipContract, dossier: Dossier) -> int | None:
    if contract.apprentice_birth_date is None or dossier.start_date is None:
        return None
    return age_on(contract.apprentice_birth_date, dossier.start_date)


def _has_derogation(contract: ApprenticeshipContract, code: str) -> bool:
    return contract.derogation_type in (code, SEVERAL)


def _no_age_limit(contract: ApprenticeshipContract) -> bool:
    return (
        contract.apprentice_rqth
        or contract.apprentice_business_project
        or contract.apprentice_high_level_athlete
    )


def missing(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    """The fields transmission requires and that are empty (with the conditional ones)."""
    from monespace.dossiers.models import ApprenticeshipContract as Model
    from monespace.dossiers.models import Dossier as DossierModel

    def label(name: str) -> str:
        if name in DOSSIER_LABELS:
            return str(DOSSIER_LABELS[name])
        model = DossierModel if name in DOSSIER_FIELDS else Model
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]

    names: list[str] = []
    for step, required in REQUIRED.items():
        if step == STEP_GUARDIAN and not needs_guardian(contract, dossier):
            continue
        names += [n for n in required if not _filled(_value(contract, dossier, n))]
    if needs_guardian(contract, dossier) and not contract.guardian_same_address:
        names += [n for n in GUARDIAN_ADDRESS if not _filled(getattr(contract, n))]
    if not contract.cfa_is_main_site:
        names += [n for n in MAIN_SITE if not _filled(getattr(contract, n))]
    needs_previous = contract.contract_type in SUCCESSIVE_TYPES or is_amendment(contract)
    if needs_previous and not contract.previous_contract_number:
        names.append("previous_contract_number")
    if is_amendment(contract) and contract.amendment_effect_date is None:
        names.append("amendment_effect_date")
    birth, end = contract.apprentice_birth_date, dossier.end_date
    if birth and end and age_on(birth, end) >= 21 and contract.smc is None:
        names.append("smc")
    found = [Finding(FIELD_STEP[n], n, _("À renseigner : %s") % label(n)) for n in names]
    if not (contract.rncp or contract.diploma_code):
        found.append(
            Finding(
                STEP_TRAINING, "rncp", _("À renseigner : le code RNCP ou le code du diplôme visé")
            )
        )
    return found


def check(
    contract: ApprenticeshipContract,
    dossier: Dossier,
    *,
    amended_last_rate: Decimal | None = None,
    first_rate: Decimal | None = None,
) -> list[Finding]:
    """Every rule of the law the entered values break (errors) or deserve a look (warnings).
    Fields left empty are ``missing``'s business, not this one's."""
    found: list[Finding] = []
    found += _age(contract, dossier)
    found += _masters(contract, dossier)
    found += _contract_dates(contract, dossier)
    found += _training(contract, dossier)
    found += _working_time(contract, dossier)
    found += _numbers(contract)
    if contract.contract_type:
        if is_amendment(contract) and contract.contract_type not in AMENDMENT_TYPES:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "contract_type",
                    _("Un avenant est de type 31 à 38."),
                )
            )
        elif not is_amendment(contract) and contract.contract_type in AMENDMENT_TYPES:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "contract_type",
                    _(
                        "Un avenant se crée depuis la page du contrat accepté (« Créer un avenant ») : choisissez ici le type du contrat initial (11, 21, 22 ou 23)."
                    ),
                )
            )
    extension = contract.contract_type == "33" and None not in (amended_last_rate, first_rate)
    if extension and first_rate < amended_last_rate:  # type: ignore[operator]
        found.append(
            Finding(
                STEP_CONTRACT,
                "contract_type",
                _(
                    "Un avenant de prolongation après un échec à l'examen (33) ne peut pas prévoir une rémunération inférieure à celle de la dernière année du contrat (%(rate)s %% du SMIC)."
                )
                % {"rate": amended_last_rate},
            )
        )
    return found


def _age(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    age = age_at_start(contract, dossier)
    derogation = contract.derogation_type
    if age is None:
        return found
    if age < MIN_AGE:
        found.append(
            Finding(
                STEP_CONTRACT,
                "start_date",
                _(
                    "L'apprenti(e) aura %(age)d ans au début du contrat : l'apprentissage commence à 15 ans au plus tôt."
                )
                % {"age": age},
            )
        )
    elif age < USUAL_MIN_AGE:
        if not _has_derogation(contract, UNDER_16):
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "derogation_type",
                    _(
                        "L'apprenti(e) aura 15 ans au début du contrat : choisissez la dérogation 11 (âge inférieur à 16 ans), possible s'il ou elle a achevé le collège."
                    ),
                )
            )
        if contract.apprentice_last_class and contract.apprentice_last_class != COLLEGE_COMPLETED:
            found.append(
                Finding(
                    STEP_APPRENTICE,
                    "apprentice_last_class",
                    _(
                        "Avant 16 ans, l'apprentissage suppose d'avoir achevé le premier cycle de l'enseignement secondaire (collège)."
                    ),
                    blocking=False,
                )
            )
    elif derogation == UNDER_16:
        found.append(
            Finding(
                STEP_CONTRACT,
                "derogation_type",
                _(
                    "La dérogation 11 ne vaut que pour un(e) apprenti(e) de moins de 16 ans au début du contrat (il ou elle aura %(age)d ans)."
                )
                % {"age": age},
            )
        )
    if age > USUAL_MAX_AGE and not _no_age_limit(contract):
        if not _has_derogation(contract, OVER_29):
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "derogation_type",
                    _(
                        "L'apprenti(e) aura %(age)d ans au début du contrat : au-delà de 29 ans, il faut une reconnaissance de travailleur handicapé, un projet de création ou de reprise d'entreprise, l'inscription sur la liste des sportifs de haut niveau, ou la dérogation 12 (jusqu'à 35 ans)."
                    )
                    % {"age": age},
                )
            )
        elif age > EXTENDED_MAX_AGE:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "derogation_type",
                    _(
                        "La dérogation 12 vaut jusqu'à 35 ans au début du contrat : l'apprenti(e) en aura %(age)d."
                    )
                    % {"age": age},
                )
            )
        else:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "derogation_type",
                    _(
                        "Dérogation 12 : vérifiez qu'il s'agit d'un diplôme de niveau supérieur ou d'un contrat précédent rompu pour une cause indépendante de l'apprenti(e), et qu'il s'écoule au plus un an entre les deux contrats."
                    ),
                    blocking=False,
                )
            )
    if age <= USUAL_MAX_AGE and derogation == OVER_29:
        found.append(
            Finding(
                STEP_CONTRACT,
                "derogation_type",
                _(
                    "La dérogation 12 ne vaut que pour un(e) apprenti(e) de plus de 29 ans au début du contrat (il ou elle aura %(age)d ans)."
                )
                % {"age": age},
            )
        )
    return found


def _masters(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    start = dossier.start_date
    for number in (1, 2):
        birth = getattr(contract, f"master{number}_birth_date")
        if birth and start and age_on(birth, start) < 18:
            found.append(
                Finding(
                    STEP_MASTERS,
                    f"master{number}_birth_date",
                    _("Le maître d'apprentissage doit être majeur au début du contrat."),
                )
            )
    given = [name for name in MASTER2_IDENTITY if _filled(getattr(contract, name))]
    others = ("master2_email", "master2_job", "master2_diploma", "master2_diploma_level")
    if (given or any(_filled(getattr(contract, n)) for n in others)) and len(given) < len(
        MASTER2_IDENTITY
    ):
        blank = next(n for n in MASTER2_IDENTITY if not _filled(getattr(contract, n)))
        found.append(
            Finding(
                STEP_MASTERS,
                blank,
                _(
                    "Le maître d'apprentissage n° 2 est incomplet : nom, prénom et date de naissance, ou rien."
                ),
            )
        )
    return found


def _contract_dates(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    start, end = dossier.start_date, dossier.end_date
    conclusion, practical = contract.conclusion_date, contract.practical_training_start

    def error(name: str, message: str, blocking: bool = True) -> None:
        found.append(Finding(FIELD_STEP[name], name, message, blocking))

    if start and end and end <= start:
        error("end_date", _("La date de fin du contrat doit suivre la date de début."))
        return found
    if conclusion and start and conclusion > start and not is_amendment(contract):
        error(
            "conclusion_date",
            _(
                "La date de conclusion (signatures) ne peut pas suivre la date de début d'exécution du contrat."
            ),
        )
    if practical and start:
        if practical < start:
            error(
                "practical_training_start",
                _(
                    "La formation pratique chez l'employeur ne peut pas commencer avant le début du contrat."
                ),
            )
        elif practical > add_months(start, 3):
            error(
                "practical_training_start",
                _(
                    "La formation pratique chez l'employeur commence au plus tard 3 mois après le début du contrat, soit le %(date)s."
                )
                % {"date": _date(add_months(start, 3))},
            )
        if end and practical > end:
            error(
                "practical_training_start",
                _("La formation pratique ne peut pas commencer après la fin du contrat."),
            )
        if conclusion and practical < conclusion:
            error(
                "practical_training_start",
                _("La formation pratique ne peut pas commencer avant la signature du contrat."),
            )
    effect = contract.amendment_effect_date
    if effect and start and end and not start <= effect <= end:
        error(
            "amendment_effect_date",
            _(
                "La date d'effet de l'avenant doit être comprise entre le début et la fin du contrat."
            ),
        )
    if start and end and not is_amendment(contract):
        longest = 4 if contract.apprentice_rqth else 3
        if end < add_months(start, 6) - timedelta(days=1):
            error(
                "end_date",
                _("Un contrat d'apprentissage dure au moins 6 mois (jusqu'au %(date)s au moins).")
                % {"date": _date(add_months(start, 6) - timedelta(days=1))},
            )
        elif end > add_years(start, longest) - timedelta(days=1):
            error(
                "end_date",
                _(
                    "Un contrat d'apprentissage dure au plus %(years)d ans (jusqu'au %(date)s) ; 4 ans pour un(e) apprenti(e) reconnu(e) travailleur handicapé."
                )
                % {"years": longest, "date": _date(add_years(start, longest) - timedelta(days=1))},
            )
    return found


def _training(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    start, end = dossier.start_date, dossier.end_date
    cfa_start, exams = contract.training_start, contract.exams_end
    conclusion = contract.conclusion_date

    def add(name: str, message: str, blocking: bool = True) -> None:
        found.append(Finding(STEP_TRAINING, name, message, blocking))

    if cfa_start and start:
        if cfa_start > add_months(start, 3):
            add(
                "training_start",
                _(
                    "La formation en CFA commence au plus tard 3 mois après le début du contrat, soit le %(date)s."
                )
                % {"date": _date(add_months(start, 3))},
            )
        elif cfa_start < add_months(start, -3):
            add(
                "training_start",
                _(
                    "La formation en CFA commence au plus tôt 3 mois avant le début du contrat, soit le %(date)s."
                )
                % {"date": _date(add_months(start, -3))},
            )
        elif conclusion and cfa_start < conclusion:
            add(
                "training_start",
                _(
                    "La formation en CFA commence avant la signature : l'apprenti(e) la suit d'ici là comme stagiaire de la formation professionnelle (convention à prévoir)."
                ),
                blocking=False,
            )
    if cfa_start and exams and exams < cfa_start:
        add("exams_end", _("La fin des épreuves ne peut pas précéder le début de la formation."))
    if exams and start and end and not is_amendment(contract):
        if not start <= exams <= end:
            add(
                "exams_end",
                _("Les épreuves ou examens ont lieu pendant le contrat (du %(start)s au %(end)s).")
                % {"start": _date(start), "end": _date(end)},
            )
        elif end > add_months(exams, 3):
            add(
                "exams_end",
                _(
                    "Le contrat finit au plus tard 3 mois après la fin des épreuves, soit le %(date)s."
                )
                % {"date": _date(add_months(exams, 3))},
            )
        elif end > add_months(exams, 2):
            add(
                "exams_end",
                _(
                    "Le contrat finit plus de 2 mois après la fin des épreuves : vérifiez la date de fin."
                ),
                blocking=False,
            )
    hours, distance = contract.training_hours, contract.distance_hours
    if hours is not None and distance is not None and distance > hours:
        add(
            "distance_hours",
            _("Les heures à distance font partie de la durée de la formation : au plus %(h)s.")
            % {"h": format_hours(hours)},
        )
    if hours is not None and start and end and end > start:
        days = (end - start).days + 1
        needed = (Decimal(days) / Decimal(365) * LEGAL_ANNUAL_HOURS * MIN_TRAINING_SHARE).quantize(
            Decimal(1)
        )
        if hours < needed and not (
            contract.apprentice_rqth or contract.apprentice_high_level_athlete
        ):
            add(
                "training_hours",
                _(
                    "La formation en CFA représente au moins 25 %% de la durée du contrat (base de 1 607 heures par an) : %(needed)s heures au moins pour ce contrat."
                )
                % {"needed": format_hours(needed)},
            )
    return found


def _working_time(contract: ApprenticeshipContract, dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    weekly = contract.weekly_duration
    if weekly is None:
        return found
    if weekly > MAX_WEEKLY_HOURS:
        found.append(
            Finding(
                STEP_CONTRACT,
                "weekly_hours",
                _("La durée hebdomadaire du travail ne peut pas dépasser 40 heures."),
            )
        )
        return found
    age = age_at_start(contract, dossier)
    if weekly > LEGAL_WEEKLY_HOURS:
        if age is not None and age < 18:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "weekly_hours",
                    _(
                        "Un(e) apprenti(e) mineur(e) travaille au plus 35 heures par semaine (durée légale)."
                    ),
                )
            )
        else:
            found.append(
                Finding(
                    STEP_CONTRACT,
                    "weekly_hours",
                    _(
                        "Au-delà de 35 heures, les heures supplémentaires sont majorées ; indiquez 35 heures si l'entreprise compense par des RTT."
                    ),
                    blocking=False,
                )
            )
    return found


def _numbers(contract: ApprenticeshipContract) -> list[Finding]:
    from monespace.core.identifiers import DECA_NUMBER

    number = contract.previous_contract_number
    if number and not DECA_NUMBER.fullmatch(number):
        return [
            Finding(
                STEP_CONTRACT,
                "previous_contract_number",
                _("Le numéro du contrat précédent comporte 15 caractères (format du dépôt)."),
            )
        ]
    return []


def lateness(dossier: Dossier, *, working_days: int = 5) -> date | None:
    """The day the contract should have reached the OPCO at the latest: 5 working days after
    the start (D6224-1); weekends skipped (public holidays not known here)."""
    if dossier.start_date is None:
        return None
    day, left = dossier.start_date, working_days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day
