from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "monespace.support"
    label = "support"

    def ready(self):
        from . import receivers  # noqa: F401  (records the start and end of support sessions)
