"""The funding rules in force on a day, for an employer's collective agreement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from monespace.referentials.models import FundingParameter, FundingRate


class RateBook:
    """The dated rates in force on ``day``: for a parameter (and a level where it has one), the
    latest row from before that day among the employer's IDCC's and those for every branch (on
    the same date, the branch's). The rows read are kept in ``used``."""

    def __init__(self, day: date, idcc: str = "") -> None:
        self.day, self.idcc = day, idcc or ""
        self.used: dict[int, FundingRate] = {}
        self._best: dict[tuple[str, str], FundingRate] = {}
        rows = FundingRate.objects.filter(effective_from__lte=day, idcc__in={"", self.idcc})
        for row in rows.order_by("effective_from"):
            key = (row.parameter, row.level)
            best = self._best.get(key)
            # The latest wins; on the same date, the branch's own row beats the general one.
            rank = (row.effective_from, bool(row.idcc))
            if best is None or rank >= (best.effective_from, bool(best.idcc)):
                self._best[key] = row

    @classmethod
    def frozen(cls, day: date, rows: Iterable[FundingRate]) -> RateBook:
        """The rates that decided a commitment, and only them (its ``rates``)."""
        book = cls.__new__(cls)
        book.day, book.idcc, book.used, book._best = day, "", {}, {}
        for row in rows:
            book._best[(row.parameter, row.level)] = row
        return book

    def row(self, parameter: FundingParameter | str, level: str = "") -> FundingRate | None:
        found = self._best.get((str(parameter), level))
        if found is not None:
            self.used[found.pk] = found
        return found

    def value(self, parameter: FundingParameter | str, level: str = "") -> Decimal | None:
        found = self.row(parameter, level)
        return found.value if found is not None else None
