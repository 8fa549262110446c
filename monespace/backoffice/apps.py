from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "monespace.backoffice"
    label = "backoffice"
