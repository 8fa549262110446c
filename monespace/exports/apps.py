from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "monespace.exports"
    label = "exports"
