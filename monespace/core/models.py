from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """An e-mail kept by the developer outbox backend (never used when SMTP is configured)."""

    to = models.TextField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject
