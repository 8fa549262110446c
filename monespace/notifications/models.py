from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message for one user (the bell in the header). Written by services only."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_recipient_idx")
        ]

    def __str__(self):
        return self.title


class AnnouncementAudience(models.TextChoices):
    ALL = "all", _("Tous les utilisateurs")
    MEMBER = "member", _("Entreprises adhérentes")
    PROVIDER = "provider", _("Organismes de formation")


class Announcement(models.Model):
    """« Informations » on the home page, published by OPCO staff, dated, optionally targeted."""

    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"))
    audience = models.CharField(
        _("public"),
        max_length=10,
        choices=AnnouncementAudience.choices,
        default=AnnouncementAudience.ALL,
    )
    branch = models.CharField(
        _("branche"), max_length=100, blank=True, help_text=_("Vide : toutes les branches.")
    )
    published_from = models.DateField(_("publié du"), default=timezone.localdate)
    published_until = models.DateField(_("au"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("information")
        verbose_name_plural = _("informations")
        ordering = ["-published_from", "-id"]
        indexes = [
            models.Index(
                fields=["published_from", "published_until"], name="announcement_dates_idx"
            )
        ]

    def __str__(self):
        return self.title
