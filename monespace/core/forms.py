from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _

from .formats import format_number, parse_decimal


class FormRenderer(TemplatesSetting):
    """Our accessible form markup: label, help, errors next to the field, aria wiring by Django."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"


class Form(forms.Form):
    """Base form of the portal: labels without the trailing " :" (required fields are marked by CSS)."""

    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# The browser's date picker, with the value in ISO form as the input needs it.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FrenchDecimalField(forms.DecimalField):
    """A number as French users type it: « 1 450,50 », « 12,5 » or « 12.5 » (core/formats.py);
    shown back with a comma. Digits of other scripts, ``1_000`` and exponents are refused.
    A text box (``inputmode="decimal"``): a number box refuses « 0,00 » and shows it empty."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text box with the decimal keypad: type="number" refuses a comma in some browsers.
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, self.decimal_places if self.decimal_places else 2)
        return value


def french_formfield(db_field, **kwargs):
    """``formfield_callback`` of model forms: decimals become FrenchDecimalField."""
    if isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", FrenchDecimalField)
        kwargs.setdefault("widget", forms.TextInput)
    return db_field.formfield(**kwargs)


# Dates of a training or a contract: within these bounds (0001-01-01 or 9999-12-31 are typos).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def check_date(value, *, earliest=EARLIEST, latest=LATEST):
    """A plausible date, or a French error (a year typed 0202 or 2206 is a typo)."""
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Saisissez une date entre le %(first)s et le %(last)s.")
            % {"first": earliest.strftime("%d/%m/%Y"), "last": latest.strftime("%d/%m/%Y")},
            code="date_range",
        )


def check_period(form, start_name="start_date", end_name="end_date"):
    """Adds French errors next to the fields: each date plausible, the end not before the
    start."""
    cleaned = form.cleaned_data
    for name in (start_name, end_name):
        value = cleaned.get(name)
        if value and not EARLIEST <= value <= LATEST:
            form.add_error(
                name,
                _("Saisissez une date entre le %(first)s et le %(last)s.")
                % {"first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")},
            )
    start, end = cleaned.get(start_name), cleaned.get(end_name)
    if start and end and end < start and end_name not in form.errors:
        form.add_error(
            end_name, _("La date de fin doit être postérieure ou égale à la date de début.")
        )
