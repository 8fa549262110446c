from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "monespace.core"
    label = "core"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)


class MonEspaceAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the back office's second factor (core/admin_site.py)."""

    default = False

    default_site = "monespace.core.admin_site.AdminSite"
