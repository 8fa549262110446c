"""« Collecte » (seed 003's menu; notification theme « Contribution formation »): what each
member company owes and paid the OPCO per year and nature, imported from the OPCO's file
(`import_contributions`), shown read-only."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.organizations.models import Company


class ContributionNature(models.TextChoices):
    LEGAL = "legal", _("Contribution légale à la formation professionnelle")
    CONVENTIONAL = "conventional", _("Contribution conventionnelle")
    VOLUNTARY = "voluntary", _("Versement volontaire")
    CPF_CDD = "cpf_cdd", _("Contribution CPF-CDD")


class Contribution(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contributions")
    year = models.PositiveSmallIntegerField(_("année"))
    nature = models.CharField(_("nature"), max_length=20, choices=ContributionNature.choices)
    base = models.DecimalField(
        _("assiette (masse salariale)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(_("taux (%)"), max_digits=6, decimal_places=3, null=True, blank=True)
    called = models.DecimalField(_("montant appelé"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("montant versé"), max_digits=12, decimal_places=2)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    imported_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    class Meta:
        verbose_name = _("contribution")
        ordering = ["company", "-year", "nature"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year", "nature"], name="contribution_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(called__gte=0) & models.Q(paid__gte=0),
                name="contribution_amounts_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.company_id} {self.year} {self.nature}"

    @property
    def outstanding(self):
        return self.called - self.paid
