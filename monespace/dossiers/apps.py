from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "monespace.dossiers"
    label = "dossiers"
