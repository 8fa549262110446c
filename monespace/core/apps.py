from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "monespace.core"
    label = "core"
