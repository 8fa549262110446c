"""Bank details (« coordonnées bancaires », RIB) of a company or one of its establishments, for
a profile (an OF/CFA has its own). A RIB is never overwritten: a new one waits for an OPCO
advisor's validation (« fraud guard ») and only then replaces the one in force, which is kept
in the history."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.core.identifiers import format_iban, mask_iban
from monespace.dossiers.enums import ScanStatus
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Establishment


def bank_document_key(instance, filename):
    """An opaque key: the holder's name or the uploaded file's never appear in a path."""
    import uuid

    return f"rib/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class BankAccountState(models.TextChoices):
    PENDING = "pending", _("En attente de validation par l'OPCO")
    ACTIVE = "active", _("En vigueur")
    REJECTED = "rejected", _("Refusé")
    REPLACED = "replaced", _("Remplacé")
    # A RIB of the old portal (issue 15): history only, never used for a payment.
    TAKEN_OVER = "taken_over", _("Repris de l'ancien portail")


class BankAccount(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="bank_accounts")
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_accounts",
        help_text=_("Vide : tous les établissements de l'entreprise."),
    )
    profile = models.CharField(_("profil"), max_length=10, choices=Profile.choices)
    holder = models.CharField(_("titulaire du compte"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    bank_name = models.CharField(_("banque"), max_length=200, blank=True)
    file = models.FileField(upload_to=bank_document_key, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(
        max_length=20, choices=ScanStatus.choices, default=ScanStatus.CLEAN
    )
    state = models.CharField(
        _("état"),
        max_length=20,
        choices=BankAccountState.choices,
        default=BankAccountState.PENDING,
    )
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deposited_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)
    # Taken over from the old portal (import_old_portal_dossiers): its reference there (a
    # second import skips it) and the last day it was used; no document came with it.
    legacy_reference = models.CharField(
        _("référence dans l'ancien portail"), max_length=40, unique=True, null=True, blank=True
    )
    used_until = models.DateField(_("utilisé jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordonnées bancaires")
        verbose_name_plural = _("coordonnées bancaires")
        ordering = ["-deposited_at", "-id"]
        constraints = [
            # One RIB in force, and one waiting, per company (or establishment) and profile.
            models.UniqueConstraint(
                "company",
                Coalesce("establishment", Value(0)),
                "profile",
                condition=Q(state="active"),
                name="bank_account_one_active",
            ),
            models.UniqueConstraint(
                "company",
                Coalesce("establishment", Value(0)),
                "profile",
                condition=Q(state="pending"),
                name="bank_account_one_pending",
            ),
            # A RIB of the old portal, and only such a RIB, carries its reference there.
            models.CheckConstraint(
                condition=Q(state="taken_over", legacy_reference__isnull=False)
                | (~Q(state="taken_over") & Q(legacy_reference__isnull=True)),
                name="bank_account_taken_over_has_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deposited_at"], name="bank_account_queue_idx"),
            models.Index(
                fields=["company", "profile", "-deposited_at"], name="bank_account_co_idx"
            ),
        ]

    def __str__(self):
        return f"{self.company_id} {self.masked_iban} ({self.state})"

    @property
    def formatted_iban(self) -> str:
        return format_iban(self.iban)

    @property
    def masked_iban(self) -> str:
        return mask_iban(self.iban)

    @property
    def target_label(self) -> str:
        if self.establishment_id:
            return f"{self.establishment.display_name} (SIRET {self.establishment.siret})"
        return f"{self.company.name} (SIREN {self.company.siren})"

    @property
    def is_taken_over(self) -> bool:
        return self.state == BankAccountState.TAKEN_OVER

    @property
    def is_usable(self) -> bool:
        """As a dossier's document: clean, or unscanned where no scanner is required. A RIB
        taken over from the old portal has no document."""
        if not self.file:
            return False
        if self.scan_status == ScanStatus.CLEAN:
            return True
        return self.scan_status == ScanStatus.UNSCANNED and not settings.CLAMAV_REQUIRED
