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


class ActivityEvent(models.Model):
    """Append-only record of a write on an object that has no history of its own (a quick
    access, an « Information », the employee register): who did what, when. Objects with their
    own history (dossiers, attachments, delegations) record there instead."""

    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=30)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "-created_at"], name="activity_object_idx"
            )
        ]

    def __str__(self):
        return f"{self.object_type} {self.object_id} {self.action}"


def activity_record(*, actor, obj, action, message=""):
    """Record a write on ``obj`` (call it inside the write's transaction)."""
    return ActivityEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        message=message,
    )
