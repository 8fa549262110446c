"""Official referentials the portal checks what users type against."""

from django.conf import settings
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


class ProPayRate(models.Model):
    """The minimum pay of an employee under a professionalisation contract or Pro-A, % of the
    SMIC, for an age bracket (its lowest age) and whether the employee holds a qualification of
    level 4 (bac professionnel, titre professionnel) or more, in force from a date (research
    domain-alternance §3.4). From 26, the SMC's share (``smc_rate``) applies too."""

    effective_from = models.DateField(_("en vigueur à partir du"))
    min_age = models.PositiveSmallIntegerField(_("à partir de l'âge de"))
    qualified = models.BooleanField(_("titulaire d'une qualification de niveau 4 ou plus"))
    rate = models.DecimalField(_("taux (% du SMIC)"), max_digits=5, decimal_places=2)
    smc_rate = models.DecimalField(
        _("taux du salaire minimum conventionnel (%)"), max_digits=5, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("taux de rémunération minimale en contrat de professionnalisation")
        verbose_name_plural = _("taux de rémunération minimale en contrat de professionnalisation")
        ordering = ["-effective_from", "min_age", "qualified"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from", "min_age", "qualified"], name="pro_pay_rate_unique"
            )
        ]

    def __str__(self):
        return f"{self.effective_from} ≥{self.min_age} ans : {self.rate} %"


class ProACertification(models.Model):
    """A certification a branch opens to Pro-A (its extended agreement's list), for an IDCC,
    from a date and until one."""

    idcc = models.CharField(_("IDCC"), max_length=4)
    rncp = models.CharField(_("code RNCP"), max_length=12)
    title = models.CharField(_("intitulé"), max_length=300, blank=True)
    valid_from = models.DateField(_("éligible à partir du"))
    valid_until = models.DateField(_("éligible jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification éligible à Pro-A")
        verbose_name_plural = _("certifications éligibles à Pro-A")
        ordering = ["idcc", "rncp", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["idcc", "rncp", "valid_from"], name="proa_certification_unique"
            )
        ]
        indexes = [models.Index(fields=["idcc", "rncp"], name="proa_certification_idx")]

    def __str__(self):
        return f"{self.idcc} {self.rncp}"


# --- Funding referentials (issue 12) ---------------------------------------------------------


class NpecEdition(models.Model):
    """One file of France compétences' « Référentiel des NPEC », as imported (``import_npec``).
    Every edition is kept: the NPEC that funds a contract is the one in force on the day it was
    concluded, and a commitment keeps the row that decided it."""

    name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField(_("importé le"), default=timezone.now)
    rows = models.PositiveIntegerField(_("lignes retenues"), default=0)
    rejected = models.PositiveIntegerField(_("lignes rejetées"), default=0)

    class Meta:
        verbose_name = _("édition du référentiel des NPEC")
        verbose_name_plural = _("éditions du référentiel des NPEC")
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.name


class NpecLevel(models.Model):
    """« Onglet 3 - référentiel NPEC »: the yearly funding level of a certification (RNCP) set
    by a branch (CPNE), applicable from a date."""

    edition = models.ForeignKey(NpecEdition, on_delete=models.PROTECT, related_name="levels")
    rncp = models.CharField(_("code RNCP"), max_length=12)
    title = models.CharField(_("libellé de la formation"), max_length=500, blank=True)
    certifier = models.CharField(_("certificateur"), max_length=300, blank=True)
    diploma_type = models.CharField(_("type de diplôme"), max_length=100, blank=True)
    cpne_code = models.CharField(_("code CPNE"), max_length=10)
    cpne = models.CharField(_("CPNE"), max_length=300, blank=True)
    amount = models.DecimalField(_("NPEC (€ par an)"), max_digits=10, decimal_places=2)
    status = models.CharField(_("statut"), max_length=10, blank=True)
    applicable_from = models.DateField(_("date d'applicabilité"))

    class Meta:
        verbose_name = _("niveau de prise en charge (NPEC)")
        verbose_name_plural = _("niveaux de prise en charge (NPEC)")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "rncp", "cpne_code"], name="npec_once_per_edition"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="npec_positive"),
        ]
        indexes = [
            models.Index(fields=["rncp", "cpne_code", "-applicable_from"], name="npec_lookup_idx")
        ]

    def __str__(self):
        return f"{self.rncp} × CPNE {self.cpne_code} : {self.amount} € ({self.applicable_from})"


class CpneAgreement(models.Model):
    """« Onglet 4 - CPNE-IDCC »: the branch (CPNE) a collective agreement (IDCC) belongs to —
    how an employer's IDCC leads to its NPEC."""

    edition = models.ForeignKey(NpecEdition, on_delete=models.PROTECT, related_name="agreements")
    cpne_code = models.CharField(_("code CPNE"), max_length=10)
    cpne = models.CharField(_("CPNE"), max_length=300, blank=True)
    idcc = models.CharField(_("IDCC"), max_length=4)

    class Meta:
        verbose_name = _("CPNE d'une convention collective")
        verbose_name_plural = _("CPNE des conventions collectives")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "cpne_code", "idcc"], name="cpne_idcc_once_per_edition"
            )
        ]
        indexes = [models.Index(fields=["idcc", "cpne_code"], name="cpne_idcc_lookup_idx")]

    def __str__(self):
        return f"IDCC {self.idcc} → CPNE {self.cpne_code}"


class FundingParameter(models.TextChoices):
    """The figures of the funding rules (research domain-alternance §3.5, §5): each is a dated
    row of ``FundingRate``, for all branches or one IDCC, and for a certification level where it
    says so."""

    # Apprenticeship (NPEC).
    STARTING_VALUE = "starting_value", _("Valeur d'amorçage (€ par an, par niveau)")
    RQTH_MAX = "rqth_max", _("Majoration RQTH maximale (€ par an)")
    DISTANCE_THRESHOLD = "distance_threshold", _("Seuil de formation à distance (%)")
    DISTANCE_REDUCTION = "distance_reduction", _("Minoration pour formation à distance (%)")
    DISTANCE_FLOOR = "distance_floor", _("Plancher après minoration (€ par an)")
    PRORATA_BY_DAY = "prorata_by_day", _("Proratisation au jour (1) ou au mois commencé (0)")
    EMPLOYER_CONTRIBUTION = (
        "employer_contribution",
        _("Participation de l'employeur, certification de niveau 6 ou plus (€)"),
    )
    EMPLOYER_CONTRIBUTION_AFTER_RUPTURE = (
        "employer_contribution_rupture",
        _("Participation de l'employeur après une rupture chez un autre employeur (€)"),
    )
    PROBATION_SHARE = (
        "probation_share",
        _("Participation si rupture pendant les 45 premiers jours (% du NPEC proratisé)"),
    )
    SCHEDULE_ADVANCE = "schedule_advance", _("Échéancier : avance (%)")
    SCHEDULE_MONTH_7 = "schedule_month7", _("Échéancier : 7e mois (%)")
    SCHEDULE_MONTH_10 = "schedule_month10", _("Échéancier : 10e mois (%)")
    SCHEDULE_BALANCE = "schedule_balance", _("Échéancier : solde après service fait (%)")
    SCHEDULE_SHORT_ADVANCE = (
        "schedule_short_advance",
        _("Échéancier d'un contrat de moins d'un an : avance (%, 0 = échéancier ordinaire)"),
    )
    MEAL = "meal", _("Frais annexes : repas (€ par repas)")
    NIGHT = "night", _("Frais annexes : hébergement (€ par nuitée)")
    FIRST_EQUIPMENT = "first_equipment", _("Frais annexes : premier équipement (plafond €)")
    # Professionalisation contract and Pro-A.
    PRO_HOURLY = "pro_hourly", _("Forfait horaire contrat de professionnalisation / Pro-A (€)")
    TUTOR_MONTHLY = "tutor_monthly", _("Aide à l'exercice du tutorat (€ par mois)")
    TUTOR_MONTHS = "tutor_months", _("Aide au tutorat : nombre de mois")
    TUTOR_UPLIFT = "tutor_uplift", _("Aide au tutorat : majoration tuteur de 45 ans ou plus (%)")
    TUTOR_TRAINING_HOURLY = (
        "tutor_training_hourly",
        _("Formation du tuteur : plafond horaire (€)"),
    )
    TUTOR_TRAINING_HOURS = "tutor_training_hours", _("Formation du tuteur : heures au plus")
    # Training actions (plan de développement des compétences).
    TRAINING_HOURLY = "training_hourly", _("Action de formation : plafond horaire pédagogique (€)")
    TRAINING_TRAINEE_CAP = (
        "training_trainee_cap",
        _("Action de formation : plafond par stagiaire (€)"),
    )
    TRAINING_SALARY = (
        "training_salary",
        _("Action de formation : prise en charge des salaires (1 = au SMIC horaire, 0 = non)"),
    )


# Parameters that are a share (0 to 100 %) or a yes/no (0 or 1).
PERCENT_PARAMETERS = frozenset(
    {
        FundingParameter.DISTANCE_THRESHOLD,
        FundingParameter.DISTANCE_REDUCTION,
        FundingParameter.PROBATION_SHARE,
        FundingParameter.SCHEDULE_ADVANCE,
        FundingParameter.SCHEDULE_MONTH_7,
        FundingParameter.SCHEDULE_MONTH_10,
        FundingParameter.SCHEDULE_BALANCE,
        FundingParameter.SCHEDULE_SHORT_ADVANCE,
        FundingParameter.TUTOR_UPLIFT,
    }
)
YES_NO_PARAMETERS = frozenset({FundingParameter.PRORATA_BY_DAY, FundingParameter.TRAINING_SALARY})


class FundingRate(models.Model):
    """A figure of the funding rules in force from a date, for every branch (IDCC blank) or one
    collective agreement, for one certification level where the parameter needs it. Rows are
    never changed: a new figure is a new row from a later date, and a row that has decided a
    commitment can no longer be deleted (dossiers.FundingCommitment.rates)."""

    parameter = models.CharField(_("règle"), max_length=40, choices=FundingParameter.choices)
    idcc = models.CharField(_("IDCC"), max_length=4, blank=True, help_text=_("Vide : toutes."))
    level = models.CharField(_("niveau"), max_length=1, blank=True)
    effective_from = models.DateField(_("en vigueur à partir du"))
    value = models.DecimalField(_("valeur"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source ou commentaire"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("règle de financement")
        verbose_name_plural = _("règles de financement")
        ordering = ["parameter", "idcc", "level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["parameter", "idcc", "level", "effective_from"],
                name="funding_rate_unique",
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="funding_rate_positive"),
        ]

    def __str__(self):
        return f"{self.parameter} {self.idcc or '*'} {self.level} {self.effective_from}"


class NpecImportState(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Importé")
    FAILED = "failed", _("Refusé")


def npec_upload_key(instance, filename):
    import uuid

    return f"npec/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class NpecImport(models.Model):
    """A file of the referential uploaded in the back office, imported by the task worker
    (the same import as ``import_npec``), with its report."""

    file = models.FileField(upload_to=npec_upload_key, max_length=200)
    original_name = models.CharField(_("fichier"), max_length=255)
    state = models.CharField(
        _("état"), max_length=20, choices=NpecImportState.choices, default=NpecImportState.QUEUED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    edition = models.ForeignKey(
        NpecEdition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    already = models.BooleanField(default=False)
    levels = models.PositiveIntegerField(default=0)
    agreements = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # The first rejected rows: [[sheet, row, why]].
    rejected = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("import du référentiel des NPEC")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.original_name} ({self.state})"
