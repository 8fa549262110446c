from .bank import BankAccount, BankAccountState, bank_document_key
from .contribution import Contribution, ContributionNature
from .invoice import (
    COUNTING_STATES,
    OPEN_STATES,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoicePiece,
    InvoicePieceType,
    InvoiceState,
    invoice_file_key,
)
from .ledger import ENGAGED_KINDS, INVOICED_KINDS, PAID_KINDS, LedgerEntry, LedgerKind
from .payment import Payment, PaymentRun, PaymentRunState

__all__ = [
    "COUNTING_STATES",
    "ENGAGED_KINDS",
    "INVOICED_KINDS",
    "OPEN_STATES",
    "PAID_KINDS",
    "BankAccount",
    "BankAccountState",
    "Contribution",
    "ContributionNature",
    "CreditNote",
    "Invoice",
    "InvoiceLine",
    "InvoicePiece",
    "InvoicePieceType",
    "InvoiceState",
    "LedgerEntry",
    "LedgerKind",
    "Payment",
    "PaymentRun",
    "PaymentRunState",
    "bank_document_key",
    "invoice_file_key",
]
