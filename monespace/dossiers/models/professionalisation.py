"""The professionalisation contract (CERFA EJ20 n° 12434) and Pro-A (an amendment to a CDI
deposited under the same procedure), in the order of the form: L'employeur, Le salarié, Le(s)
tuteur(s), Le contrat, La formation, Signatures, and the OPCO's frame.

Both dispositifs share this table (``Dossier.kind`` tells them apart). On the dossier itself:
the start and end of the contract (for a CDI or a Pro-A, of the « action de
professionnalisation »), the training organisation (its establishment when the directory knows
it, its name and SIRET) and a title made from the employee's name and the qualification.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Dossier

BLANK = {"max_length": 255, "blank": True}
MONEY = {
    "max_digits": 10,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal(0))],
}
# The OPCO decides within 20 days of the complete file (D6325-2); its silence is an acceptance.
PRO_DECISION_DAYS = 20


class ProContractType(models.TextChoices):
    INITIAL = "1", _("1 - Contrat initial")
    AFTER_FAILURE = "2", _("2 - Nouveau contrat suite à un échec aux épreuves d'évaluation")
    PROVIDER_DEFAULT = "3", _("3 - Nouveau contrat suite à la défaillance de l'organisme")
    AFTER_LEAVE = (
        "4",
        _("4 - Nouveau contrat suite à une maternité, une maladie ou un accident du travail"),
    )
    AMENDMENT = "5", _("5 - Avenant")


class ContractNature(models.TextChoices):
    FIXED_TERM = "cdd", _("CDD")
    PERMANENT = "cdi", _("CDI (action de professionnalisation en début de contrat)")


class EmployeeSituation(models.TextChoices):
    STUDENT = "student", _("Scolaire, étudiant(e) ou apprenti(e)")
    JOB_SEEKER = "job_seeker", _("Demandeur d'emploi")
    EMPLOYED = "employed", _("Salarié(e)")
    CUI = "cui", _("Sortant(e) d'un contrat unique d'insertion (CUI)")
    INACTIVE = "inactive", _("Inactif(ve)")
    OTHER = "other", _("Autre situation")


class MinimumSocial(models.TextChoices):
    NONE = "", _("Aucun")
    RSA = "rsa", _("Revenu de solidarité active (RSA)")
    ASS = "ass", _("Allocation de solidarité spécifique (ASS)")
    AAH = "aah", _("Allocation aux adultes handicapés (AAH)")


class QualificationLevel(models.TextChoices):
    NONE = "0", _("Aucun diplôme ni titre")
    LEVEL_3 = "3", _("Niveau 3 (CAP, BEP)")
    LEVEL_4 = "4", _("Niveau 4 (baccalauréat, brevet professionnel)")
    LEVEL_5 = "5", _("Niveau 5 (BTS, DUT, bac + 2)")
    LEVEL_6 = "6", _("Niveau 6 (licence, bachelor, bac + 3)")
    LEVEL_7 = "7", _("Niveau 7 (master, ingénieur, bac + 5)")
    LEVEL_8 = "8", _("Niveau 8 (doctorat)")


class EmploymentContract(models.TextChoices):
    """What a Pro-A employee holds (L6324-1)."""

    PERMANENT = "cdi", _("CDI")
    CUI_CDI = "cui_cdi", _("Contrat unique d'insertion à durée indéterminée (CUI-CDI)")
    PARTIAL_ACTIVITY = "partial_activity", _("CDI en activité partielle")
    ATHLETE = "athlete", _("Sportif ou entraîneur professionnel en CDD (L222-2-3 code du sport)")
    FIXED_TERM = "cdd", _("Autre CDD")


class QualificationType(models.TextChoices):
    RNCP = "rncp", _("Diplôme ou titre inscrit au RNCP")
    CQP = "cqp", _("Certificat de qualification professionnelle (CQP)")
    BRANCH = (
        "branch",
        _("Qualification reconnue dans la classification d'une convention collective"),
    )
    CLEA = "clea", _("Certificat CléA (Pro-A)")
    VAE = "vae", _("Validation des acquis de l'expérience (Pro-A)")


class DurationExtension(models.TextChoices):
    NONE = "", _("Aucune (6 à 12 mois)")
    BRANCH = "branch", _("Accord de branche (jusqu'à 24 mois)")
    PRIORITY = "priority", _("Public prioritaire (jusqu'à 36 mois)")


class ProfessionalisationContract(models.Model):
    """« Contrat de professionnalisation » or « Pro-A »: one row per dossier of either kind."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="professionalisation"
    )
    entered_by_provider = models.BooleanField(_("pré-saisi par l'organisme"), default=False)

    # L'employeur
    employer_name = models.CharField(_("nom et prénom ou dénomination"), **BLANK)
    employer_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    employer_street = models.CharField(_("voie"), max_length=200, blank=True)
    employer_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    employer_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    employer_city = models.CharField(_("commune"), max_length=100, blank=True)
    employer_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    employer_email = models.EmailField(_("courriel"), blank=True)
    private_employer = models.BooleanField(_("particulier employeur"), default=False)
    urssaf_number = models.CharField(
        _("N° URSSAF du particulier employeur"), max_length=20, blank=True
    )
    naf = models.CharField(_("code NAF"), max_length=6, blank=True)
    headcount = models.PositiveIntegerField(_("effectif salarié"), null=True, blank=True)
    idcc = models.CharField(_("code IDCC de la convention collective"), max_length=4, blank=True)
    pension_fund = models.CharField(_("caisse de retraite complémentaire"), **BLANK)
    provident_fund = models.CharField(_("organisme de prévoyance"), **BLANK)

    # Le salarié
    employee_last_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    employee_first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    employee_nir = models.CharField(
        _("numéro de sécurité sociale (NIR)"), max_length=15, blank=True
    )
    employee_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    employee_street = models.CharField(_("voie"), max_length=200, blank=True)
    employee_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    employee_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    employee_city = models.CharField(_("commune"), max_length=100, blank=True)
    employee_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    employee_email = models.EmailField(_("courriel"), blank=True)
    employee_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    employee_sex = models.CharField(
        _("sexe"), max_length=1, choices=[("M", "M"), ("F", "F")], blank=True
    )
    employee_rqth = models.BooleanField(
        _("reconnaissance de la qualité de travailleur handicapé (RQTH)"), default=False
    )
    employee_situation = models.CharField(
        _("situation avant ce contrat"),
        max_length=20,
        choices=EmployeeSituation.choices,
        blank=True,
    )
    employee_job_seeker_number = models.CharField(
        _("N° d'inscription à France Travail"), max_length=11, blank=True
    )
    employee_job_seeker_months = models.PositiveSmallIntegerField(
        _("durée d'inscription (mois)"), null=True, blank=True
    )
    employee_minimum_social = models.CharField(
        _("bénéficiaire d'un minimum social"),
        max_length=4,
        choices=MinimumSocial.choices,
        blank=True,
    )
    employee_highest_level = models.CharField(
        _("diplôme ou titre le plus élevé obtenu"),
        max_length=1,
        choices=QualificationLevel.choices,
        blank=True,
    )
    # Pro-A: the employment contract amended.
    employment_contract = models.CharField(
        _("contrat de travail du salarié"),
        max_length=20,
        choices=EmploymentContract.choices,
        blank=True,
    )
    employment_start = models.DateField(
        _("date d'embauche (début du contrat de travail)"), null=True, blank=True
    )

    # Le(s) tuteur(s)
    tutor_last_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    tutor_first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    tutor_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    tutor_email = models.EmailField(_("courriel"), blank=True)
    tutor_job = models.CharField(_("emploi occupé"), **BLANK)
    tutor_experience_years = models.PositiveSmallIntegerField(
        _("années d'expérience dans une qualification en rapport avec l'objectif"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
    )
    tutor_is_employer = models.BooleanField(_("le tuteur est l'employeur"), default=False)
    tutor_training_hours = models.PositiveSmallIntegerField(
        _("formation du tuteur demandée (heures)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    tutor2_last_name = models.CharField(
        _("tuteur dans l'entreprise utilisatrice : nom"), max_length=150, blank=True
    )
    tutor2_first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    tutor2_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    tutor2_job = models.CharField(_("emploi occupé"), **BLANK)

    # Le contrat (start and end dates are the dossier's)
    contract_type = models.CharField(
        _("type de contrat ou d'avenant"),
        max_length=1,
        choices=ProContractType.choices,
        blank=True,
    )
    nature = models.CharField(
        _("nature du contrat"), max_length=3, choices=ContractNature.choices, blank=True
    )
    previous_contract_number = models.CharField(
        _("numéro du contrat précédent"), max_length=20, blank=True
    )
    duration_extension = models.CharField(
        _("allongement de la durée"),
        max_length=10,
        choices=DurationExtension.choices,
        blank=True,
    )
    job_title = models.CharField(_("emploi occupé pendant le contrat"), **BLANK)
    classification = models.CharField(_("classification de l'emploi dans la convention"), **BLANK)
    coefficient = models.CharField(
        _("niveau ou coefficient hiérarchique"), max_length=20, blank=True
    )
    conclusion_date = models.DateField(_("date de conclusion"), null=True, blank=True)
    probation_days = models.PositiveSmallIntegerField(
        _("durée de la période d'essai (jours)"), null=True, blank=True
    )
    weekly_hours = models.DecimalField(
        _("durée hebdomadaire du travail (heures)"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(48))],
    )
    pay_rate = models.DecimalField(
        _("rémunération (% du SMIC)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(999))],
    )
    hiring_salary = models.DecimalField(_("salaire brut mensuel à l'embauche"), **MONEY)
    smc = models.DecimalField(
        _("salaire minimum conventionnel (mensuel)"),
        help_text=_("À indiquer pour un salarié de 26 ans ou plus."),
        **MONEY,
    )

    # La formation (the organisation's name and SIRET are the dossier's)
    internal_training = models.BooleanField(
        _("formation assurée par un service de formation interne à l'entreprise"), default=False
    )
    provider_nda = models.CharField(_("N° de déclaration d'activité"), max_length=11, blank=True)
    provider_street = models.CharField(_("voie"), max_length=200, blank=True)
    provider_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    provider_city = models.CharField(_("commune"), max_length=100, blank=True)
    qualification_type = models.CharField(
        _("qualification visée"), max_length=10, choices=QualificationType.choices, blank=True
    )
    qualification_title = models.CharField(_("intitulé précis"), **BLANK)
    rncp = models.CharField(_("code RNCP"), max_length=12, blank=True)
    target_level = models.CharField(
        _("niveau de la qualification visée"),
        max_length=1,
        choices=QualificationLevel.choices,
        blank=True,
    )
    training_start = models.DateField(_("date de début de la formation"), null=True, blank=True)
    training_end = models.DateField(_("date de fin de la formation"), null=True, blank=True)
    training_hours = models.PositiveIntegerField(
        _("durée totale de la formation (heures)"), null=True, blank=True
    )
    hours_outside_work = models.PositiveIntegerField(
        _("dont heures hors du temps de travail"), null=True, blank=True
    )
    outside_work_agreed = models.BooleanField(
        _("accord écrit du salarié pour les heures hors du temps de travail"), default=False
    )
    extended_training_share = models.BooleanField(
        _("accord de branche portant la formation au-delà de 25 % de la durée"), default=False
    )

    # Signatures
    pieces_attested = models.BooleanField(
        _(
            "l'employeur atteste disposer du programme de formation et des pièces justificatives "
            "nécessaires au dépôt du contrat"
        ),
        default=False,
    )
    signature_place = models.CharField(_("fait à"), max_length=100, blank=True)

    # Cadre réservé à l'OPCO
    complete_on = models.DateField(_("date de réception du dossier complet"), null=True, blank=True)
    decided_on = models.DateField(_("date de la décision"), null=True, blank=True)
    tacit = models.BooleanField(_("accepté par le silence de l'OPCO"), default=False)
    deca_number = models.CharField(_("N° de dépôt"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("contrat de professionnalisation ou Pro-A")
        verbose_name_plural = _("contrats de professionnalisation et Pro-A")
        indexes = [
            models.Index(fields=["tutor_birth_date"], name="pro_tutor_idx"),
            models.Index(fields=["complete_on"], name="pro_complete_idx"),
        ]

    def __str__(self):
        return str(self.dossier_id)

    @property
    def decide_by(self) -> date | None:
        """The last day of the OPCO's 20 days; after it, silence accepts the contract."""
        return self.complete_on + timedelta(days=PRO_DECISION_DAYS) if self.complete_on else None

    @property
    def employee_name(self) -> str:
        return f"{self.employee_last_name} {self.employee_first_name}".strip()
