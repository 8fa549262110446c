"""Reads of bank details scoped to a user: outside their reach a RIB is a 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from monespace.core.identifiers import parse_id

from . import perms
from .models import BankAccount, Invoice, Payment, PaymentRunState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from monespace.accounts.models import User


def bank_accounts_visible(
    user: User | AnonymousUser, *, readable: list | None = None
) -> QuerySet[BankAccount]:
    """``readable``: ``perms.targets(user, manage=False)`` when the caller has it already."""
    if not user.is_authenticated:
        return BankAccount.objects.none()
    if user.is_staff:
        from monespace.exports.services import staff_cleared

        # Staff read every RIB only with the back office's second factor.
        return BankAccount.objects.all() if staff_cleared(user) else BankAccount.objects.none()
    condition = Q(pk__in=[])
    if readable is None:
        readable = perms.targets(user, manage=False)
    for membership, scope in readable:
        mine = Q(company_id=membership.company_id, profile=membership.profile)
        if scope is not None:
            mine &= Q(establishment__isnull=True) | Q(establishment_id__in=sorted(scope))
        condition |= mine
    return BankAccount.objects.filter(condition)


def bank_account_for(user: User | AnonymousUser, pk: int | str) -> BankAccount:
    number = parse_id(pk)
    found = (
        bank_accounts_visible(user)
        .filter(pk=number)
        .select_related("company", "establishment")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise Http404
    return found


def invoices_visible(
    user: User | AnonymousUser, *, readable: list | None = None, delegated: list | None = None
) -> QuerySet[Invoice]:
    """The invoices ``user`` may read (``readable``: ``perms.invoice_memberships(user)``)."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    if user.is_staff:
        return Invoice.objects.all()
    if readable is None:
        readable = perms.invoice_memberships(user)
    if delegated is None:
        delegated = perms.invoice_delegations(readable)
    return Invoice.objects.filter(perms.invoice_q(readable, delegated=delegated))


def invoice_for(user: User | AnonymousUser, pk: int | str) -> Invoice:
    number = parse_id(pk)
    found = (
        invoices_visible(user)
        .filter(pk=number)
        .select_related("dossier", "payee_company", "payee_establishment", "payment__run")
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise Http404
    return found


def payments_visible(
    user: User | AnonymousUser, *, readable: list | None = None, delegated: list | None = None
) -> QuerySet[Payment]:
    """The transfers ``user`` may read: those of approved runs, to their organisations."""
    if not user.is_authenticated:
        return Payment.objects.none()
    if user.is_staff:
        return Payment.objects.filter(run__state=PaymentRunState.APPROVED)
    if readable is None:
        readable = perms.invoice_memberships(user)
    if delegated is None:
        delegated = perms.invoice_delegations(readable)
    return Payment.objects.filter(
        perms.invoice_q(readable, payments=True, delegated=delegated),
        run__state=PaymentRunState.APPROVED,
    )


def payment_for(user: User | AnonymousUser, pk: int | str) -> Payment:
    number = parse_id(pk)
    found = (
        payments_visible(user).filter(pk=number).select_related("run", "payee_company").first()
        if number is not None
        else None
    )
    if found is None:
        raise Http404
    return found
