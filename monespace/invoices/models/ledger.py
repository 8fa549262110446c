"""The financial history of each dossier, append-only: every commitment, revised commitment,
invoice accepted, payment and cancellation is a new row; nothing is ever updated or deleted
(a correction is a new row). The database refuses UPDATE and DELETE (migration 0003), and the
figures a dossier shows (engaged, invoiced, paid, remaining) are sums of these rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.dossiers.models import Dossier


class LedgerKind(models.TextChoices):
    COMMITMENT = "commitment", _("Engagement")
    REVISION = "revision", _("Engagement révisé")
    INVOICED = "invoiced", _("Facture acceptée")
    PAYMENT = "payment", _("Paiement")
    CANCELLATION = "cancellation", _("Annulation")


# Which column of a dossier's balance each kind moves.
ENGAGED_KINDS = (LedgerKind.COMMITMENT, LedgerKind.REVISION)
INVOICED_KINDS = (LedgerKind.INVOICED, LedgerKind.CANCELLATION)
PAID_KINDS = (LedgerKind.PAYMENT,)


class LedgerEntry(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="ledger")
    line = models.CharField(_("ligne"), max_length=40)
    kind = models.CharField(_("mouvement"), max_length=20, choices=LedgerKind.choices)
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    label = models.CharField(_("libellé"), max_length=200)
    invoice = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        "invoices.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("écriture")
        verbose_name_plural = _("écritures")
        ordering = ["dossier", "created_at", "id"]
        indexes = [
            models.Index(fields=["dossier", "line", "kind"], include=["amount"], name="ledger_idx")
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.line} {self.kind} {self.amount}"
