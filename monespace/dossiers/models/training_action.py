"""The training action's own data (« Action de formation », seed 003): the organisation, the
action and its costs, its complementary modules and its trainees."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Modality, ProviderType
from .core import MONEY, Dossier, Employee

MAX_TRAINEES = 30

# The cost lines of a training action, in the order of the form (seed 003). Their codes are the
# detail's field names; decisions and (later) invoices and the ledger refer to them by code.
COST_FIELDS = (
    ("cost_teaching", _("Coûts pédagogiques (HT)")),
    ("cost_pay", _("Rémunération (HT)")),
    ("cost_lodging", _("Hébergement (HT)")),
    ("cost_meals", _("Repas (HT)")),
    ("cost_transport", _("Transport (HT)")),
    ("cost_tutor_training", _("Formation tuteur (HT)")),
    ("cost_training_allowance", _("Allocation formation (HT)")),
    ("cost_other", _("Divers (HT)")),
    ("cost_engineering", _("Frais d'ingénierie (HT)")),
)


class TrainingAction(models.Model):
    """What a training-action request holds beyond the common dossier: the organisation's
    details, the action and the costs asked for. One row per dossier of that kind; its title,
    dates, provider name and SIRET live on the dossier (shown in every list)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="training"
    )
    # Organisme de formation
    internal_training = models.BooleanField(_("formation interne"), default=False)
    provider_type = models.CharField(
        _("type"), max_length=30, choices=ProviderType.choices, blank=True
    )
    provider_address = models.CharField(_("adresse"), max_length=255, blank=True)
    provider_postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    provider_city = models.CharField(_("ville"), max_length=100, blank=True)
    provider_nda = models.CharField(
        _("numéro de déclaration d'activité"), max_length=11, blank=True
    )
    provider_contact = models.CharField(_("contact"), max_length=150, blank=True)
    provider_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    provider_email = models.EmailField(_("e-mail"), blank=True)
    direct_payment = models.BooleanField(
        _("paiement direct par l'OPCO à l'organisme (subrogation)"), default=False
    )
    # Action de formation
    certification_code = models.CharField(
        _("code formation / certification (RNCP, RS)"), max_length=20, blank=True
    )
    duration_hours = models.DecimalField(
        _("durée (heures)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    modality = models.CharField(_("modalité"), max_length=20, choices=Modality.choices, blank=True)
    cost_teaching = models.DecimalField(_("coûts pédagogiques (HT)"), **MONEY)
    cost_pay = models.DecimalField(_("rémunération (HT)"), **MONEY)
    cost_lodging = models.DecimalField(_("hébergement (HT)"), **MONEY)
    cost_meals = models.DecimalField(_("repas (HT)"), **MONEY)
    cost_transport = models.DecimalField(_("transport (HT)"), **MONEY)
    cost_tutor_training = models.DecimalField(_("formation tuteur (HT)"), **MONEY)
    cost_training_allowance = models.DecimalField(_("allocation formation (HT)"), **MONEY)
    cost_other = models.DecimalField(_("divers (HT)"), **MONEY)
    cost_engineering = models.DecimalField(_("frais d'ingénierie (HT)"), **MONEY)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("action de formation")
        verbose_name_plural = _("actions de formation")

    def __str__(self):
        return str(self.dossier_id)

    @property
    def total_requested(self):
        return sum((getattr(self, name) or Decimal(0) for name, _label in COST_FIELDS), Decimal(0))


class Module(models.Model):
    """A complementary module of a training action (step 2, optional)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("intitulé du module"), max_length=255)
    hours = models.DecimalField(
        _("durée (heures)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)]
    )
    start_date = models.DateField(_("du"), null=True, blank=True)
    end_date = models.DateField(_("au"), null=True, blank=True)
    cost = models.DecimalField(_("coût (HT)"), **MONEY)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.title


class Trainee(models.Model):
    """An employee enrolled in a dossier (at most MAX_TRAINEES per dossier)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="trainees")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="trainings")
    hours_on_work_time = models.DecimalField(
        _("heures sur le temps de travail"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    hours_off_work_time = models.DecimalField(
        _("heures hors temps de travail"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["employee__last_name", "employee__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "employee"], name="trainee_once_per_dossier")
        ]

    def __str__(self):
        return str(self.employee)

    @property
    def hours(self):
        return self.hours_on_work_time + self.hours_off_work_time
