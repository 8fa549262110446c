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
    if not (settings.CLAMAV_SOCKET or settings.CLAMAV_HOST) or not settings.CLAMAV_REQUIRED:
        errors.append(
            Error(
                "No antivirus: uploads would be stored and served without a scan.",
                hint="Set CLAMAV_SOCKET (or CLAMAV_HOST and CLAMAV_PORT) to a clamd kept up to "
                "date by freshclam, and keep CLAMAV_REQUIRED on.",
                id="monespace.E003",
            )
        )
    if settings.WEBHOOKS_ALLOW_INSECURE:
        errors.append(
            Error(
                "Webhooks may call HTTP and private addresses.",
                hint="Unset WEBHOOKS_ALLOW_INSECURE (development and tests only).",
                id="monespace.E005",
            )
        )
    if not (settings.OPCO_SEPA_IBAN and settings.OPCO_SEPA_BIC):
        errors.append(
            Error(
                "No OPCO account for the payment runs' SEPA files.",
                hint="Set OPCO_SEPA_IBAN and OPCO_SEPA_BIC (and OPCO_SEPA_NAME).",
                id="monespace.E006",
            )
        )
    if settings.BENCHMARK_REFERENCE_VIEW:
        errors.append(
            Error(
                "The benchmark's reference page is on.",
                hint="Unset BENCHMARK_REFERENCE_VIEW (benchmarks only).",
                id="monespace.E004",
            )
        )
    return errors
