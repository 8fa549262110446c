"""Writes of the referentials that staff make in the back office."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import FundingRate

if TYPE_CHECKING:
    from monespace.accounts.models import User


class RateError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def rate_add(
    *,
    actor: User | None,
    parameter: str,
    effective_from: date,
    value: Decimal,
    idcc: str = "",
    level: str = "",
    note: str = "",
) -> FundingRate:
    """A new figure from a date. Rows are never changed: what was decided with an earlier row
    keeps it (the commitments hold their rows)."""
    if FundingRate.objects.filter(
        parameter=parameter, idcc=idcc, level=level, effective_from=effective_from
    ).exists():
        raise RateError(
            _("Cette règle a déjà une valeur en vigueur au %(date)s : choisissez une autre date.")
            % {"date": effective_from.strftime("%d/%m/%Y")},
            field="effective_from",
        )
    try:
        with transaction.atomic():
            return FundingRate.objects.create(
                parameter=parameter,
                idcc=idcc,
                level=level,
                effective_from=effective_from,
                value=value,
                note=note,
                created_by=actor,
            )
    except IntegrityError:  # the same row added at the same moment
        raise RateError(
            _("Cette règle a déjà une valeur en vigueur à cette date."), field="effective_from"
        ) from None


@transaction.atomic
def rate_delete(*, actor: User | None, rate: FundingRate) -> None:
    """Withdraw a figure typed by mistake — never one a commitment was computed with."""
    rate = FundingRate.objects.select_for_update().get(pk=rate.pk)
    if rate.commitments.exists():
        raise RateError(
            _(
                "Cette valeur a servi à calculer des engagements : elle ne peut plus être retirée. "
                "Ajoutez une nouvelle valeur à partir d'une date postérieure."
            )
        )
    rate.delete()
