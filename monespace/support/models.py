from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REGIONS = [
    "Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté",
    "Bretagne",
    "Centre-Val de Loire",
    "Corse",
    "Grand Est",
    "Hauts-de-France",
    "Île-de-France",
    "Normandie",
    "Nouvelle-Aquitaine",
    "Occitanie",
    "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur",
    "Outre-mer",
]


class CompanySize(models.TextChoices):
    UNDER_11 = "under_11", _("Moins de 11 salariés")
    FROM_11 = "from_11", _("Plus de 11 salariés")


class ContactSubject(models.TextChoices):
    FUNDING = "funding", _("Dépôt d'une demande de financement / contrat d'alternance")
    ACCOUNT = "account", _("Création de compte sur Mon Espace")
    FINANCING_RULES = "financing_rules", _("Modalités de financement des formations")
    PROGRESS = "progress", _("État d'avancement de mes demandes")
    WORK_STUDY = "work_study", _("Informations sur les contrats d'alternance")
    OTHER = "other", _("Autre question")


class ContactRequest(models.Model):
    """« Demandez à être rappelé » (seeds 003 and 004): kept for the OPCO's teams."""

    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"))
    siret = models.CharField(_("SIRET"), max_length=14)
    region = models.CharField(_("votre région"), max_length=60, choices=[(r, r) for r in REGIONS])
    sector = models.CharField(_("secteur d'activité"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=20)
    company_size = models.CharField(
        _("votre entreprise compte"), max_length=10, choices=CompanySize.choices, blank=True
    )
    subject = models.CharField(_("objet"), max_length=20, choices=ContactSubject.choices)
    message = models.TextField(_("votre message"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("demande de rappel")
        verbose_name_plural = _("demandes de rappel")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.last_name} {self.created_at:%Y-%m-%d}"


class SupportSession(models.Model):
    """A « connexion en tant que »: who, for whom, why, when; visible to the user in their profile."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_sessions"
    )
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(_("demandée le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencée le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"))

    class Meta:
        verbose_name = _("connexion « en tant que »")
        verbose_name_plural = _("connexions « en tant que »")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="support_session_user_idx")]

    def __str__(self):
        return f"{self.staff_id} → {self.user_id}"

    @property
    def is_over(self):
        return self.ended_at is not None or timezone.now() >= self.expires_at

    @property
    def ended_on(self):
        """When it ended: ended by the agent, or (a browser closed) at its time limit."""
        if self.ended_at is not None:
            return self.ended_at
        if self.started_at is not None and timezone.now() >= self.expires_at:
            return self.expires_at
        return None
