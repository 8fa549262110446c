from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_settings(app_configs, **kwargs):
    """In production, e-mails must really leave and their links must point to the public address."""
    if not settings.PRODUCTION:
        return []
    errors = []
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    if backend.endswith("OutboxBackend"):
        errors.append(
            Error(
                "No SMTP server: e-mails would stay in the developer outbox.",
                hint="Set SMTP_HOST.",
                id="monespace.E001",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        errors.append(
            Error(
                "SITE_URL must be the public https address used in e-mail links.",
                hint="Set SITE_URL.",
                id="monespace.E002",
            )
        )
    return errors
