"""Writes of bank details, each in a transaction, with who did it.

The fraud guard: a RIB deposited (new or changed) is never used until an OPCO advisor has
validated it against its document; every administrator of the company under that profile is
told at once by e-mail and in the portal, so that a RIB changed by an intruder does not go
unnoticed; the RIB it replaces is kept, never overwritten."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core import antivirus
from monespace.core.errors import DomainError
from monespace.core.models import ActivityEvent
from monespace.core.uploads import store_file
from monespace.dossiers.enums import ScanStatus
from monespace.notifications.services import notify
from monespace.organizations.enums import MembershipStatus
from monespace.organizations.models import Company, Membership

from .models import BankAccount, BankAccountState
from .perms import Target

if TYPE_CHECKING:
    from django.core.files import File

    from monespace.accounts.models import User


class BankAccountError(DomainError):
    pass


def _event(actor: User | None, account: BankAccount, action: str, message: str = "") -> None:
    ActivityEvent.objects.create(
        actor=actor,
        object_type="bank_account",
        object_id=account.pk,
        action=action,
        message=message,
    )


def _same_target(target: Target) -> QuerySet[BankAccount]:
    return BankAccount.objects.annotate(
        target_establishment=Coalesce("establishment", Value(0))
    ).filter(
        company_id=target.company_id,
        profile=target.profile,
        target_establishment=target.establishment_id or 0,
    )


def in_force(target: Target) -> BankAccount | None:
    """The RIB payments for ``target`` go to today: its own, or for an establishment without
    one, the company's (a new establishment RIB changes where its payments go)."""
    current = _same_target(target).filter(state=BankAccountState.ACTIVE).first()
    if current is None and target.establishment_id is not None:
        current = (
            _same_target(Target(target.company_id, target.profile))
            .filter(state=BankAccountState.ACTIVE)
            .first()
        )
    return current


def _depositor(account: BankAccount) -> list[User]:
    """The depositor, while they still manage the company's bank details (someone removed
    since is not told the OPCO's decision or its reason)."""
    user = account.deposited_by
    if user is None:
        return []
    still = Membership.objects.filter(
        user=user,
        company_id=account.company_id,
        profile=account.profile,
        status=MembershipStatus.ACTIVE,
    ).filter(Q(is_admin=True) | Q(can_manage_bank_details=True))
    return [user] if still.exists() else []


def _administrators(company_id: int, profile: str) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            company_id=company_id, profile=profile, status=MembershipStatus.ACTIVE, is_admin=True
        ).select_related("user")
    ]


def _tell(users: list[User], *, title: str, body: str, url: str) -> None:
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url))


@transaction.atomic
def bank_account_deposit(
    *,
    actor: User,
    target: Target,
    holder: str,
    iban: str,
    bic: str,
    bank_name: str,
    upload: File[bytes],
    content_type: str,
    verdict: antivirus.Verdict | None = None,
) -> BankAccount:
    """« Déposer un RIB »: a RIB waiting for the OPCO's validation (the caller checked the
    right, the IBAN, the BIC and the file)."""
    # One deposit at a time per company: the company row is the lock.
    Company.objects.select_for_update().get(pk=target.company_id)
    if _same_target(target).filter(state=BankAccountState.PENDING).exists():
        raise BankAccountError(
            _(
                "Un RIB est déjà en attente de validation par l'OPCO pour cet établissement : "
                "attendez sa décision avant d'en déposer un autre."
            )
        )
    current = in_force(target)
    if current is not None and current.iban == iban and current.bic == bic:
        raise BankAccountError(
            _("Ce RIB est déjà celui en vigueur : rien n'a changé."), field="iban"
        )
    if verdict is None:
        verdict = antivirus.scan(upload)
    if verdict.status not in (antivirus.CLEAN, antivirus.UNSCANNED):
        # No RIB waits on an antivirus that could not answer: the user tries again.
        raise BankAccountError(
            _(
                "L'analyse antivirus du document n'a pas pu être faite : réessayez dans quelques "
                "minutes."
            ),
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    account = BankAccount(
        company_id=target.company_id,
        establishment_id=target.establishment_id,
        profile=target.profile,
        holder=holder,
        iban=iban,
        bic=bic,
        bank_name=bank_name,
        original_name=(upload.name or "rib")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        scan_status=(
            ScanStatus.CLEAN if verdict.status == antivirus.CLEAN else ScanStatus.UNSCANNED
        ),
        deposited_by=actor,
    )
    store_file(account.file, "rib", upload)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # deposited at the same moment by someone else
        account.file.delete(save=False)
        raise BankAccountError(
            _("Un RIB est déjà en attente de validation par l'OPCO pour cet établissement.")
        ) from None
    _event(actor, account, "deposited", account.masked_iban)
    changed = current is not None
    title = (
        _("Changement de coordonnées bancaires déposé pour %(name)s")
        if changed
        else _("Nouvelles coordonnées bancaires déposées pour %(name)s")
    ) % {"name": account.company.name}
    body = _(
        "%(who)s a déposé le RIB %(iban)s (%(holder)s). Il sera utilisé pour les paiements "
        "après validation par l'OPCO. Si vous n'êtes pas à l'origine de ce dépôt, contactez "
        "l'OPCO sans attendre."
    ) % {"who": actor.get_full_name() or actor.email, "iban": account.masked_iban, "holder": holder}
    _tell(
        _administrators(target.company_id, target.profile),
        title=title,
        body=body,
        url="/factures/rib/",
    )
    return account


@transaction.atomic
def bank_account_validate(*, actor: User, account: BankAccount) -> BankAccount:
    """The advisor has checked the RIB against its document: it is in force, and the one it
    replaces is kept as « Remplacé »."""
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.state != BankAccountState.PENDING:
        raise BankAccountError(_("Ce RIB a déjà été traité."))
    if not account.is_usable:
        raise BankAccountError(
            _(
                "Le document n'a pas encore été analysé par l'antivirus : il ne peut pas être "
                "validé."
            )
        )
    target = Target(account.company_id, account.profile, account.establishment_id)
    _same_target(target).filter(state=BankAccountState.ACTIVE).update(
        state=BankAccountState.REPLACED
    )
    account.state = BankAccountState.ACTIVE
    account.decided_by, account.decided_at = actor, timezone.now()
    account.save(update_fields=["state", "decided_by", "decided_at"])
    _event(actor, account, "validated")
    users = _administrators(account.company_id, account.profile) + _depositor(account)
    _tell(
        users,
        title=_("RIB validé par l'OPCO : %(iban)s") % {"iban": account.masked_iban},
        body=_("Les prochains paiements de l'OPCO seront versés sur ce compte."),
        url="/factures/rib/",
    )
    return account


@transaction.atomic
def bank_account_reject(*, actor: User, account: BankAccount, reason: str) -> BankAccount:
    account = BankAccount.objects.select_for_update().get(pk=account.pk)
    if account.state != BankAccountState.PENDING:
        raise BankAccountError(_("Ce RIB a déjà été traité."))
    account.state = BankAccountState.REJECTED
    account.decided_by, account.decided_at, account.reason = actor, timezone.now(), reason
    account.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    _event(actor, account, "rejected", reason)
    users = _administrators(account.company_id, account.profile) + _depositor(account)
    _tell(
        users,
        title=_("RIB refusé par l'OPCO : %(iban)s") % {"iban": account.masked_iban},
        body=reason,
        url="/factures/rib/",
    )
    return account
