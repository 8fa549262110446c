from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .departments import validate_department_code
from .enums import Civility, ContactRole, NotificationTheme, SecurityEventKind, StaffRole


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("The e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
            user.password_changed_at = timezone.now()
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login.

    Staff of the OPCO are users with ``is_staff``; company and training-organisation users
    reach data only through their memberships (organizations.Membership).
    """

    email = models.EmailField(_("adresse e-mail"), max_length=254, unique=True)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    notification_themes = models.JSONField(_("thématiques d'information"), default=list, blank=True)
    # Consent to "connexion en tant que" by support or advisors (seed 000, step 1).
    support_access_consent_at = models.DateTimeField(
        _("accord à la connexion « en tant que »"), null=True, blank=True
    )
    password_changed_at = models.DateTimeField(
        _("dernière modification du mot de passe"), null=True, blank=True
    )
    # The bell's count, kept by the notification services so that no page counts it.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)
    is_staff = models.BooleanField(_("personnel de l'OPCO"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name

    @property
    def has_support_consent(self):
        return self.support_access_consent_at is not None

    def theme_labels(self):
        labels = dict(NotificationTheme.choices)
        return [labels[t] for t in self.notification_themes if t in labels]


class SecurityEvent(models.Model):
    """Append-only record of security events (logins, failures, lockouts, password changes).

    Holds the user id when known and never the typed identifier: logs and this table carry
    no e-mail address, name or password.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="security_events"
    )
    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_secev_user_idx")]

    def __str__(self):
        return f"{self.kind} {self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class RegionalEntity(models.Model):
    """A « délégation régionale » of the OPCO: its staff are the « interlocuteurs » of the
    establishments whose postal code falls in one of its departments (``departments``)."""

    name = models.CharField(_("nom"), max_length=150)
    address = models.CharField(_("adresse"), max_length=255)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)

    class Meta:
        verbose_name = _("délégation régionale")
        verbose_name_plural = _("délégations régionales")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="accounts_regional_entity_name_unique",
                violation_error_message=_("Une délégation régionale porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name


class RegionalEntityDepartment(models.Model):
    """A department served by a regional entity; one entity at most per department."""

    entity = models.ForeignKey(RegionalEntity, on_delete=models.CASCADE, related_name="departments")
    code = models.CharField(
        _("département"),
        max_length=3,
        validators=[validate_department_code],
        help_text=_("Par exemple 75, 2A ou 971."),
    )

    class Meta:
        verbose_name = _("département servi")
        verbose_name_plural = _("départements servis")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="accounts_entity_department_unique",
                violation_error_message=_(
                    "Ce département est déjà servi par une délégation régionale."
                ),
            )
        ]

    def __str__(self):
        return self.code


def validate_contact_roles(value) -> None:
    if not isinstance(value, list) or not set(value) <= set(ContactRole.values):
        raise ValidationError(_("Choisissez des rôles d'interlocuteur de la liste."))


class StaffProfile(models.Model):
    """An OPCO staff member's role (their rights in the back office), the branches they serve
    (by branch name), and what they follow as a company's « interlocuteur » (``contact_roles``,
    per dispositif) for their regional entity (none: the head office, every region)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(_("rôle"), max_length=30, choices=StaffRole.choices)
    branches = models.JSONField(_("branches"), default=list, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    contact_roles = models.JSONField(
        _("interlocuteur pour"),
        default=list,
        blank=True,
        validators=[validate_contact_roles],
        help_text=_("Ce que la personne suit pour les entreprises de ses branches."),
    )
    entity = models.ForeignKey(
        RegionalEntity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("délégation régionale"),
        help_text=_("Vide : le siège, interlocuteur de toutes les régions."),
    )

    class Meta:
        verbose_name = _("profil du personnel")
        verbose_name_plural = _("profils du personnel")

    def __str__(self):
        return f"{self.user_id} {self.role}"

    @property
    def contact_phone(self):
        return self.phone or self.user.phone

    def contact_role_labels(self):
        labels = dict(ContactRole.choices)
        return [labels[r] for r in self.contact_roles if r in labels]

    @property
    def can_instruct(self):
        return self.role in {StaffRole.ADVISOR, StaffRole.TRAINING_ASSISTANT, StaffRole.MANAGER}
