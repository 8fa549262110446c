from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "monespace.demo"
    label = "demo"
