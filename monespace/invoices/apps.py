from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "monespace.invoices"
    label = "invoices"
    default_auto_field = "django.db.models.BigAutoField"
