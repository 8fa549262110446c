import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.organizations.models import Company, Establishment

from ..enums import (
    EDITABLE_STATES,
    ContractType,
    DossierKind,
    DossierState,
    EmployeeCategory,
    EventKind,
    PieceType,
    ScanStatus,
)

MONEY = {
    "max_digits": 12,
    "decimal_places": 2,
    "default": Decimal("0.00"),
    "validators": [MinValueValidator(0)],
}


class Dossier(models.Model):
    """A funding request. It belongs to a company and one of its establishments, never to the
    person who typed it. Users edit drafts only; once transmitted only OPCO staff change it.

    Lists, exports and permissions work on this table alone.
    """

    # True while the first step of a new request is shown, before the draft is kept
    # (www.dossiers.steps.dossier_start): its pages must not link to the draft yet.
    unsaved = False

    number = models.CharField(_("numéro"), max_length=20, unique=True, null=True, blank=True)
    kind = models.CharField(
        _("dispositif"),
        max_length=30,
        choices=DossierKind.choices,
        default=DossierKind.TRAINING_ACTION,
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="dossiers")
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="dossiers"
    )
    state = models.CharField(
        _("état"), max_length=20, choices=DossierState.choices, default=DossierState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    # The day the complete file was received, for the dispositifs whose decision has a legal
    # deadline from it (the contracts' 20 days): kept by their kinds' ``after_transition`` with
    # their detail's own ``complete_on``, here so that the queue sorts by deadline on an index.
    complete_on = models.DateField(_("dossier complet le"), null=True, blank=True)
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    granted_total = models.DecimalField(
        _("montant accordé (HT)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    # Shown in every list, whatever the dispositif: the kind's module fills them.
    title = models.CharField(_("intitulé"), max_length=255, blank=True)
    start_date = models.DateField(_("du"), null=True, blank=True)
    end_date = models.DateField(_("au"), null=True, blank=True)
    # The training organisation or CFA: its establishment when the directory knows it (it then
    # sees the dossier once transmitted), its name and SIRET as entered.
    provider_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="provided_dossiers",
    )
    provider_name = models.CharField(_("nom de l'organisme"), max_length=255, blank=True)
    provider_siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    certified = models.BooleanField(_("déclaration sur l'honneur"), default=False)
    # Set on the dossiers taken over from the old portal (import_old_portal_dossiers): their
    # number is the old portal's, kept so that users find them and a second import skips them.
    taken_over_at = models.DateTimeField(_("repris de l'ancien portail le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Counts by state (index-only): the dispositif is included, since a user may see
            # one dispositif of a company and not another (dossiers/perms.py, D47).
            models.Index(
                fields=["company", "state", "-created_at"],
                include=["kind"],
                name="dossier_company_kind_idx",
            ),
            # « Mes dossiers »: the newest first, for a company, an establishment or a provider
            # (the page's ids come from these without a sort; docs/performance.md).
            models.Index(
                fields=["company", "-created_at", "-id"], name="dossier_company_recent_idx"
            ),
            models.Index(
                fields=["establishment", "-created_at", "-id"], name="dossier_estab_recent_idx"
            ),
            models.Index(
                fields=["establishment", "state"], include=["kind"], name="dossier_estab_kind_idx"
            ),
            models.Index(
                fields=["provider_establishment", "state"],
                include=["kind"],
                name="dossier_provider_kind_idx",
            ),
            models.Index(
                fields=["provider_establishment", "-created_at", "-id"],
                name="dossier_provider_recent_idx",
            ),
            # The back office's queue: the dossiers to instruct, oldest transmission first, and
            # their counts by state, from one small index.
            models.Index(
                fields=["submitted_at", "id"],
                include=["state", "assigned_to", "kind", "company"],
                condition=models.Q(state__in=["submitted", "under_review", "documents_requested"]),
                name="dossier_queue_filters_idx",
            ),
            # The queue by deadline: the contracts whose 20 days end first, then the rest.
            models.Index(
                fields=["complete_on", "submitted_at", "id"],
                condition=models.Q(state__in=["submitted", "under_review", "documents_requested"]),
                name="dossier_queue_deadline_idx",
            ),
            models.Index(fields=["state", "submitted_at", "id"], name="dossier_state_idx"),
            models.Index(fields=["start_date"], name="dossier_start_idx"),
            models.Index(fields=["provider_siret"], name="dossier_provider_siret_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="dossier_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=EDITABLE_STATES) | models.Q(number__isnull=False),
                name="dossier_number_once_sent",
            ),
        ]

    # The history row written by the last lifecycle.transition() on this instance.
    transition_event: "DossierEvent | None" = None

    def __str__(self):
        return self.number or f"brouillon {self.pk}"

    @property
    def is_draft(self):
        return self.state == DossierState.DRAFT

    @property
    def is_editable(self):
        """Users change a dossier before transmission only: a draft, or a contract pre-entered
        by a CFA awaiting the employer's validation."""
        return self.state in EDITABLE_STATES

    @property
    def spec(self):
        """The dispositif's module (dossiers.kinds): steps, rules, rights, transitions."""
        from monespace.dossiers.kinds import get_kind

        return get_kind(self.kind)

    @property
    def detail(self):
        """The dispositif's own data (one row, one-to-one with the dossier)."""
        return getattr(self, self.spec.detail_name)

    @property
    def total_requested(self):
        return self.spec.total_requested(self)

    def cost_lines(self):
        return [(label, amount) for _code, label, amount in self.spec.requested_lines(self)]


class Employee(models.Model):
    """The company's employee register ("Salariés"), reused across dossiers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="employees")
    last_name = models.CharField(_("nom"), max_length=150)
    first_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"))
    job = models.CharField(_("emploi occupé"), max_length=150, blank=True)
    category = models.CharField(
        _("catégorie"), max_length=20, choices=EmployeeCategory.choices, blank=True
    )
    contract = models.CharField(
        _("contrat"), max_length=20, choices=ContractType.choices, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("salarié")
        verbose_name_plural = _("salariés")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["company", "last_name"], name="employee_company_name_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "last_name", "first_name", "birth_date"],
                name="employee_unique_per_company",
            )
        ]

    def __str__(self):
        return f"{self.last_name} {self.first_name}"


class RequiredDocument(models.Model):
    """Pieces required to transmit a dossier of a kind — data, not code (seed 003). A piece
    may be required only in a case the dispositif names (``condition``, e.g. the convention
    d'aménagement de durée of an apprenticeship contract with a dérogation on its duration)."""

    kind = models.CharField(max_length=30, choices=DossierKind.choices)
    piece_type = models.CharField(max_length=20, choices=PieceType.choices)
    order = models.PositiveSmallIntegerField(default=0)
    condition = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "piece_type"], name="required_document_unique")
        ]

    def __str__(self):
        return f"{self.kind}: {self.piece_type}"


def document_key(instance, filename):
    """Files are stored under an opaque key: never the user's file name, never guessable."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a dossier; downloaded only through a permission-checked view."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    piece_type = models.CharField(_("type de pièce"), max_length=20, choices=PieceType.choices)
    title = models.CharField(_("titre du document"), max_length=200)
    comment = models.TextField(_("commentaire"), blank=True)
    file = models.FileField(upload_to=document_key, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    scan_status = models.CharField(
        _("analyse antivirus"),
        max_length=12,
        choices=ScanStatus.choices,
        default=ScanStatus.PENDING,
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    scan_signature = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "-uploaded_at"], name="document_dossier_idx"),
            models.Index(
                fields=["uploaded_at"],
                condition=models.Q(scan_status="pending"),
                name="document_scan_pending_idx",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_usable(self) -> bool:
        """Downloaded and counted for a transmission only once the antivirus found it clean;
        without a scanner required (a developer's machine), an unscanned file is usable."""
        if self.scan_status == ScanStatus.CLEAN:
            return True
        return self.scan_status == ScanStatus.UNSCANNED and not settings.CLAMAV_REQUIRED


class DossierEvent(models.Model):
    """Append-only history of a dossier: who, what, when, from-state, to-state."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-created_at"], name="dossier_event_idx")]

    def __str__(self):
        return f"{self.kind} {self.dossier_id}"


class DossierSequence(models.Model):
    """Last number given per (year, kind code): numbers are unique and never reused."""

    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=5)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "code"], name="dossier_sequence_unique")
        ]

    def __str__(self):
        return f"{self.year}-{self.code}-{self.last}"


class SmicRate(models.Model):
    """SMIC by effective date (dated referential data): hourly, and monthly for 35 hours a
    week (the reference of apprentices' pay)."""

    effective_from = models.DateField(unique=True)
    hourly = models.DecimalField(max_digits=6, decimal_places=2)
    monthly = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from}: {self.hourly}"


class DecisionKind(models.TextChoices):
    DOCUMENTS_REQUEST = "documents_request", _("Demande de pièces")
    APPROVAL = "approval", _("Accord de prise en charge")
    REFUSAL = "refusal", _("Refus")
    CLOSURE = "closure", _("Clôture")
    CHANGE = "change", _("Modification par l'OPCO")


class FundingRule(models.Model):
    """Funding rules of a branch from a date (ceilings come with later issues); each decision
    records the rule in force, so an old decision can always be explained."""

    branch = models.CharField(
        _("branche"), max_length=100, blank=True, help_text=_("Vide : toutes les branches.")
    )
    effective_from = models.DateField(_("en vigueur à partir du"))
    label = models.CharField(_("libellé"), max_length=200)
    conditions = models.TextField(_("conditions reprises dans le courrier d'accord"), blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "effective_from"], name="funding_rule_unique")
        ]

    def __str__(self):
        return f"{self.branch or '*'} {self.effective_from}"


class Decision(models.Model):
    """A staff decision on a dossier and its letter. Amounts are never overwritten: a new
    decision is a new row."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=30, choices=DecisionKind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    granted_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    missing_pieces = models.JSONField(_("pièces demandées"), default=list, blank=True)
    due_date = models.DateField(_("à fournir avant le"), null=True, blank=True)
    rule = models.ForeignKey(
        FundingRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    letter = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-created_at"], name="decision_dossier_idx")]

    def __str__(self):
        return f"{self.kind} {self.dossier_id}"


class GrantedAmount(models.Model):
    """One cost line of an approval: the amount granted, never above the amount requested.
    Rows are written with their decision and never changed; a new decision makes new rows."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="amounts")
    line = models.CharField(_("ligne de coût"), max_length=40)
    amount = models.DecimalField(
        _("montant accordé (HT)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "line"], name="granted_amount_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="granted_amount_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.line}: {self.amount}"


class SavedView(models.Model):
    """An « accès rapide »: a named, filtered view of « Mes dossiers », shown on the home page
    with its live count."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("nom"), max_length=80)
    query = models.CharField(_("filtres"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accès rapide")
        verbose_name_plural = _("accès rapides")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["user", "position"], name="savedview_user_idx")]

    def __str__(self):
        return self.name
