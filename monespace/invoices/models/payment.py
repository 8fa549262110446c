"""Payment runs (« campagnes de paiement »): a staff member with the payment role gathers
invoices « à payer » whose payee has a validated RIB, a second person approves (four eyes), and
the run produces the SEPA credit-transfer file and one « avis de virement » per payee."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Establishment

from .bank import BankAccount


class PaymentRunState(models.TextChoices):
    PREPARED = "prepared", _("À approuver")
    APPROVED = "approved", _("Approuvée")
    CANCELLED = "cancelled", _("Annulée")


class PaymentRun(models.Model):
    reference = models.CharField(_("référence"), max_length=35, unique=True)
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=PaymentRunState.choices,
        default=PaymentRunState.PREPARED,
    )
    execution_date = models.DateField(_("date d'exécution"))
    total = models.DecimalField(_("montant total"), max_digits=14, decimal_places=2)
    count = models.PositiveIntegerField(_("virements"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("préparée le"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approuvée le"), null=True, blank=True)
    # The pain.001 file, written at the approval and never again.
    sepa_xml = models.TextField(blank=True)

    class Meta:
        verbose_name = _("campagne de paiement")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Four eyes: whoever prepared a run never approves it.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("created_by")),
                name="payment_run_four_eyes",
            ),
        ]

    def __str__(self):
        return self.reference


class Payment(models.Model):
    """One credit transfer of a run: to one payee's RIB, for one or more invoices."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="payments")
    payee_company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="payments")
    payee_establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="+"
    )
    payee_profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    # End-to-end identifier of the transfer and the remittance text the payee's bank shows.
    end_to_end = models.CharField(max_length=35)
    remittance = models.CharField(_("libellé"), max_length=140)
    # The RIB was validated less than PAYMENT_RIB_CHANGE_DAYS before the run: shown to the
    # approver (fraud guard).
    rib_recently_changed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("virement")
        ordering = ["run", "payee_company__name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["end_to_end"], name="payment_end_to_end_once"),
        ]
        indexes = [
            models.Index(
                fields=["payee_company", "payee_profile", "-id"], name="payment_payee_idx"
            ),
            models.Index(fields=["payee_establishment", "-id"], name="payment_payee_estab_idx"),
        ]

    def __str__(self):
        return f"{self.end_to_end} {self.amount}"
