"""The forms of the apprenticeship contract's steps, built from the contract's fields in the
order of the CERFA (dossiers/apprenticeship/rules.py, ``STEP_FIELDS``).

Every field is optional while the contract is a draft (entry is non-linear); those
transmission requires are marked. A step is refused, and nothing saved, when a value is
malformed (a NIR of 16 digits, a UAI with a wrong letter) or breaks a rule of the law on what
the step holds, given what the other steps hold (a practical training starting 4 months after
the contract); the rule's reason is shown next to the field.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core import identifiers
from monespace.core.forms import DATE, Form, FrenchDecimalField, check_date, french_formfield
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.apprenticeship.layout import (  # noqa: F401  (CODE_LISTS: the PDF's too)
    CODE_LISTS,
    LABELS,
    SECTIONS,
    contract_summary,
)
from monespace.dossiers.apprenticeship.pay import PayPeriod
from monespace.dossiers.models import ApprenticeshipContract, Dossier
from monespace.referentials.selectors import cerfa_codes

HELP = {
    "apprentice_nir": gettext_lazy("15 chiffres, clé comprise."),
    "previous_contract_number": gettext_lazy(
        "Pour un nouveau contrat (types 21 à 23) ou un avenant : 15 caractères, par exemple 075202609NC0012."
    ),
    "naf": gettext_lazy("Par exemple 10.71C."),
    "idcc": gettext_lazy("4 chiffres, indiqués sur les bulletins de paie, par exemple 1486."),
    "cfa_uai": gettext_lazy("7 chiffres et une lettre, par exemple 0751234J."),
    "rncp": gettext_lazy("RNCP suivi de 3 à 5 chiffres."),
    "diploma_code": gettext_lazy("8 caractères."),
    "rqth_majoration": gettext_lazy(
        "Apprenti(e) reconnu(e) travailleur handicapé : aménagements justifiés par le CFA, par an."
    ),
    "meals": gettext_lazy("Repas pris pendant les périodes en CFA, sur toute la durée du contrat."),
    "nights": gettext_lazy("Nuitées d'hébergement pendant les périodes en CFA."),
    "first_equipment": gettext_lazy("Une fois par contrat, dans la limite du plafond en vigueur."),
    "training_hours": gettext_lazy(
        "Au moins 25 % de la durée du contrat, sur la base de 1 607 heures par an."
    ),
}
POSTAL_CODES = (
    "employer_postal_code",
    "apprentice_postal_code",
    "guardian_postal_code",
    "cfa_postal_code",
    "main_site_postal_code",
)
NAMES = (
    "apprentice_last_name",
    "apprentice_usage_name",
    "apprentice_first_name",
    "master1_last_name",
    "master1_first_name",
    "master2_last_name",
    "master2_first_name",
    "guardian_name",
)
DATES = (
    "apprentice_birth_date",
    "master1_birth_date",
    "master2_birth_date",
    "conclusion_date",
    "start_date",
    "practical_training_start",
    "amendment_effect_date",
    "end_date",
    "training_start",
    "exams_end",
)


class NeededBoundField(BoundField):
    """Marks the fields transmission requires like required ones (an asterisk), though a
    draft is saved without them."""

    def css_classes(self, extra_classes=None):
        classes = super().css_classes(extra_classes)
        if self.name in self.form.needed and "required" not in classes:
            classes = f"{classes} required".strip()
        return classes

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if self.name in self.form.needed:
            attrs = {**(attrs or {}), "class": "required"}
        return super().label_tag(contents, attrs, label_suffix, tag)


class StepForm(Form):
    """One step of the contract: its fields, their formats, the law's rules on them."""

    bound_field_class = NeededBoundField
    step: ClassVar[str]
    names: ClassVar[tuple[str, ...]]

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        self.dossier = dossier
        self.contract: ApprenticeshipContract = dossier.detail
        initial = {
            name: getattr(dossier if name in rules.DOSSIER_FIELDS else self.contract, name)
            for name in self.names
        }
        # The NIR is not shown back once saved (masked next to the field instead).
        initial.pop("apprentice_nir", None)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.needed = set(rules.REQUIRED.get(self.step, ()))
        for name, list_name in CODE_LISTS.items():
            if name in self.fields:
                field = self.fields[name]
                codes = cerfa_codes(self.contract.cerfa_version, list_name)
                if name == "contract_type":
                    # An avenant's types (31–38) for an avenant, the others for a contract.
                    amendment = self.contract.amends_id is not None
                    codes = tuple(
                        (c, label)
                        for c, label in codes
                        if (c in rules.AMENDMENT_TYPES) == amendment
                    )
                field.choices = [("", "—"), *codes]
        if "apprentice_nir" in self.fields and self.contract.apprentice_nir:
            self.fields["apprentice_nir"].help_text = _(
                "Enregistré : %(nir)s. Laissez vide pour le conserver, ou saisissez-le à nouveau pour le changer."
            ) % {"nir": identifiers.mask_nir(self.contract.apprentice_nir)}
        if "idcc" in self.fields:
            self.fields["idcc"].widget.attrs.update(
                {
                    "inputmode": "numeric",
                    "hx-get": reverse_lazy("www:idcc_title"),
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#idcc-title",
                }
            )

    # --- Formats (a malformed value is refused, nothing is saved) ---------------------------

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
        self._clean_each(("provider_siret", "main_site_siret"), identifiers.clean_siret)
        self._clean_each(("cfa_uai", "main_site_uai"), identifiers.clean_uai)
        self._clean_each(("naf",), identifiers.clean_naf)
        self._clean_each(("idcc",), identifiers.clean_idcc)
        self._clean_each(("rncp",), identifiers.clean_rncp)
        self._clean_each(("diploma_code",), identifiers.clean_diploma_code)
        self._clean_each(("previous_contract_number",), identifiers.clean_deca_number)
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
        if "apprentice_nir" in self.fields:
            self._clean_nir(cleaned)
        if "weekly_minutes" in self.fields and (cleaned.get("weekly_minutes") or 0) >= 60:
            self.add_error("weekly_minutes", _("Saisissez de 0 à 59 minutes."))
        if not self.errors:
            self._check_rules()
        return cleaned

    def _clean_nir(self, cleaned: dict[str, Any]) -> None:
        typed = cleaned.get("apprentice_nir")
        if not typed:
            # Left empty: the saved number is kept (and checked against the new birth date).
            cleaned["apprentice_nir"] = self.contract.apprentice_nir
            typed = self.contract.apprentice_nir
            if not typed:
                return
        try:
            cleaned["apprentice_nir"] = identifiers.clean_nir(
                typed,
                birth=cleaned.get("apprentice_birth_date"),
                sex=cleaned.get("apprentice_sex"),
            )
        except ValidationError as error:
            field = "apprentice_nir" if self.cleaned_data.get("apprentice_nir") else None
            self.add_error(field or "apprentice_birth_date", error)

    # --- The law (on the contract as this step would leave it) -----------------------------

    def would_be(self) -> tuple[ApprenticeshipContract, Dossier]:
        contract, dossier = copy.copy(self.contract), copy.copy(self.dossier)
        for name in self.names:
            if name in self.cleaned_data:
                target = dossier if name in rules.DOSSIER_FIELDS else contract
                setattr(target, name, self.cleaned_data[name])
        return contract, dossier

    def rule_kwargs(self) -> dict[str, Any]:
        return {}

    def _check_rules(self) -> None:
        contract, dossier = self.would_be()
        self.warnings = []
        for finding in rules.check(contract, dossier, **self.rule_kwargs()):
            if finding.field not in self.fields:
                continue
            if finding.blocking:
                self.add_error(finding.field, finding.message)
            else:
                self.warnings.append(finding.message)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.names if name in self.cleaned_data}


# Bounds of the whole numbers typed (a typo of 20 digits is refused, never stored).
MAXIMA = {
    "headcount": 999_999,
    "weekly_hours": 99,
    "weekly_minutes": 59,
    "training_hours": 9_999,
    "distance_hours": 9_999,
    "meals": 9_999,
    "nights": 9_999,
}


def _formfield(name: str) -> forms.Field:
    model = Dossier if name in rules.DOSSIER_FIELDS else ApprenticeshipContract
    db_field = model._meta.get_field(name)
    kwargs: dict[str, Any] = {"required": False}
    if name in CODE_LISTS:
        field: forms.Field = forms.ChoiceField(choices=[], **kwargs)
    elif isinstance(db_field, forms.Field):  # never: for type checkers
        field = db_field
    else:
        if name in DATES:
            kwargs["widget"] = DATE
        field = french_formfield(db_field, **kwargs)  # type: ignore[arg-type]
        field.required = False
    field.label = capfirst(LABELS.get(name, db_field.verbose_name))  # type: ignore[union-attr]
    if name in HELP:
        field.help_text = HELP[name]
    elif getattr(db_field, "help_text", ""):
        field.help_text = db_field.help_text  # type: ignore[union-attr]
    if name in MAXIMA:
        field = forms.IntegerField(
            label=field.label,
            help_text=field.help_text,
            required=False,
            min_value=0,
            max_value=MAXIMA[name],
        )
    if name == "apprentice_nir":
        field.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})
    if isinstance(field, forms.CharField) and name.endswith("email"):
        field.widget.attrs.setdefault("autocomplete", "off")
    return field


def _step_form(step: str, base: type[StepForm] = StepForm) -> type[StepForm]:
    names = rules.STEP_FIELDS[step]
    attrs: dict[str, Any] = {name: _formfield(name) for name in names}
    attrs.update(step=step, names=names)
    return type(f"{step.title().replace('-', '')}Form", (base,), attrs)


MAX_PAY_LINES = 8


class ContractStepBase(StepForm):
    """« Le contrat », with the pay lines: the minimum is computed (dates, birth date, SMIC of
    the start, SMC); the rate typed may be higher, never lower."""

    def __init__(self, *args: Any, periods: list[PayPeriod] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = {line.order: line.rate for line in self.contract.pay_lines.all()}
        self.periods = periods or []
        for period in self.periods:
            name = self.rate_name(period)
            self.fields[name] = FrenchDecimalField(
                label=_("Taux de la ligne %(order)s (%% du %(base)s)")
                % {"order": period.order, "base": period.base},
                required=False,
                max_digits=5,
                decimal_places=2,
                min_value=0,
                max_value=Decimal(200),
                initial=saved.get(period.order, period.minimum_rate),
            )

    @staticmethod
    def rate_name(period: PayPeriod) -> str:
        return "rate_" + period.order.replace(".", "_")

    def rates(self) -> dict[str, Decimal]:
        return {
            period.order: self.cleaned_data.get(self.rate_name(period)) or period.minimum_rate
            for period in self.periods
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for period in self.periods:
            name = self.rate_name(period)
            rate = cleaned.get(name)
            if rate is not None and rate < period.minimum_rate:
                self.add_error(
                    name,
                    _(
                        "Ligne %(order)s (du %(start)s au %(end)s) : %(minimum)s %% du %(base)s au minimum pour un(e) apprenti(e) de %(bracket)s en %(year)de année de contrat ; vous avez saisi %(rate)s %%."
                    )
                    % {
                        "order": period.order,
                        "start": period.start.strftime("%d/%m/%Y"),
                        "end": period.end.strftime("%d/%m/%Y"),
                        "minimum": _percent(period.minimum_rate),
                        "base": period.base,
                        "bracket": period.bracket_label,
                        "year": period.contract_year,
                        "rate": _percent(rate),
                    },
                )
        return cleaned

    def rule_kwargs(self) -> dict[str, Any]:
        from monespace.dossiers.kinds.apprenticeship import _amended_last_rate, extension_rate

        lines = [
            (p.start, self.cleaned_data.get(self.rate_name(p)) or p.minimum_rate)
            for p in self.periods
        ]
        return {
            "amended_last_rate": _amended_last_rate(self.contract),
            "first_rate": extension_rate(self.contract, lines),
        }


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


STEP_FORMS: dict[str, type[StepForm]] = {
    step: _step_form(step, ContractStepBase if step == rules.STEP_CONTRACT else StepForm)
    for step in rules.STEP_FIELDS
}


class CfaSearchForm(Form):
    q = forms.CharField(
        label=gettext_lazy("Rechercher le CFA dans le répertoire (SIRET, UAI ou nom)"),
        max_length=100,
        required=False,
    )


class ReturnForm(Form):
    comment = forms.CharField(
        label=gettext_lazy("Ce qu'il faut corriger"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class TransmitForm(Form):
    certified = forms.BooleanField(
        label=gettext_lazy(
            "Je certifie l'exactitude des informations saisies et que le contrat a été signé par les parties."
        ),
        error_messages={"required": gettext_lazy("Cochez la déclaration pour transmettre.")},
    )


class RuptureForm(Form):
    """« Déclarer une rupture »: the date, the reason, who ended it."""

    rupture_date = forms.DateField(label=gettext_lazy("Date de la rupture"), widget=DATE)
    reason = forms.ChoiceField(label=gettext_lazy("Motif"), choices=[])
    initiated_by = forms.ChoiceField(label=gettext_lazy("À l'initiative de"), choices=[])
    comment = forms.CharField(
        label=gettext_lazy("Commentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, reasons: Any = None, **kwargs: Any) -> None:
        from monespace.dossiers.models import ContractRupture
        from monespace.dossiers.models.apprenticeship import APPRENTICESHIP_RUPTURE_REASONS

        kwargs.setdefault("prefix", "rupture")
        super().__init__(*args, **kwargs)
        offered = reasons or APPRENTICESHIP_RUPTURE_REASONS
        self.fields["reason"].choices = [("", "—"), *((r.value, r.label) for r in offered)]
        self.fields["initiated_by"].choices = [
            ("", "—"),
            *ContractRupture._meta.get_field("initiated_by").choices,  # type: ignore[misc]
        ]

    def clean_rupture_date(self) -> date:
        value = self.cleaned_data["rupture_date"]
        check_date(value)
        return value


class AmendmentForm(Form):
    """« Créer un avenant »: its type (31 to 38, from the contract's CERFA version)."""

    contract_type = forms.ChoiceField(label=gettext_lazy("Type d'avenant"), choices=[])

    def __init__(self, *args: Any, cerfa: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "avenant")
        super().__init__(*args, **kwargs)
        self.fields["contract_type"].choices = [
            ("", "—"),
            *(
                (code, f"{code} – {label}")
                for code, label in cerfa_codes(cerfa, "contract_type")
                if code in rules.AMENDMENT_TYPES
            ),
        ]
