"""The CERFA FA13's layout, shared by the entry forms, the contract's pages (front and back
office) and its PDF: which code list each coded field uses, the form's wording where the
dossier's own field has a general label, the fieldsets of each step, and the contract as
(section, label, value) for reading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core import identifiers

from . import rules

if TYPE_CHECKING:
    from monespace.dossiers.models import ApprenticeshipContract, Dossier

# Fields whose choices are a list of the contract's CERFA version.
CODE_LISTS = {
    "employer_type": "employer_type",
    "specific_employer": "specific_employer",
    "apprentice_nationality": "nationality",
    "apprentice_social_regime": "social_regime",
    "apprentice_situation": "situation",
    "apprentice_diploma_prepared": "diploma",
    "apprentice_last_class": "last_class",
    "apprentice_highest_diploma": "diploma",
    "master1_diploma_level": "diploma_level",
    "master2_diploma_level": "diploma_level",
    "contract_mode": "contract_mode",
    "contract_type": "contract_type",
    "derogation_type": "derogation",
    "diploma_type": "diploma",
}
# The CERFA's wording where the dossier's own field has a general label.
LABELS = rules.DOSSIER_LABELS
# The fieldsets of each step, in the order of the CERFA: (legend, fields).
# Asked by the CFA on top of the NPEC (dossiers/funding): not on the CERFA itself.
FUNDING_ASKED = ("rqth_majoration", "meals", "nights", "first_equipment")

SECTIONS: dict[str, list[tuple[Any, tuple[str, ...]]]] = {
    rules.STEP_EMPLOYER: [
        (
            gettext_lazy("Dénomination et adresse de l'établissement d'exécution du contrat"),
            (
                "employer_public",
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
                "employer_type",
                "specific_employer",
                "naf",
                "headcount",
                "idcc",
                "public_unemployment_scheme",
            ),
        ),
    ],
    rules.STEP_APPRENTICE: [
        (
            gettext_lazy("Identité"),
            (
                "apprentice_last_name",
                "apprentice_usage_name",
                "apprentice_first_name",
                "apprentice_nir",
            ),
        ),
        (
            gettext_lazy("Adresse et contact"),
            (
                "apprentice_street_number",
                "apprentice_street",
                "apprentice_address_complement",
                "apprentice_postal_code",
                "apprentice_city",
                "apprentice_phone",
                "apprentice_email",
            ),
        ),
        (
            gettext_lazy("Naissance, nationalité, régime social"),
            (
                "apprentice_birth_date",
                "apprentice_sex",
                "apprentice_birth_department",
                "apprentice_birth_city",
                "apprentice_nationality",
                "apprentice_social_regime",
                "apprentice_emancipated",
            ),
        ),
        (
            gettext_lazy("Déclarations"),
            (
                "apprentice_high_level_athlete",
                "apprentice_rqth",
                "apprentice_rqth_youth_equivalence",
                "apprentice_rqth_boe_extension",
                "apprentice_business_project",
            ),
        ),
        (
            gettext_lazy("Situation avant ce contrat et parcours"),
            (
                "apprentice_situation",
                "apprentice_diploma_prepared",
                "apprentice_last_class",
                "apprentice_diploma_prepared_title",
                "apprentice_highest_diploma",
            ),
        ),
    ],
    rules.STEP_GUARDIAN: [
        (gettext_lazy("Représentant légal"), rules.STEP_FIELDS[rules.STEP_GUARDIAN]),
    ],
    rules.STEP_MASTERS: [
        (
            gettext_lazy("Maître d'apprentissage n° 1"),
            tuple(n for n in rules.STEP_FIELDS[rules.STEP_MASTERS] if n.startswith("master1")),
        ),
        (
            gettext_lazy("Maître d'apprentissage n° 2 (facultatif)"),
            tuple(n for n in rules.STEP_FIELDS[rules.STEP_MASTERS] if n.startswith("master2")),
        ),
        (gettext_lazy("Attestation"), ("masters_eligibility_attested",)),
    ],
    rules.STEP_CONTRACT: [
        (
            gettext_lazy("Type de contrat"),
            ("contract_mode", "contract_type", "derogation_type", "previous_contract_number"),
        ),
        (
            gettext_lazy("Dates"),
            (
                "conclusion_date",
                "start_date",
                "practical_training_start",
                "amendment_effect_date",
                "end_date",
            ),
        ),
        (
            gettext_lazy("Durée hebdomadaire du travail"),
            ("weekly_hours", "weekly_minutes", "hazardous_work"),
        ),
        (gettext_lazy("Salaire de référence"), ("smc",)),
        (
            gettext_lazy("Retraite et avantages en nature"),
            ("pension_fund", "benefit_food", "benefit_housing", "benefit_other"),
        ),
    ],
    rules.STEP_TRAINING: [
        (
            gettext_lazy("CFA responsable"),
            (
                "in_company_cfa",
                "provider_name",
                "cfa_uai",
                "provider_siret",
                "cfa_street_number",
                "cfa_street",
                "cfa_address_complement",
                "cfa_postal_code",
                "cfa_city",
            ),
        ),
        (
            gettext_lazy("Diplôme ou titre visé"),
            ("diploma_type", "qualification_title", "diploma_code", "rncp"),
        ),
        (
            gettext_lazy("Lieu de formation principal"),
            (
                "cfa_is_main_site",
                "main_site_name",
                "main_site_uai",
                "main_site_siret",
                "main_site_street_number",
                "main_site_street",
                "main_site_address_complement",
                "main_site_postal_code",
                "main_site_city",
            ),
        ),
        (
            gettext_lazy("Organisation de la formation"),
            ("training_start", "exams_end", "training_hours", "distance_hours"),
        ),
        (
            gettext_lazy("Prise en charge demandée par le CFA"),
            FUNDING_ASKED,
        ),
    ],
    rules.STEP_SIGNATURES: [
        (gettext_lazy("Signatures"), ("signature_place", "pieces_attested")),
    ],
}


def _shown(contract: ApprenticeshipContract, dossier: Dossier, name: str) -> str:
    """A field's value as the contract's page shows it (codes with their label, the NIR
    masked, dates and amounts the French way); empty when there is nothing to show."""
    from monespace.core.formats import format_euros
    from monespace.referentials.selectors import cerfa_label

    value = getattr(dossier if name in rules.DOSSIER_FIELDS else contract, name)
    if value in (None, "", False):
        return ""
    if value is True:
        return _("Oui")
    if name == "apprentice_nir":
        return identifiers.mask_nir(value)
    if name in CODE_LISTS:
        return cerfa_label(contract.cerfa_version, CODE_LISTS[name], value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format_euros(value)
    return str(value)


def contract_summary(dossier: Dossier) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The contract's sections as (step, title, [(label, value)]) — what is filled in only."""
    contract = dossier.detail
    sections = []
    for step, title in dossier.spec.steps_for(dossier):
        rows = []
        for legend, names in SECTIONS[step]:
            del legend
            for name in names:
                value = _shown(contract, dossier, name)
                if value:
                    from monespace.dossiers.models import ApprenticeshipContract
                    from monespace.dossiers.models import Dossier as DossierModel

                    model = DossierModel if name in rules.DOSSIER_FIELDS else ApprenticeshipContract
                    field = model._meta.get_field(name)
                    label = LABELS.get(name, getattr(field, "verbose_name", name))
                    rows.append((str(capfirst(label)), value))
        sections.append((step, str(title), rows))
    return sections
