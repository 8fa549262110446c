"""What the OPCO commits to pay for a contract (« prise en charge ») and when (« échéancier »).

A commitment is frozen at the accord with the rules that decided it (the NPEC row, the dated
rates); a rupture adds a new version computed on the days performed, never overwriting the
first, so that the difference can be shown and explained."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.referentials.models import FundingRate, NpecLevel

from .core import Dossier


class CommitmentReason(models.TextChoices):
    APPROVAL = "approval", _("Accord")
    RUPTURE = "rupture", _("Rupture")
    AMENDMENT = "amendment", _("Avenant")


class FundingCommitment(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="commitments")
    version = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("motif"), max_length=20, choices=CommitmentReason.choices)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    annual_amount = models.DecimalField(
        _("montant annuel retenu"), max_digits=12, decimal_places=2, null=True
    )
    training_total = models.DecimalField(_("coût de la formation"), max_digits=12, decimal_places=2)
    annexes_total = models.DecimalField(_("frais annexes"), max_digits=12, decimal_places=2)
    employer_contribution = models.DecimalField(
        _("participation de l'employeur"), max_digits=12, decimal_places=2
    )
    total = models.DecimalField(_("total pris en charge"), max_digits=12, decimal_places=2)
    # The computation as a person reads it: [{"label", "amount", "why"}] (dossiers/funding).
    lines = models.JSONField(default=list)
    npec = models.ForeignKey(
        NpecLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rates = models.ManyToManyField(FundingRate, related_name="commitments", blank=True)

    class Meta:
        verbose_name = _("engagement de prise en charge")
        ordering = ["dossier", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "version"], name="commitment_version_once")
        ]

    def __str__(self):
        return f"{self.dossier_id} v{self.version}: {self.total}"


class InstalmentState(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    CANCELLED = "cancelled", _("Annulée")


class Instalment(models.Model):
    """An « échéance » of a commitment: E1, E2… for each year of execution."""

    commitment = models.ForeignKey(
        FundingCommitment, on_delete=models.CASCADE, related_name="instalments"
    )
    code = models.CharField(_("échéance"), max_length=8)
    year = models.PositiveSmallIntegerField(_("année d'exécution"))
    label = models.CharField(_("objet"), max_length=200)
    due_on = models.DateField(_("date prévue"))
    share = models.DecimalField(_("part (%)"), max_digits=5, decimal_places=2, null=True)
    gross = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    deduction = models.DecimalField(_("déduction"), max_digits=12, decimal_places=2, default=0)
    amount = models.DecimalField(_("à verser"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("état"), max_length=20, choices=InstalmentState.choices, default=InstalmentState.PLANNED
    )

    class Meta:
        verbose_name = _("échéance")
        ordering = ["commitment", "due_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "code"], name="instalment_code_once")
        ]
        indexes = [models.Index(fields=["due_on"], name="instalment_due_idx")]

    def __str__(self):
        return f"{self.code} {self.due_on} {self.amount}"
