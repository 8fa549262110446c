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


class CerfaCode(models.Model):
    """A code of one of a CERFA's lists (type d'employeur, diplômes, type de contrat…), for one
    version of the form (referentials/cerfa.py)."""

    cerfa = models.CharField(_("version du CERFA"), max_length=12)
    list_name = models.CharField(_("liste"), max_length=30)
    code = models.CharField(_("code"), max_length=4)
    label = models.CharField(_("libellé"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("code du CERFA")
        verbose_name_plural = _("codes du CERFA")
        ordering = ["cerfa", "list_name", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cerfa", "list_name", "code"], name="cerfa_code_unique")
        ]

    def __str__(self):
        return f"{self.cerfa} {self.list_name} {self.code}"


class ApprenticePayRate(models.Model):
    """The minimum pay of an apprentice, % of the SMIC (or of the SMC from 21 when higher), for
    a year of contract and an age bracket (its lowest age), in force from a date."""

    effective_from = models.DateField(_("en vigueur à partir du"))
    contract_year = models.PositiveSmallIntegerField(_("année de contrat"))
    min_age = models.PositiveSmallIntegerField(_("à partir de l'âge de"))
    rate = models.DecimalField(_("taux (% du SMIC)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("taux de rémunération minimale des apprentis")
        verbose_name_plural = _("taux de rémunération minimale des apprentis")
        ordering = ["-effective_from", "contract_year", "min_age"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from", "contract_year", "min_age"], name="pay_rate_unique"
            )
        ]

    def __str__(self):
        return f"{self.effective_from} an {self.contract_year} ≥{self.min_age} ans : {self.rate} %"
