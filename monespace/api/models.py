"""What the API keeps between calls: the responses of POSTs made with an ``Idempotency-Key``
(replayed for 24 hours, so that a software that retries after a lost answer never deposits
twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.organizations.enums import Profile
from monespace.organizations.models import ApiKey, Company


class IdempotencyRecord(models.Model):
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # The request it answered: method and path, and a digest of its content.
    request = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_key_once")
        ]

    def __str__(self):
        return f"{self.api_key_id} {self.key} {self.status}"


class WebhookEvent(models.TextChoices):
    CONTRACT_STATE = "contrat.etat", _("Un contrat change d'état (transmis, engagé, refusé…)")
    DOCUMENTS_REQUESTED = "dossier.pieces_demandees", _("L'OPCO demande des pièces sur un dossier")
    INVOICE_PAID = "facture.payee", _("Une facture est payée (avis de virement)")


class WebhookEndpoint(models.Model):
    """An HTTPS address of the organisation's software that the portal calls when one of its
    events happens. Its signing secret is shown once, at creation; it is kept to sign."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="webhooks")
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    url = models.URLField(_("adresse (HTTPS)"), max_length=500)
    events = models.JSONField(_("événements"), default=list)
    secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "profile"], name="webhook_company_idx")]

    def __str__(self):
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(e, e)) for e in self.events]


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("En attente")
    SUCCEEDED = "succeeded", _("Reçu")
    FAILED = "failed", _("Échec")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("événement"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(default=dict)
    state = models.CharField(
        _("état"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("dernière réponse"), null=True, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    delivered_at = models.DateTimeField(_("reçu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="delivery_due_idx",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.state})"
