"""Estimated funding of a training action (plan de développement des compétences, seed 003),
from the dated rates of the employer's branch (referentials.FundingRate, by IDCC or for all):

- pedagogic costs within the hourly ceiling × hours × trainees;
- pay, when the branch funds it, at most the hourly SMIC × hours × trainees;
- the other lines as asked;
- the whole within the cap per trainee.

The advisor's accord is pre-filled from the same computation (backoffice.forms.ApproveForm)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.formats import format_euros, format_hours
from monespace.referentials.models import FundingParameter

from .apprenticeship import Estimate, Line, money
from .rates import RateBook

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

P = FundingParameter


@dataclass
class Inputs:
    idcc: str = ""
    day: date | None = None
    hours: Decimal | None = None
    trainees: int = 0
    costs: dict[str, Decimal | None] = field(default_factory=dict)  # line code → asked
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, dossier: Dossier, *, trainees: int | None = None) -> Inputs:
        detail: Any = dossier.detail
        day = dossier.submitted_at.date() if dossier.submitted_at else timezone.localdate()
        # Every line asked, the complementary modules' included: the cap covers them all.
        lines = dossier.spec.requested_lines(dossier)
        return cls(
            idcc=dossier.establishment.idcc or "",
            day=day,
            hours=detail.duration_hours,
            trainees=dossier.trainees.count() if trainees is None else trainees,
            costs={code: amount for code, _label, amount in lines},
            labels={code: str(label) for code, label, _amount in lines},
        )


def estimate(inputs: Inputs) -> Estimate:
    result = Estimate()
    result.book = book = RateBook(inputs.day or timezone.localdate(), inputs.idcc)
    hourly = book.value(P.TRAINING_HOURLY)
    if hourly is None:
        result.missing.append(
            _(
                "Aucun plafond de prise en charge n'est fixé pour la branche de l'IDCC %(idcc)s : "
                "l'OPCO fixera les montants."
            )
            % {"idcc": inputs.idcc or "—"}
        )
        return result
    if not inputs.hours or inputs.trainees < 1:
        result.missing.append(
            _("La durée de la formation et au moins un salarié permettent l'estimation.")
        )
        return result
    trainees, hours = inputs.trainees, inputs.hours
    people = _("%(hours)s h × %(n)s salarié(s)") % {"hours": format_hours(hours), "n": trainees}
    covered: dict[str, Decimal] = {}
    for code, asked in inputs.costs.items():
        if not asked:
            continue
        label = inputs.labels.get(code, code)
        if code == "cost_teaching":
            ceiling = money(hourly * hours * trainees)
            amount = min(asked, ceiling)
            why = _(
                "Demandé %(asked)s ; plafond %(rate)s par heure et par salarié × %(people)s "
                "= %(ceiling)s."
            ) % {
                "asked": format_euros(asked),
                "rate": format_euros(hourly),
                "people": people,
                "ceiling": format_euros(ceiling),
            }
        elif code == "cost_pay":
            funds_pay = (book.value(P.TRAINING_SALARY) or Decimal(0)) > 0
            smic = _smic(inputs.day)
            if not funds_pay or smic is None:
                amount, why = Decimal(0), _("La branche ne prend pas en charge les salaires.")
            else:
                ceiling = money(smic * hours * trainees)
                amount = min(asked, ceiling)
                why = _(
                    "Demandé %(asked)s ; au plus le SMIC horaire (%(smic)s) × %(people)s = "
                    "%(ceiling)s."
                ) % {
                    "asked": format_euros(asked),
                    "smic": format_euros(smic),
                    "people": people,
                    "ceiling": format_euros(ceiling),
                }
        else:
            amount, why = asked, _("Pris en charge comme demandé.")
        covered[code] = amount
        result.lines.append(Line(label, amount, why))
    total = sum(covered.values(), Decimal(0))
    cap = book.value(P.TRAINING_TRAINEE_CAP)
    if cap is not None and total > cap * trainees:
        limit = money(cap * trainees)
        result.lines.append(
            Line(
                _("Plafond par salarié"),
                limit - total,
                _("%(cap)s par salarié × %(n)s = %(limit)s au plus.")
                % {"cap": format_euros(cap), "n": trainees, "limit": format_euros(limit)},
            )
        )
        covered = _scaled(covered, limit)
        total = limit
    result.training_total = total
    result.covered = covered
    return result


def _smic(day: date | None) -> Decimal | None:
    from monespace.dossiers.kinds.training_action import smic_at

    return smic_at(day or timezone.localdate())


def _scaled(covered: dict[str, Decimal], limit: Decimal) -> dict[str, Decimal]:
    """The lines brought down in proportion to fit ``limit`` (the last takes the cents)."""
    total = sum(covered.values(), Decimal(0))
    codes = list(covered)
    scaled, given = {}, Decimal(0)
    for index, code in enumerate(codes):
        if index == len(codes) - 1:
            scaled[code] = limit - given
        else:
            scaled[code] = money(covered[code] * limit / total)
            given += scaled[code]
    return scaled
