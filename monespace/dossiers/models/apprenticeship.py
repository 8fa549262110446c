"""The apprenticeship contract's own data, in the order of the CERFA FA13 (n° 10103): A.
L'employeur, B. L'apprenti(e), C. Le représentant légal, D. Le(s) maître(s) d'apprentissage,
E. Le contrat, F. La formation, G. Signatures, H. the OPCO's frame.

On the dossier itself: the contract's start and end dates (« Date de début d'exécution », « Date
de fin du contrat »), the CFA (its establishment when the directory knows it, its name and
SIRET) and a title made from the apprentice's name and the qualification (every list shows
them). Codes are those of the CERFA version the contract was entered under
(``cerfa_version``, referentials.CerfaCode).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from monespace.referentials.cerfa import CURRENT_APPRENTICESHIP_CERFA

from .core import Dossier

BLANK = {"max_length": 255, "blank": True}
# The OPCO decides within 20 days of the complete file (D6224-2); its silence is a refusal.
DECISION_DAYS = 20


class ApprenticeshipContract(models.Model):
    """« Contrat d'apprentissage »: one row per dossier of that kind (CERFA 10103)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="apprenticeship"
    )
    cerfa_version = models.CharField(
        _("version du CERFA"), max_length=12, default=CURRENT_APPRENTICESHIP_CERFA
    )
    # The contract this one amends (an avenant is a new version of the contract).
    amends = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="amendments"
    )
    # Entered by a CFA for the company's validation (pré-saisie), by whom.
    entered_by_cfa = models.BooleanField(_("pré-saisi par le CFA"), default=False)

    # A. L'employeur
    employer_public = models.BooleanField(_("employeur « public »"), default=False)
    employer_name = models.CharField(_("nom et prénom ou dénomination"), **BLANK)
    employer_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    employer_street = models.CharField(_("voie"), max_length=200, blank=True)
    employer_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    employer_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    employer_city = models.CharField(_("commune"), max_length=100, blank=True)
    employer_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    employer_email = models.EmailField(_("courriel"), blank=True)
    employer_type = models.CharField(_("type d'employeur"), max_length=4, blank=True)
    specific_employer = models.CharField(_("employeur spécifique"), max_length=4, blank=True)
    naf = models.CharField(_("code activité de l'entreprise (NAF)"), max_length=6, blank=True)
    headcount = models.PositiveIntegerField(
        _("effectif total salariés de l'entreprise"), null=True, blank=True
    )
    idcc = models.CharField(
        _("code IDCC de la convention collective applicable"), max_length=4, blank=True
    )
    public_unemployment_scheme = models.BooleanField(
        _("adhésion de l'apprenti au régime spécifique d'assurance chômage (secteur public)"),
        default=False,
    )

    # B. L'apprenti(e)
    apprentice_last_name = models.CharField(_("nom de naissance de l'apprenti(e)"), **BLANK)
    apprentice_usage_name = models.CharField(_("nom d'usage"), **BLANK)
    apprentice_first_name = models.CharField(
        _("le premier prénom selon l'état civil"), max_length=150, blank=True
    )
    apprentice_nir = models.CharField(
        _("numéro de sécurité sociale (NIR)"), max_length=15, blank=True
    )
    apprentice_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    apprentice_street = models.CharField(_("voie"), max_length=200, blank=True)
    apprentice_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    apprentice_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    apprentice_city = models.CharField(_("commune"), max_length=100, blank=True)
    apprentice_phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    apprentice_email = models.EmailField(_("courriel"), blank=True)
    apprentice_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    apprentice_sex = models.CharField(
        _("sexe"), max_length=1, choices=[("M", "M"), ("F", "F")], blank=True
    )
    apprentice_birth_department = models.CharField(
        _("département de naissance"), max_length=3, blank=True
    )
    apprentice_birth_city = models.CharField(_("commune de naissance"), max_length=100, blank=True)
    apprentice_nationality = models.CharField(_("nationalité"), max_length=2, blank=True)
    apprentice_social_regime = models.CharField(_("régime social"), max_length=2, blank=True)
    apprentice_high_level_athlete = models.BooleanField(
        _("déclare être inscrit(e) sur la liste des sportifs de haut niveau"), default=False
    )
    apprentice_rqth = models.BooleanField(
        _("déclare bénéficier de la reconnaissance travailleur handicapé"), default=False
    )
    apprentice_rqth_youth_equivalence = models.BooleanField(
        _("droits RQTH : équivalence jeunes (AEEH, PCH ou PPS)"), default=False
    )
    apprentice_rqth_boe_extension = models.BooleanField(
        _("droits RQTH : extension aux bénéficiaires de l'obligation d'emploi"), default=False
    )
    apprentice_situation = models.CharField(
        _("situation avant ce contrat"), max_length=4, blank=True
    )
    apprentice_diploma_prepared = models.CharField(
        _("dernier diplôme ou titre préparé"), max_length=4, blank=True
    )
    apprentice_last_class = models.CharField(
        _("dernière classe / année suivie"), max_length=4, blank=True
    )
    apprentice_diploma_prepared_title = models.CharField(
        _("intitulé précis du dernier diplôme ou titre préparé"), **BLANK
    )
    apprentice_highest_diploma = models.CharField(
        _("diplôme ou titre le plus élevé obtenu"), max_length=4, blank=True
    )
    apprentice_business_project = models.BooleanField(
        _("déclare avoir un projet de création ou de reprise d'entreprise"), default=False
    )
    apprentice_emancipated = models.BooleanField(
        _("apprenti(e) mineur(e) émancipé(e)"), default=False
    )

    # C. Le représentant légal (an apprentice who is a non-emancipated minor at signature)
    guardian_name = models.CharField(_("nom de naissance et prénom"), **BLANK)
    guardian_same_address = models.BooleanField(_("même adresse que l'apprenti(e)"), default=False)
    guardian_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    guardian_street = models.CharField(_("voie"), max_length=200, blank=True)
    guardian_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    guardian_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    guardian_city = models.CharField(_("commune"), max_length=100, blank=True)
    guardian_email = models.EmailField(_("courriel"), blank=True)

    # D. Le(s) maître(s) d'apprentissage
    master1_last_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    master1_first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    master1_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    master1_email = models.EmailField(_("courriel"), blank=True)
    master1_job = models.CharField(_("emploi occupé"), **BLANK)
    master1_diploma = models.CharField(_("diplôme ou titre le plus élevé obtenu"), **BLANK)
    master1_diploma_level = models.CharField(
        _("niveau de diplôme ou titre le plus élevé obtenu"), max_length=2, blank=True
    )
    master2_last_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    master2_first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    master2_birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    master2_email = models.EmailField(_("courriel"), blank=True)
    master2_job = models.CharField(_("emploi occupé"), **BLANK)
    master2_diploma = models.CharField(_("diplôme ou titre le plus élevé obtenu"), **BLANK)
    master2_diploma_level = models.CharField(
        _("niveau de diplôme ou titre le plus élevé obtenu"), max_length=2, blank=True
    )
    masters_eligibility_attested = models.BooleanField(
        _(
            "l'employeur atteste sur l'honneur que le(s) maître(s) d'apprentissage répond(ent) à "
            "l'ensemble des critères d'éligibilité à cette fonction"
        ),
        default=False,
    )

    # E. Le contrat (start and end dates are the dossier's)
    contract_mode = models.CharField(
        _("mode contractuel de l'apprentissage"), max_length=2, blank=True
    )
    contract_type = models.CharField(_("type de contrat ou d'avenant"), max_length=4, blank=True)
    derogation_type = models.CharField(_("type de dérogation"), max_length=4, blank=True)
    previous_contract_number = models.CharField(
        _("numéro du contrat précédent ou du contrat sur lequel porte l'avenant"),
        max_length=15,
        blank=True,
    )
    conclusion_date = models.DateField(
        _("date de conclusion (date des signatures du présent contrat)"), null=True, blank=True
    )
    practical_training_start = models.DateField(
        _("date de début de formation pratique chez l'employeur"), null=True, blank=True
    )
    amendment_effect_date = models.DateField(_("si avenant, date d'effet"), null=True, blank=True)
    weekly_hours = models.PositiveSmallIntegerField(
        _("durée hebdomadaire du travail (heures)"), null=True, blank=True
    )
    weekly_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    hazardous_work = models.BooleanField(
        _("travail sur machines dangereuses ou exposition à des risques particuliers"),
        default=False,
    )
    hiring_salary = models.DecimalField(
        _("salaire brut mensuel à l'embauche"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    smc = models.DecimalField(
        _("salaire minimum conventionnel (mensuel)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("À indiquer si l'apprenti(e) a 21 ans ou plus avant la fin du contrat."),
    )
    pension_fund = models.CharField(_("caisse de retraite complémentaire"), **BLANK)
    benefit_food = models.DecimalField(
        _("avantages en nature : nourriture (€ par repas)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    benefit_housing = models.DecimalField(
        _("avantages en nature : logement (€ par mois)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    benefit_other = models.BooleanField(_("autre avantage en nature"), default=False)

    # F. La formation (the CFA's name and SIRET are the dossier's)
    in_company_cfa = models.BooleanField(_("CFA d'entreprise"), default=False)
    cfa_uai = models.CharField(_("N° UAI du CFA"), max_length=8, blank=True)
    cfa_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    cfa_street = models.CharField(_("voie"), max_length=200, blank=True)
    cfa_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    cfa_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    cfa_city = models.CharField(_("commune"), max_length=100, blank=True)
    diploma_type = models.CharField(
        _("diplôme ou titre visé par l'apprenti(e)"), max_length=4, blank=True
    )
    qualification_title = models.CharField(_("intitulé précis"), **BLANK)
    diploma_code = models.CharField(_("code du diplôme"), max_length=8, blank=True)
    rncp = models.CharField(_("code RNCP"), max_length=12, blank=True)
    cfa_is_main_site = models.BooleanField(
        _("le CFA responsable est le lieu de formation principal"), default=True
    )
    main_site_name = models.CharField(_("dénomination du lieu de formation principal"), **BLANK)
    main_site_uai = models.CharField(_("N° UAI"), max_length=8, blank=True)
    main_site_siret = models.CharField(_("N° SIRET"), max_length=14, blank=True)
    main_site_street_number = models.CharField(_("N°"), max_length=10, blank=True)
    main_site_street = models.CharField(_("voie"), max_length=200, blank=True)
    main_site_address_complement = models.CharField(_("complément"), max_length=200, blank=True)
    main_site_postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    main_site_city = models.CharField(_("commune"), max_length=100, blank=True)
    training_start = models.DateField(_("date de début de formation en CFA"), null=True, blank=True)
    exams_end = models.DateField(
        _("date prévue de fin des épreuves ou examens"), null=True, blank=True
    )
    training_hours = models.PositiveIntegerField(
        _("durée de la formation (heures)"), null=True, blank=True
    )
    distance_hours = models.PositiveIntegerField(
        _("dont heures de formation à distance"), null=True, blank=True
    )

    # G. Signatures
    # What the CFA asks on top of the NPEC (research domain-alternance §5.3, §5.5), per contract.
    rqth_majoration = models.DecimalField(
        _("majoration RQTH demandée (€ par an)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    meals = models.PositiveIntegerField(_("nombre de repas"), null=True, blank=True)
    nights = models.PositiveIntegerField(_("nombre de nuitées"), null=True, blank=True)
    first_equipment = models.DecimalField(
        _("premier équipement pédagogique (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    pieces_attested = models.BooleanField(
        _(
            "l'employeur atteste disposer de l'ensemble des pièces justificatives nécessaires au "
            "dépôt du contrat"
        ),
        default=False,
    )
    signature_place = models.CharField(_("fait à"), max_length=100, blank=True)

    # H. Cadre réservé à l'organisme en charge du dépôt du contrat
    complete_on = models.DateField(_("date de réception du dossier complet"), null=True, blank=True)
    decided_on = models.DateField(_("date de la décision"), null=True, blank=True)
    deca_number = models.CharField(_("N° de dépôt"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("contrat d'apprentissage")
        verbose_name_plural = _("contrats d'apprentissage")
        # A maître's other apprentices are looked up by birth date (then names).
        indexes = [
            models.Index(fields=["master1_birth_date"], name="apprenticeship_master1_idx"),
            models.Index(fields=["master2_birth_date"], name="apprenticeship_master2_idx"),
        ]

    def __str__(self):
        return str(self.dossier_id)

    @property
    def decide_by(self) -> date | None:
        """The last day of the OPCO's 20 days, once the file is complete."""
        return self.complete_on + timedelta(days=DECISION_DAYS) if self.complete_on else None

    @property
    def apprentice_name(self) -> str:
        return f"{self.apprentice_last_name} {self.apprentice_first_name}".strip()

    @property
    def weekly_duration(self) -> Decimal | None:
        if self.weekly_hours is None:
            return None
        return Decimal(self.weekly_hours) + Decimal(self.weekly_minutes or 0) / 60


class PayLine(models.Model):
    """A line of the CERFA's « Rémunération »: a period of a year of contract, its rate (% of
    the SMIC or of the SMC) and the minimum the law sets for it (up to 8 lines: 1.1 … 4.2)."""

    contract = models.ForeignKey(
        ApprenticeshipContract, on_delete=models.CASCADE, related_name="pay_lines"
    )
    order = models.CharField(_("ligne"), max_length=3)  # « 1.1 », « 1.2 », … « 4.2 »
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    rate = models.DecimalField(_("taux (%)"), max_digits=5, decimal_places=2)
    minimum_rate = models.DecimalField(_("taux minimal (%)"), max_digits=5, decimal_places=2)
    base = models.CharField(
        _("salaire de référence"), max_length=4, choices=[("SMIC", "SMIC"), ("SMC", "SMC")]
    )
    monthly_amount = models.DecimalField(_("salaire brut mensuel"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["contract", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "order"], name="pay_line_once"),
            models.CheckConstraint(
                condition=models.Q(rate__gte=models.F("minimum_rate")),
                name="pay_line_not_below_minimum",
            ),
        ]

    def __str__(self):
        return f"{self.order}: {self.rate} %"


class RuptureReason(models.TextChoices):
    PROBATION = "probation", _("Rupture pendant les 45 premiers jours de formation pratique")
    AGREEMENT = "agreement", _("Rupture d'un commun accord")
    APPRENTICE = "apprentice", _("Démission de l'apprenti(e) (après médiation)")
    EMPLOYER = "employer", _("Licenciement par l'employeur")
    DIPLOMA = "diploma", _("Obtention du diplôme avant le terme du contrat")
    LIQUIDATION = "liquidation", _("Liquidation judiciaire de l'entreprise")
    CFA_EXCLUSION = "cfa_exclusion", _("Exclusion définitive de l'apprenti(e) du CFA")
    # A professionalisation contract or a Pro-A.
    TRIAL = "trial", _("Rupture pendant la période d'essai")
    RESIGNATION = "resignation", _("Démission du salarié")
    QUALIFICATION = "qualification", _("Obtention de la qualification avant le terme")
    OTHER = "other", _("Autre motif")


# The reasons offered per dispositif (the others are the apprenticeship's).
PRO_RUPTURE_REASONS = (
    RuptureReason.TRIAL,
    RuptureReason.AGREEMENT,
    RuptureReason.RESIGNATION,
    RuptureReason.EMPLOYER,
    RuptureReason.QUALIFICATION,
    RuptureReason.LIQUIDATION,
    RuptureReason.OTHER,
)
APPRENTICESHIP_RUPTURE_REASONS = tuple(
    r
    for r in RuptureReason
    if r not in (RuptureReason.TRIAL, RuptureReason.RESIGNATION, RuptureReason.QUALIFICATION)
)


class ContractRupture(models.Model):
    """The early end of an apprenticeship contract: the date, the reason, who ended it; entered
    by the company or its CFA, recorded by the OPCO."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rupture")
    rupture_date = models.DateField(_("date de la rupture"))
    reason = models.CharField(_("motif"), max_length=20, choices=RuptureReason.choices)
    initiated_by = models.CharField(
        _("à l'initiative de"),
        max_length=20,
        choices=[
            ("employer", _("l'employeur")),
            ("apprentice", _("l'apprenti(e) ou le salarié")),
            ("both", _("les deux parties")),
            ("other", _("autre (CFA, décision de justice…)")),
        ],
    )
    comment = models.TextField(_("commentaire"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.dossier_id} {self.rupture_date}"
