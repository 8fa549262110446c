"""Official referentials the portal checks what users type against."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CollectiveAgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(active=True)


class CollectiveAgreement(models.Model):
    """A collective agreement (convention collective) by its IDCC, from the official list of
    the Ministry of Labour (refreshed by ``import_idcc``). Rows are never deleted: an agreement
    absent from a newer list is marked inactive, since establishments may still refer to it."""

    idcc = models.CharField(_("IDCC"), max_length=4, unique=True)
    title = models.CharField(_("intitulé"), max_length=500)
    active = models.BooleanField(_("en vigueur"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CollectiveAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention collective")
        verbose_name_plural = _("conventions collectives")
        ordering = ["idcc"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idcc__regex=r"^[0-9]{4}$"), name="idcc_four_digits"
            )
        ]

    def __str__(self):
        return f"{self.idcc} — {self.title}"
