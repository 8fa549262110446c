from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    HEADCOUNT_BANDS,
    AdministrativeState,
    CompanyState,
    MembershipSource,
    MembershipStatus,
    Profile,
)


class Company(models.Model):
    """A legal unit (unité légale), identified by its SIREN.

    Directory data comes from the INSEE Sirene files; it is refreshed by the import command.
    """

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("raison sociale"), max_length=255)
    naf = models.CharField(_("code NAF"), max_length=6, blank=True)
    headcount_band = models.CharField(_("tranche d'effectifs"), max_length=2, blank=True)
    legal_category = models.CharField(_("catégorie juridique"), max_length=4, blank=True)
    state = models.CharField(
        _("état administratif"),
        max_length=1,
        choices=CompanyState.choices,
        default=CompanyState.ACTIVE,
    )
    head_office_nic = models.CharField(_("NIC du siège"), max_length=5, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.siren})"

    @property
    def is_active(self):
        return self.state == CompanyState.ACTIVE

    @property
    def headcount_label(self):
        return HEADCOUNT_BANDS.get(self.headcount_band, "")


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(state=AdministrativeState.ACTIVE)

    def known_as(self, profile):
        """Establishments the OPCO knows under a profile (they carry its number)."""
        if profile == Profile.PROVIDER:
            return self.exclude(provider_number="")
        return self.exclude(member_number="")


class Establishment(models.Model):
    """An establishment (SIRET) of a company, with the OPCO's own data beside the directory's.

    ``member_number`` (numéro adhérent, e.g. ``12927.001``) and ``provider_number`` (numéro
    organisme de formation) are the OPCO's; an establishment that has one is "known" to the
    OPCO under that profile.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="establishments")
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    name = models.CharField(_("nom"), max_length=255, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    naf = models.CharField(_("code NAF"), max_length=6, blank=True)
    headcount_band = models.CharField(_("tranche d'effectifs"), max_length=2, blank=True)
    idcc = models.CharField(_("IDCC"), max_length=4, blank=True)
    is_head_office = models.BooleanField(_("siège"), default=False)
    state = models.CharField(
        _("état administratif"),
        max_length=1,
        choices=AdministrativeState.choices,
        default=AdministrativeState.ACTIVE,
    )
    # OPCO data
    member_number = models.CharField(_("numéro adhérent"), max_length=20, blank=True)
    provider_number = models.CharField(
        _("numéro organisme de formation"), max_length=20, blank=True
    )
    branch = models.CharField(_("branche"), max_length=100, blank=True)
    # Provider data
    nda = models.CharField(_("numéro de déclaration d'activité"), max_length=11, blank=True)
    uai = models.CharField(_("UAI"), max_length=8, blank=True)
    qualiopi_categories = models.CharField(_("catégories Qualiopi"), max_length=100, blank=True)
    qualiopi_valid_until = models.DateField(_("Qualiopi valable jusqu'au"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["siret"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_number"],
                condition=~Q(member_number=""),
                name="organizations_estab_member_number_unique",
            ),
            models.UniqueConstraint(
                fields=["provider_number"],
                condition=~Q(provider_number=""),
                name="organizations_estab_provider_number_unique",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.siret})"

    @property
    def display_name(self):
        return self.name or self.company.name

    @property
    def is_active(self):
        return self.state == AdministrativeState.ACTIVE

    def number_for(self, profile):
        return self.provider_number if profile == Profile.PROVIDER else self.member_number

    @property
    def has_valid_qualiopi(self):
        return bool(self.qualiopi_valid_until and self.qualiopi_valid_until >= timezone.localdate())


class Rights(models.Model):
    """Habilitations, shared by memberships and by the OPCO's records of known contacts."""

    can_view_training = models.BooleanField(_("consulter les actions de formation"), default=False)
    can_edit_training = models.BooleanField(_("saisir les actions de formation"), default=False)
    can_view_apprenticeship = models.BooleanField(
        _("consulter les contrats d'apprentissage"), default=False
    )
    can_edit_apprenticeship = models.BooleanField(
        _("saisir les contrats d'apprentissage"), default=False
    )
    can_view_professionalisation = models.BooleanField(
        _("consulter les contrats de professionnalisation et Pro-A"), default=False
    )
    can_edit_professionalisation = models.BooleanField(
        _("saisir les contrats de professionnalisation et Pro-A"), default=False
    )
    can_view_invoices = models.BooleanField(
        _("consulter les factures et règlements"), default=False
    )
    can_manage_bank_details = models.BooleanField(
        _("gérer les coordonnées bancaires"), default=False
    )
    is_admin = models.BooleanField(_("administrateur"), default=False)

    RIGHT_FIELDS = (
        "can_view_training",
        "can_edit_training",
        "can_view_apprenticeship",
        "can_edit_apprenticeship",
        "can_view_professionalisation",
        "can_edit_professionalisation",
        "can_view_invoices",
        "can_manage_bank_details",
        "is_admin",
    )

    class Meta:
        abstract = True

    def rights(self):
        return {name: getattr(self, name) for name in self.RIGHT_FIELDS}

    def granted_right_labels(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.RIGHT_FIELDS
            if getattr(self, name)
        ]


class KnownContact(Rights):
    """A contact the OPCO knows for an establishment (from its own data / the old portal).

    A person who creates an account with this e-mail address is attached to the establishment
    with these rights once their address is verified (seed 000, "Si vous aviez un compte").
    """

    email = models.EmailField(_("adresse e-mail"))
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="known_contacts"
    )
    profile = models.CharField(
        _("profil"), max_length=10, choices=Profile.choices, default=Profile.MEMBER
    )
    civility = models.CharField(_("civilité"), max_length=3, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("contact connu")
        verbose_name_plural = _("contacts connus")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "establishment", "profile"],
                name="organizations_knowncontact_unique",
            ),
        ]
        indexes = [models.Index(fields=["email"], name="organizations_kc_email_idx")]

    def __str__(self):
        return f"{self.email} → {self.establishment.siret}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)

    def for_user(self, user):
        return self.filter(user=user)

    def awaiting_staff(self):
        """Pending requests of companies without an administrator for that profile: OPCO staff decide."""
        has_admin = Membership.objects.filter(
            company_id=models.OuterRef("company_id"),
            profile=models.OuterRef("profile"),
            status=MembershipStatus.ACTIVE,
            is_admin=True,
        )
        return self.pending().filter(~models.Exists(has_admin))


class Membership(Rights):
    """A user's attachment (rattachement) to a company under a profile.

    Scope: the whole company when ``establishments`` is empty, otherwise those establishments.
    A request made at registration or from "Mes rattachements" is pending until the company's
    administrator (or OPCO staff when there is none) decides.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    establishments = models.ManyToManyField(Establishment, blank=True, related_name="memberships")
    # The establishment named in the request (SIRET entered, or the one whose number matched).
    requested_establishment = models.ForeignKey(
        Establishment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    declared_idcc = models.CharField(_("IDCC déclaré"), max_length=4, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    source = models.CharField(_("origine"), max_length=20, choices=MembershipSource.choices)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refusal_reason = models.TextField(_("motif du refus"), blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "profile"],
                condition=Q(status__in=["pending", "active"]),
                name="organizations_membership_one_open_per_profile",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="org_ms_co_status_idx"),
            models.Index(fields=["user", "status"], name="org_ms_user_status_idx"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.company.siren} ({self.profile}, {self.status})"

    @property
    def is_pending(self):
        return self.status == MembershipStatus.PENDING


class RegistrationRequest(models.Model):
    """The attachment a new user asked for at registration (seed 001, steps 3 and 4).

    It becomes a pending Membership once the user has verified their address and chosen a
    password: a number printed on invoices is not proof of authority, so the company's
    administrator decides.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_request"
    )
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    declared_idcc = models.CharField(_("IDCC déclaré"), max_length=4, blank=True)
    number_matched = models.BooleanField(_("numéro vérifié"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("demande d'inscription")
        verbose_name_plural = _("demandes d'inscription")

    def __str__(self):
        return f"{self.user_id} → {self.company.siren}"


class MembershipEventKind(models.TextChoices):
    REQUESTED = "requested", _("Demande de rattachement")
    ACCEPTED = "accepted", _("Demande acceptée")
    REFUSED = "refused", _("Demande refusée")
    RIGHTS_CHANGED = "rights_changed", _("Droits modifiés")
    REVOKED = "revoked", _("Rattachement retiré")
    ACTIVATED_BY_CODE = "activated_by_code", _("Administrateur par code d'activation")
    DESIGNATED_BY_STAFF = "designated_by_staff", _("Administrateur désigné par l'OPCO")
    LEFT = "left", _("Rattachement retiré par l'utilisateur")


class MembershipEvent(models.Model):
    """Append-only record of every decision on an attachment: who, when, before → after."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=MembershipEventKind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("événement de rattachement")
        verbose_name_plural = _("événements de rattachement")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["membership", "-created_at"], name="org_msevent_ms_idx")]

    def __str__(self):
        return f"{self.kind} {self.membership_id}"


class ActivationCodeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class ActivationCode(models.Model):
    """Code that makes its holder administrator of a company under a profile (seed 002).

    One open code per (SIREN, profile); sent by post only, inside a letter addressed to the
    head office; valid 3 months; single use. Only a keyed hash is stored: the code itself exists
    only in the letter.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="activation_codes")
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("code d'activation")
        verbose_name_plural = _("codes d'activation")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "profile"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="organizations_one_open_activation_code",
            )
        ]

    def __str__(self):
        return f"{self.company.siren} {self.profile} {self.created_at:%Y-%m-%d}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at


class DelegateKind(models.TextChoices):
    TRAINING_ORGANISATION = "training_organisation", _("Organisme de formation")
    CFA = "cfa", _("CFA")
    ACCOUNTING_FIRM = "accounting_firm", _("Cabinet comptable")


class DelegationStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refusée")
    REVOKED = "revoked", _("Retirée")


class DelegationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[DelegationStatus.PENDING, DelegationStatus.ACTIVE])


class Delegation(models.Model):
    """A training organisation, CFA or accounting firm attached to a company (seeds 002, 004).

    Asked for by the organisation's administrator; the company's administrator accepts it with a
    scope (establishments, dispositifs, view or enter, and for apprenticeship the « mandat de
    gestion » that lets a CFA file contracts fully on the company's behalf), or refuses it, and
    can remove it at any time. Both sides see it and its scope; every step is recorded.
    """

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="delegations_granted"
    )
    delegate = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="delegations_held")
    kind = models.CharField(_("type"), max_length=30, choices=DelegateKind.choices)
    establishments = models.ManyToManyField(Establishment, blank=True, related_name="delegations")
    can_view_training = models.BooleanField(_("consulter les actions de formation"), default=False)
    can_edit_training = models.BooleanField(_("saisir les actions de formation"), default=False)
    can_view_apprenticeship = models.BooleanField(
        _("consulter les contrats d'apprentissage"), default=False
    )
    can_edit_apprenticeship = models.BooleanField(
        _("pré-saisir les contrats d'apprentissage"), default=False
    )
    apprenticeship_mandate = models.BooleanField(
        _(
            "mandat de gestion : saisie complète des contrats d'apprentissage pour le compte de l'entreprise"
        ),
        default=False,
    )
    can_view_professionalisation = models.BooleanField(
        _("consulter les contrats de professionnalisation et Pro-A"), default=False
    )
    can_edit_professionalisation = models.BooleanField(
        _("saisir les contrats de professionnalisation et Pro-A"), default=False
    )
    can_view_invoices = models.BooleanField(
        _("consulter les factures et règlements"), default=False
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=DelegationStatus.choices,
        default=DelegationStatus.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), blank=True)

    SCOPE_FIELDS = (
        "can_view_training",
        "can_edit_training",
        "can_view_apprenticeship",
        "can_edit_apprenticeship",
        "apprenticeship_mandate",
        "can_view_professionalisation",
        "can_edit_professionalisation",
        "can_view_invoices",
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("rattachement d'organisme")
        verbose_name_plural = _("rattachements d'organismes")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "delegate"],
                condition=Q(status__in=["pending", "active"]),
                name="organizations_one_open_delegation",
            ),
            models.CheckConstraint(
                condition=~Q(company=models.F("delegate")), name="organizations_delegation_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "status"], name="org_deleg_company_idx"),
            models.Index(fields=["delegate", "status"], name="org_deleg_delegate_idx"),
        ]

    def __str__(self):
        return f"{self.delegate_id} → {self.company_id} ({self.status})"

    def scope(self):
        return {name: getattr(self, name) for name in self.SCOPE_FIELDS}

    def granted_scope_labels(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.SCOPE_FIELDS
            if getattr(self, name)
        ]

    @property
    def is_pending(self):
        return self.status == DelegationStatus.PENDING


class DelegationEvent(models.Model):
    """Append-only record of each step of a delegation: who, when, before → after."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=MembershipEventKind.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} {self.delegation_id}"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, today=None):
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)


class ApiKey(models.Model):
    """A key an organisation's administrator gives its software (YPAREO, SC-Form…, seed 004)
    to call the API for the organisation under a profile, with scopes and an end of validity
    (at most one year). Only a hash of the secret is kept: it is shown once, at creation."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="api_keys")
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    name = models.CharField(_("nom de la clé"), max_length=100)
    publisher = models.CharField(_("éditeur du logiciel"), max_length=100)
    software = models.CharField(_("logiciel"), max_length=100)
    can_read_contracts = models.BooleanField(_("lire les contrats et les dossiers"), default=False)
    can_deposit_contracts = models.BooleanField(
        _("déposer des contrats et des documents"), default=False
    )
    can_read_invoices = models.BooleanField(_("lire les factures et règlements"), default=False)
    can_deposit_invoices = models.BooleanField(_("déposer des factures"), default=False)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    expires_on = models.DateField(_("valable jusqu'au"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("utilisations"), default=0)
    failure_count = models.PositiveIntegerField(_("refus"), default=0)
    # The expiry notices sent (30 and 7 days before), so that a job run twice sends once.
    notified_days = models.JSONField(default=list, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    SCOPES = (
        "can_read_contracts",
        "can_deposit_contracts",
        "can_read_invoices",
        "can_deposit_invoices",
    )

    class Meta:
        verbose_name = _("clé API")
        verbose_name_plural = _("clés API")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "profile"], name="api_key_company_idx")]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_on >= timezone.localdate()

    def scope_labels(self):
        return [
            self._meta.get_field(name).verbose_name for name in self.SCOPES if getattr(self, name)
        ]
