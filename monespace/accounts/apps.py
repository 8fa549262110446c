from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "monespace.accounts"
    label = "accounts"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
