"""The EJ20's layout, shared by the entry forms, the contract's pages (front and back office)
and its PDF: the fieldsets of each step and the contract as (section, label, value)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.formats import format_euros, format_percent
from monespace.core.identifiers import mask_nir
from monespace.core.pdf import render_pdf
from monespace.dossiers.apprenticeship.cerfa import _format

from . import rules

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

S = rules
SECTIONS: dict[str, list[tuple[Any, tuple[str, ...]]]] = {
    S.STEP_EMPLOYER: [
        (
            gettext_lazy("Dénomination et adresse"),
            (
                "employer_name",
                "employer_street_number",
                "employer_street",
                "employer_address_complement",
                "employer_postal_code",
                "employer_city",
                "employer_phone",
                "employer_email",
            ),
        ),
        (
            gettext_lazy("L'entreprise"),
            (
                "private_employer",
                "urssaf_number",
                "naf",
                "headcount",
                "idcc",
                "pension_fund",
                "provident_fund",
            ),
        ),
    ],
    S.STEP_EMPLOYEE: [
        (
            gettext_lazy("Identité"),
            (
                "employee_last_name",
                "employee_first_name",
                "employee_nir",
                "employee_birth_date",
                "employee_sex",
                "employee_rqth",
            ),
        ),
        (
            gettext_lazy("Coordonnées"),
            (
                "employee_street_number",
                "employee_street",
                "employee_address_complement",
                "employee_postal_code",
                "employee_city",
                "employee_phone",
                "employee_email",
            ),
        ),
        (
            gettext_lazy("Situation"),
            (
                "employee_situation",
                "employee_job_seeker_number",
                "employee_job_seeker_months",
                "employee_minimum_social",
                "employee_highest_level",
                "employment_contract",
                "employment_start",
            ),
        ),
    ],
    S.STEP_TUTOR: [
        (
            gettext_lazy("Le tuteur"),
            (
                "tutor_last_name",
                "tutor_first_name",
                "tutor_birth_date",
                "tutor_email",
                "tutor_job",
                "tutor_experience_years",
                "tutor_is_employer",
                "tutor_training_hours",
            ),
        ),
        (
            gettext_lazy("Tuteur dans l'entreprise utilisatrice (travail temporaire, groupement)"),
            ("tutor2_last_name", "tutor2_first_name", "tutor2_birth_date", "tutor2_job"),
        ),
    ],
    S.STEP_CONTRACT: [
        (
            gettext_lazy("Le contrat"),
            (
                "contract_type",
                "nature",
                "previous_contract_number",
                "conclusion_date",
                "start_date",
                "end_date",
                "duration_extension",
                "probation_days",
            ),
        ),
        (
            gettext_lazy("L'emploi et la rémunération"),
            (
                "job_title",
                "classification",
                "coefficient",
                "weekly_hours",
                "pay_rate",
                "hiring_salary",
                "smc",
            ),
        ),
    ],
    S.STEP_TRAINING: [
        (
            gettext_lazy("L'organisme de formation"),
            (
                "internal_training",
                "provider_name",
                "provider_siret",
                "provider_nda",
                "provider_street",
                "provider_postal_code",
                "provider_city",
            ),
        ),
        (
            gettext_lazy("La qualification et la formation"),
            (
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
        ),
    ],
    S.STEP_SIGNATURES: [(gettext_lazy("Signatures"), ("signature_place", "pieces_attested"))],
}
AMOUNTS = frozenset({"hiring_salary", "smc"})
CHOICES = frozenset(
    {
        "employee_situation",
        "employee_minimum_social",
        "employee_highest_level",
        "employment_contract",
        "contract_type",
        "nature",
        "duration_extension",
        "qualification_type",
        "target_level",
    }
)


def sections_for(dossier: Dossier, step: str) -> list[tuple[Any, tuple[str, ...]]]:
    shown = set(rules.step_fields(dossier, step))
    return [
        (legend, tuple(n for n in names if n in shown))
        for legend, names in SECTIONS[step]
        if any(n in shown for n in names)
    ]


def shown_value(dossier: Dossier, name: str, *, full_nir: bool = False) -> str:
    contract: Any = dossier.detail
    if name in rules.DOSSIER_FIELDS:
        return _format(getattr(dossier, name))
    value = getattr(contract, name)
    if name in CHOICES:
        return str(getattr(contract, f"get_{name}_display")()) if value else ""
    if name == "employee_nir":
        return value if full_nir else mask_nir(value) if value else ""
    if name in AMOUNTS:
        return format_euros(value) if value is not None else ""
    if name == "pay_rate":
        return format_percent(value) if value is not None else ""
    return _format(value)


def contract_summary(
    dossier: Dossier, *, full_nir: bool = False, blanks: bool = False
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The contract's sections as (step, title, [(label, value)]); the filled fields only,
    unless ``blanks`` (the form to print shows every box)."""
    result = []
    for step, title in dossier.spec.steps_for(dossier):
        if step == S.STEP_SIGNATURES and not blanks:
            continue
        rows = []
        for _legend, names in sections_for(dossier, step):
            for name in names:
                value = shown_value(dossier, name, full_nir=full_nir)
                if value or blanks:
                    rows.append(
                        (
                            rules.label_of(dossier, name)[:1].upper()
                            + rules.label_of(dossier, name)[1:],
                            value,
                        )
                    )
        result.append((step, str(title), rows))
    return result


def render_ej20(dossier: Dossier, *, full_nir: bool = True) -> bytes:
    """The contract printed in the order of the CERFA EJ20 (n° 12434), or the Pro-A amendment's
    request, ready for the parties to sign."""
    from monespace.dossiers.funding.services import funding_of

    contract: Any = dossier.detail
    letters = "ABCDEF"
    sections = [
        (letters[i], title.split(" - ", 1)[-1].upper(), rows)
        for i, (_step, title, rows) in enumerate(
            contract_summary(dossier, full_nir=full_nir, blanks=True)
        )
        if _step != S.STEP_SIGNATURES
    ]
    minimum = rules.minimum_pay(
        birth=contract.employee_birth_date,
        start=dossier.start_date,
        end=dossier.end_date,
        qualified=rules.is_qualified(contract),
        smc=contract.smc,
    )
    return render_pdf(
        "dossiers/cerfa_professionalisation.html",
        {
            "dossier": dossier,
            "contract": contract,
            "pro_a": rules.is_pro_a(dossier),
            "sections": sections,
            "minimum": [
                {
                    "start": p.start.strftime("%d/%m/%Y"),
                    "rate": format_percent(p.rate),
                    "monthly": format_euros(p.monthly) if p.monthly is not None else "",
                }
                for p in minimum
            ],
            "funding": funding_of(dossier),
            "signature_place": contract.signature_place,
            "signature_date": _format(contract.conclusion_date),
            "pieces_attested": contract.pieces_attested,
            "reserved": [
                (_("Date de réception du dossier complet"), _format(contract.complete_on)),
                (_("Date de la décision"), _format(contract.decided_on)),
                (_("N° de dépôt"), contract.deca_number),
            ],
        },
    )
