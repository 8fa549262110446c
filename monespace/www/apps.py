from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "monespace.www"
    label = "www"
