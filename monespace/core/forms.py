from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Our accessible form markup: label, help, errors next to the field, aria wiring by Django."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
