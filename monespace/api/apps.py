from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "monespace.api"
    label = "api"
