from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "monespace.organizations"
    label = "organizations"
