"""Invoices (« Mes factures » → « Déposer une facture », seeds 003 and 004): what a company, a
training organisation or a CFA asks the OPCO to pay on a dossier it may invoice, line by line
against what the OPCO committed, with the invoice itself and its supporting pieces.

The payee is decided by the dossier (subrogation): a training organisation paid directly
invoices the pedagogic costs, the company invoices the rest; a CFA invoices its contract's
échéances. Every invoice is issued, and paid, to one party: its company, profile and (for the
RIB) establishment."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.dossiers.enums import DossierKind, ScanStatus
from monespace.dossiers.models import Dossier
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Establishment


def invoice_file_key(instance, filename):
    return f"factures/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class InvoiceState(models.TextChoices):
    DEPOSITED = "deposited", _("Déposée")
    UNDER_CONTROL = "under_control", _("En contrôle")
    TO_PAY = "to_pay", _("À payer")
    REJECTED = "rejected", _("Rejetée")
    PAID = "paid", _("Payée")


# The states in which an invoice still counts against what remains to invoice.
COUNTING_STATES = (
    InvoiceState.DEPOSITED,
    InvoiceState.UNDER_CONTROL,
    InvoiceState.TO_PAY,
    InvoiceState.PAID,
)
# The states an OPCO advisor acts on.
OPEN_STATES = (InvoiceState.DEPOSITED, InvoiceState.UNDER_CONTROL)


class Invoice(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="invoices")
    # Copied from the dossier for the lists and the permission filter (never changes).
    kind = models.CharField(_("dispositif"), max_length=30, choices=DossierKind.choices)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="+")
    # Who issued it and is paid: the company (profile « adhérent ») or the training
    # organisation / CFA (profile « organisme »), and the establishment whose RIB applies.
    payee_company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="issued_invoices"
    )
    payee_establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+"
    )
    payee_profile = models.CharField(_("émetteur"), max_length=10, choices=Profile.choices)
    number = models.CharField(_("numéro de facture"), max_length=40)
    issued_on = models.DateField(_("date de la facture"))
    state = models.CharField(
        _("état"), max_length=20, choices=InvoiceState.choices, default=InvoiceState.DEPOSITED
    )
    total_ht = models.DecimalField(_("total HT"), max_digits=12, decimal_places=2)
    total_tva = models.DecimalField(_("total TVA"), max_digits=12, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=12, decimal_places=2)
    accepted_total = models.DecimalField(
        _("montant accepté"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deposited_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="controlled_invoices",
    )
    decided_at = models.DateTimeField(_("contrôlée le"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    payment = models.ForeignKey(
        "invoices.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    paid_on = models.DateField(_("payée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-deposited_at", "-id"]
        constraints = [
            # An issuer never deposits the same invoice number twice (a rejected one may be
            # deposited again, corrected).
            models.UniqueConstraint(
                "payee_company",
                "payee_profile",
                models.functions.Upper("number"),
                condition=~Q(state="rejected"),
                name="invoice_number_once",
            ),
            models.CheckConstraint(
                condition=Q(total_ht__gte=0) & Q(total_tva__gte=0),
                name="invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(payment__isnull=True) | Q(state__in=["to_pay", "paid"]),
                name="invoice_paid_only_when_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "-deposited_at", "-id"], name="invoice_company_idx"),
            models.Index(
                fields=["establishment", "-deposited_at", "-id"], name="invoice_estab_idx"
            ),
            models.Index(
                fields=["payee_company", "payee_profile", "-deposited_at", "-id"],
                name="invoice_payee_idx",
            ),
            models.Index(
                fields=["payee_establishment", "-deposited_at", "-id"],
                name="invoice_payee_estab_idx",
            ),
            models.Index(fields=["dossier", "-deposited_at"], name="invoice_dossier_idx"),
            # The back office's queues: to control, oldest first; to pay, not in a run yet.
            models.Index(
                fields=["deposited_at", "id"],
                condition=Q(state__in=["deposited", "under_control"]),
                name="invoice_control_queue_idx",
            ),
            models.Index(
                fields=["decided_at", "id"],
                condition=Q(state="to_pay", payment__isnull=True),
                name="invoice_to_pay_idx",
            ),
            models.Index(fields=["state", "-deposited_at"], name="invoice_state_idx"),
        ]

    def __str__(self):
        return f"{self.number} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def state_for_payee(self) -> str:
        """« À payer » reads « Acceptée » for the payee until it is paid."""
        if self.state == InvoiceState.TO_PAY:
            return str(_("Acceptée, en attente de paiement"))
        return self.get_state_display()


class InvoiceLine(models.Model):
    """One cost line (a training action's) or échéance (a contract's) of an invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(_("ligne"), max_length=40)
    label = models.CharField(_("objet"), max_length=200)
    amount_ht = models.DecimalField(
        _("montant HT"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount_tva = models.DecimalField(_("TVA"), max_digits=12, decimal_places=2)
    amount_ttc = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    accepted = models.DecimalField(
        _("montant accepté"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("motif de l'écart"), max_length=500, blank=True)
    # Salaries: [{"trainee", "hourly", "hours", "amount"}] as typed (seed 003's rule).
    details = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("ligne de facture")
        ordering = ["invoice", "id"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "code"], name="invoice_line_once"),
            models.CheckConstraint(
                condition=Q(amount_ht__gte=0) & Q(vat_rate__gte=0) & Q(vat_rate__lte=100),
                name="invoice_line_amounts_valid",
            ),
            models.CheckConstraint(
                condition=Q(accepted__isnull=True)
                | (Q(accepted__gte=0) & Q(accepted__lte=models.F("amount_ht"))),
                name="invoice_line_accepted_within_asked",
            ),
        ]
        indexes = [models.Index(fields=["code"], name="invoice_line_code_idx")]

    def __str__(self):
        return f"{self.code}: {self.amount_ht}"


class InvoicePieceType(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    ATTENDANCE = "attendance", _("Feuilles d'émargement")
    COMPLETION = "completion", _("Certificat de réalisation")
    RECEIPTED = "receipted", _("Facture acquittée de l'organisme")
    OTHER = "other", _("Autre justificatif")


class InvoicePiece(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="pieces")
    piece_type = models.CharField(_("type"), max_length=20, choices=InvoicePieceType.choices)
    file = models.FileField(upload_to=invoice_file_key, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.CLEAN
    )

    class Meta:
        verbose_name = _("pièce de facture")
        ordering = ["invoice", "id"]

    def __str__(self):
        return f"{self.piece_type} {self.original_name}"

    @property
    def is_usable(self) -> bool:
        if self.scan_status == ScanStatus.CLEAN:
            return True
        return self.scan_status == ScanStatus.UNSCANNED and not settings.CLAMAV_REQUIRED


class CreditNote(models.Model):
    """An « avoir » the issuer deposits against one line of an accepted (or paid) invoice — a
    training day that did not take place, an amount invoiced twice. It lowers what was invoiced
    at once (a ledger row) and is deducted from the next transfer to the same payee."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    line = models.CharField(_("ligne"), max_length=40)
    number = models.CharField(_("numéro de l'avoir"), max_length=40)
    issued_on = models.DateField(_("date de l'avoir"))
    amount = models.DecimalField(_("montant HT"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("motif"), max_length=500)
    # Copied from the invoice: whose next transfer deducts it.
    payee_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+")
    payee_establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+"
    )
    payee_profile = models.CharField(max_length=10, choices=Profile.choices)
    file = models.FileField(upload_to=invoice_file_key, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.CLEAN
    )
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deposited_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    payment = models.ForeignKey(
        "invoices.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        help_text=_("Le virement dont il a été déduit."),
    )

    class Meta:
        verbose_name = _("avoir")
        ordering = ["invoice", "deposited_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "payee_company",
                "payee_profile",
                models.functions.Upper("number"),
                name="credit_note_number_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
        ]
        indexes = [
            models.Index(
                fields=["payee_company", "payee_profile", "payee_establishment"],
                condition=Q(payment__isnull=True),
                name="credit_note_to_deduct_idx",
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.amount})"

    @property
    def is_usable(self) -> bool:
        if self.scan_status == ScanStatus.CLEAN:
            return True
        return self.scan_status == ScanStatus.UNSCANNED and not settings.CLAMAV_REQUIRED
