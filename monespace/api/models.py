"""What the API keeps between calls: the responses of POSTs made with an ``Idempotency-Key``
(replayed for 24 hours, so that a software that retries after a lost answer never deposits
twice)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from monespace.organizations.models import ApiKey


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
