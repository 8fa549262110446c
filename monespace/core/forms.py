from django import forms
from django.forms.renderers import TemplatesSetting


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
