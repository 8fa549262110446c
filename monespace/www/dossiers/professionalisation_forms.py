"""The forms of the professionalisation contract's (and Pro-A's) steps, built from the
contract's fields in the order of the EJ20 (dossiers/professionalisation/rules.py).

As for the apprenticeship contract: every field is optional while the contract is a draft;
those transmission requires are marked; a malformed value or a value that breaks a rule of the
law on what the step holds is refused next to the field, and nothing is saved.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core import identifiers
from monespace.core.forms import DATE, Form, check_date, french_formfield
from monespace.dossiers.models import Dossier, ProfessionalisationContract
from monespace.dossiers.professionalisation import rules

from .apprenticeship_forms import NeededBoundField

HELP = {
    "employee_nir": gettext_lazy("15 chiffres, clé comprise."),
    "naf": gettext_lazy("Par exemple 10.71C."),
    "idcc": gettext_lazy("4 chiffres, indiqués sur les bulletins de paie, par exemple 1486."),
    "rncp": gettext_lazy("RNCP suivi de 3 à 5 chiffres."),
    "provider_nda": gettext_lazy("11 chiffres."),
    "pay_rate": gettext_lazy(
        "Par exemple 65 ou 72,5 : au moins le minimum légal pour l'âge et le niveau du salarié."
    ),
    "hiring_salary": gettext_lazy("En euros, par exemple 1 185,47."),
    "training_hours": gettext_lazy(
        "Au moins 150 heures, entre 15 % et 25 % de la durée du contrat ou de l'action (sauf CléA et VAE)."
    ),
    "tutor_training_hours": gettext_lazy("Au plus 40 heures sont prises en charge."),
    "duration_extension": gettext_lazy(
        "Au-delà de 12 mois : jusqu'à 24 mois par accord de branche, 36 mois pour un public prioritaire."
    ),
}
POSTAL_CODES = ("employer_postal_code", "employee_postal_code", "provider_postal_code")
NAMES = (
    "employee_last_name",
    "employee_first_name",
    "tutor_last_name",
    "tutor_first_name",
    "tutor2_last_name",
    "tutor2_first_name",
)
DATES = (
    "employee_birth_date",
    "employment_start",
    "tutor_birth_date",
    "tutor2_birth_date",
    "conclusion_date",
    "start_date",
    "end_date",
    "training_start",
    "training_end",
)
MAXIMA = {
    "headcount": 999_999,
    "employee_job_seeker_months": 600,
    "tutor_experience_years": 60,
    "tutor_training_hours": 200,
    "probation_days": 365,
    "training_hours": 9_999,
    "hours_outside_work": 9_999,
}


class StepForm(Form):
    bound_field_class = NeededBoundField
    step: ClassVar[str]
    names: ClassVar[tuple[str, ...]]

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        self.contract: ProfessionalisationContract = dossier.detail
        shown = rules.step_fields(dossier, self.step)
        initial = {
            name: getattr(dossier if name in rules.DOSSIER_FIELDS else self.contract, name)
            for name in self.names
        }
        initial.pop("employee_nir", None)  # never shown back once saved (masked instead)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for name in [n for n in self.fields if n not in shown]:
            del self.fields[name]
        for name in self.fields:
            self.fields[name].label = capfirst(rules.label_of(dossier, name))
        self.needed = set(rules.REQUIRED.get(self.step, ()))
        if "employee_nir" in self.fields and self.contract.employee_nir:
            self.fields["employee_nir"].help_text = _(
                "Enregistré : %(nir)s. Laissez vide pour le conserver, ou saisissez-le à nouveau pour le changer."
            ) % {"nir": identifiers.mask_nir(self.contract.employee_nir)}
        if "idcc" in self.fields:
            self.fields["idcc"].widget.attrs.update(
                {
                    "inputmode": "numeric",
                    "hx-get": reverse_lazy("www:idcc_title"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#idcc-title",
                }
            )

    @property
    def shown_names(self) -> tuple[str, ...]:
        return tuple(name for name in self.names if name in self.fields)

    def _clean_each(self, names: tuple[str, ...], clean: Any) -> None:
        for name in names:
            value = self.cleaned_data.get(name)
            if name in self.fields and value:
                try:
                    self.cleaned_data[name] = clean(value)
                except ValidationError as error:
                    self.add_error(name, error)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_each(POSTAL_CODES, identifiers.clean_postal_code)
        self._clean_each(NAMES, identifiers.clean_person_name)
        self._clean_each(("provider_siret",), identifiers.clean_siret)
        self._clean_each(("provider_nda",), identifiers.clean_nda)
        self._clean_each(("naf",), identifiers.clean_naf)
        self._clean_each(("idcc",), identifiers.clean_idcc)
        self._clean_each(("rncp",), identifiers.clean_rncp)
        for name in DATES:
            if name in self.fields and cleaned.get(name):
                bounds = (
                    {"earliest": date(1900, 1, 1), "latest": timezone.localdate()}
                    if name.endswith("birth_date")
                    else {}
                )
                try:
                    check_date(cleaned[name], **bounds)
                except ValidationError as error:
                    self.add_error(name, error)
        if "employee_nir" in self.fields:
            self._clean_nir(cleaned)
        if not self.errors:
            self._check_rules()
        return cleaned

    def _clean_nir(self, cleaned: dict[str, Any]) -> None:
        typed = cleaned.get("employee_nir")
        if not typed:
            cleaned["employee_nir"] = typed = self.contract.employee_nir
            if not typed:
                return
        try:
            cleaned["employee_nir"] = identifiers.clean_nir(
                typed, birth=cleaned.get("employee_birth_date"), sex=cleaned.get("employee_sex")
            )
        except ValidationError as error:
            field = "employee_nir" if self.cleaned_data.get("employee_nir") else None
            self.add_error(field or "employee_birth_date", error)

    def would_be(self) -> tuple[ProfessionalisationContract, Dossier]:
        contract, dossier = copy.copy(self.contract), copy.copy(self.dossier)
        for name in self.shown_names:
            if name in self.cleaned_data:
                target = dossier if name in rules.DOSSIER_FIELDS else contract
                setattr(target, name, self.cleaned_data[name])
        return contract, dossier

    def _check_rules(self) -> None:
        contract, dossier = self.would_be()
        self.warnings = []
        for finding in rules.check(contract, dossier):
            if finding.field not in self.fields:
                continue
            if finding.blocking:
                self.add_error(finding.field, finding.message)
            else:
                self.warnings.append(finding.message)

    def values(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.shown_names if name in self.cleaned_data
        }


def _formfield(name: str) -> forms.Field:
    model = Dossier if name in rules.DOSSIER_FIELDS else ProfessionalisationContract
    db_field: Any = model._meta.get_field(name)
    kwargs: dict[str, Any] = {"required": False}
    if name in DATES:
        kwargs["widget"] = DATE
    if name in MAXIMA:
        field: forms.Field = forms.IntegerField(required=False, min_value=0, max_value=MAXIMA[name])
    else:
        field = french_formfield(db_field, **kwargs)
        field.required = False
    field.label = capfirst(db_field.verbose_name)
    field.help_text = HELP.get(name) or getattr(db_field, "help_text", "")
    if name == "employee_nir":
        field.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})
    if isinstance(field, forms.CharField) and name.endswith("email"):
        field.widget.attrs.setdefault("autocomplete", "off")
    return field


def _step_form(step: str) -> type[StepForm]:
    names = rules.STEP_FIELDS[step]
    attrs: dict[str, Any] = {name: _formfield(name) for name in names}
    attrs.update(step=step, names=names)
    return type(f"Pro{step.title().replace('-', '')}Form", (StepForm,), attrs)


STEP_FORMS: dict[str, type[StepForm]] = {step: _step_form(step) for step in rules.STEP_FIELDS}


class ProviderSearchForm(Form):
    q = forms.CharField(
        label=gettext_lazy(
            "Rechercher l'organisme dans le répertoire (SIRET, n° de déclaration ou nom)"
        ),
        max_length=100,
        required=False,
    )
