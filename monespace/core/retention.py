"""How long personal data is kept (GDPR, issue 16): the schedule as data, applied daily by
``manage.py apply_retention`` (a periodic job), with ``--dry-run`` to see what it would do.

Each rule names what it covers, how long it is kept and what happens after: deleted, or
anonymised where a record must stay (an accounting or instruction trace keeps its row, not the
person). Accounting records — invoices, payments, the ledger, decisions and their letters —
are never touched here: their legal period (10 years) is the OPCO's archive's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone


@dataclass(frozen=True)
class Rule:
    name: str
    what: str  # in French, for the report and docs/operations.md
    days: Callable[[], int]
    rows: Callable[[object], QuerySet]  # the rows past the period, given the cut-off
    action: str  # "delete" or "anonymise"
    apply: Callable[[QuerySet], int] | None = None  # for "anonymise"; a bulk "delete"


def _never_activated(cutoff) -> QuerySet:
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    from monespace.accounts.models import User

    # Never signed in and never chose a password: the welcome link was never used.
    return User.objects.filter(
        last_login__isnull=True,
        date_joined__lt=cutoff,
        is_staff=False,
        is_superuser=False,
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    )


def _refused_memberships(cutoff) -> QuerySet:
    from monespace.organizations.enums import MembershipStatus
    from monespace.organizations.models import Membership

    return Membership.objects.filter(
        status__in=[MembershipStatus.REFUSED, MembershipStatus.REVOKED], decided_at__lt=cutoff
    )


def _contact_requests(cutoff) -> QuerySet:
    from monespace.support.models import ContactRequest

    return ContactRequest.objects.filter(created_at__lt=cutoff)


def _support_sessions(cutoff) -> QuerySet:
    from monespace.support.models import SupportSession

    return SupportSession.objects.filter(created_at__lt=cutoff)


def _sent_emails(cutoff) -> QuerySet:
    from .models import OutgoingEmail

    return OutgoingEmail.objects.filter(created_at__lt=cutoff).exclude(state="queued")


def _submission_receipts(cutoff) -> QuerySet:
    from .models import SubmissionReceipt

    return SubmissionReceipt.objects.filter(created_at__lt=cutoff)


def _receipt_days() -> int:
    from .submissions import RECEIPT_DAYS

    return RECEIPT_DAYS


def _delete_at_once(rows: QuerySet) -> int:
    """Rows nothing references, many a day: one DELETE."""
    return rows.delete()[0]


def _anonymise_contact_requests(rows: QuerySet) -> int:
    return rows.exclude(last_name="").update(
        first_name="", last_name="", phone="", email="", message=""
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "never_activated_accounts",
        "Comptes jamais activés (lien de bienvenue jamais utilisé)",
        lambda: settings.RETENTION_NEVER_ACTIVATED_DAYS,
        _never_activated,
        "delete",
    ),
    Rule(
        "refused_memberships",
        "Demandes de rattachement refusées et rattachements retirés",
        lambda: settings.RETENTION_REFUSED_MEMBERSHIP_DAYS,
        _refused_memberships,
        "delete",
    ),
    Rule(
        "contact_requests",
        "Demandes de rappel (nom, téléphone, message)",
        lambda: settings.RETENTION_CONTACT_REQUEST_DAYS,
        _contact_requests,
        "anonymise",
        _anonymise_contact_requests,
    ),
    Rule(
        "support_sessions",
        "Connexions « en tant que » du support (consentement et durée)",
        lambda: settings.RETENTION_SUPPORT_SESSION_DAYS,
        _support_sessions,
        "delete",
    ),
    Rule(
        "outgoing_emails",
        "E-mails envoyés ou en échec (destinataire, objet)",
        lambda: settings.RETENTION_EMAIL_DAYS,
        _sent_emails,
        "delete",
    ),
    Rule(
        "submission_receipts",
        "Jetons des formulaires envoyés (contre les doubles envois)",
        _receipt_days,
        _submission_receipts,
        "delete",
        _delete_at_once,
    ),
)


def apply(*, dry_run: bool = False, now=None) -> list[tuple[Rule, int]]:
    """Apply every rule (or count what it would touch): [(rule, rows)]."""
    now = now or timezone.now()
    report = []
    for rule in RULES:
        rows = rule.rows(now - timedelta(days=rule.days()))
        if dry_run:
            count = rows.count()
        else:
            with transaction.atomic():
                count = rule.apply(rows) if rule.apply is not None else _delete(rows)
        report.append((rule, count))
    return report


def _delete(rows: QuerySet) -> int:
    """Delete the rows one by one (a row another record protects — an account named on a
    dossier — stays), counting the rule's own rows only."""
    from django.db.models import ProtectedError, RestrictedError

    model = rows.model
    done = 0
    for pk in list(rows.values_list("pk", flat=True)[:10_000]):
        try:
            with transaction.atomic():
                _total, per_model = model._default_manager.filter(pk=pk).delete()
        except (ProtectedError, RestrictedError):
            continue
        done += per_model.get(model._meta.label, 0)
    return done
