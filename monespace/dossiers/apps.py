from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "monespace.dossiers"
    label = "dossiers"

    def ready(self):
        # Each dispositif registers itself (dossiers/kinds/).
        from .kinds import apprenticeship, professionalisation, training_action  # noqa: F401
