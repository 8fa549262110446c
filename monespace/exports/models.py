from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_key(instance, filename):
    import uuid

    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Prêt")
    FAILED = "failed", _("Échec")
    EXPIRED = "expired", _("Expiré")


class ExportJob(models.Model):
    """One export asked by a user: the list and its filters as they were, the working
    perimeter; its progress while it runs; the file until it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    source = models.CharField(_("liste"), max_length=30, default="dossiers")
    params = models.JSONField(_("filtres"), default=dict)
    perimeter = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=20, choices=ExportState.choices, default=ExportState.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_key, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("disponible jusqu'au"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="export_user_idx"),
            models.Index(fields=["state", "expires_at"], name="export_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.source} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED, ExportState.EXPIRED)

    @property
    def file_name(self) -> str:
        name = {
            "queue": "dossiers-a-instruire",
            "invoices": "mes-factures",
            "payments": "reglements",
            "staff_invoices": "factures-a-controler",
        }.get(self.source, "mes-dossiers")
        return f"{name}-{timezone.localtime(self.created_at):%Y-%m-%d-%H%M}.xlsx"

    @property
    def source_label(self) -> str:
        """What was exported, as the page says it."""
        return str(
            {
                "queue": _("Export Excel des dossiers à instruire"),
                "invoices": _("Export Excel de mes factures"),
                "payments": _("Export Excel des règlements"),
                "staff_invoices": _("Export Excel des factures à contrôler"),
            }.get(self.source, _("Export Excel de mes dossiers"))
        )

    def retention(self) -> timedelta:
        return timedelta(days=settings.EXPORT_RETENTION_DAYS)
