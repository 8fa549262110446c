from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "monespace.referentials"
    label = "referentials"
