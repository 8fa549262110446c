from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class EmailState(models.TextChoices):
    QUEUED = "queued", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("En échec")


class OutgoingEmail(models.Model):
    """An e-mail the portal owes someone, written in the transaction of the action that caused
    it (never lost when that action is acknowledged), then delivered by a task that retries
    with a growing delay; after the last attempt it is « En échec » for staff to send again.
    Its text is erased some days after delivery (it may hold a sign-in link); what was sent,
    to whom and when stays."""

    to = models.TextField(_("destinataires"))
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=EmailState.choices, default=EmailState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    erased_at = models.DateTimeField(_("texte effacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail à envoyer")
        verbose_name_plural = _("e-mails à envoyer")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outgoing_email_due_idx"),
            models.Index(fields=["state", "sent_at"], name="outgoing_email_sent_idx"),
        ]

    def __str__(self):
        return self.subject


class PeriodicRun(models.Model):
    """The last run of a periodic job (core/schedule.py): claimed by a conditional update, so
    that two schedulers started together run a job once."""

    name = models.CharField(max_length=60, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_result = models.TextField(blank=True)
    last_failed = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class SubmissionReceipt(models.Model):
    """A form submission that created something (core/submissions.py): its token, written in
    the transaction of what it created, so that the same form posted again — a retry after a
    dropped connection, a double click — answers the first answer instead of creating twice.
    Kept a day (``apply_retention``)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    redirect_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_receipt_once")
        ]

    def __str__(self):
        return f"{self.user_id} {self.token}"
