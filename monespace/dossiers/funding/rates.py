"""The funding rules in force on a day, for an employer's collective agreement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from monespace.referentials.models import FundingParameter, FundingRate


class RateBook:
    """The dated rates in force on ``day``: for a parameter (and a level where it has one), the
    row of the employer's IDCC when there is one, else the row for every branch, the latest
    from before that day. The rows read are kept in ``used``."""

    def __init__(self, day: date, idcc: str = "") -> None:
        self.day, self.idcc = day, idcc or ""
        self.used: dict[int, FundingRate] = {}
        self._best: dict[tuple[str, str], FundingRate] = {}
        rows = FundingRate.objects.filter(effective_from__lte=day, idcc__in={"", self.idcc})
        for row in rows.order_by("effective_from"):
            key = (row.parameter, row.level)
            best = self._best.get(key)
            # A branch's own row beats the general one; then the latest wins.
            if best is None or (row.idcc, row.effective_from) >= (best.idcc, best.effective_from):
                self._best[key] = row

    def row(self, parameter: FundingParameter | str, level: str = "") -> FundingRate | None:
        found = self._best.get((str(parameter), level))
        if found is not None:
            self.used[found.pk] = found
        return found

    def value(self, parameter: FundingParameter | str, level: str = "") -> Decimal | None:
        found = self.row(parameter, level)
        return found.value if found is not None else None
