"""« Prise en charge » of a professionalisation contract or a Pro-A (research domain-alternance
§3.5): the training hours × the branch's hourly forfait, the tutor's training within its hourly
ceiling and hours, and the aid to the exercise of tutoring — a monthly amount for a number of
months, majorated for a tutor of 45 or more or a priority public.

Every figure is a dated row read through ``RateBook`` (the employer's IDCC first, then every
branch's) at the date of conclusion; the commitment keeps the rows that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from monespace.core.formats import format_euros, format_hours, format_percent
from monespace.dossiers.apprenticeship.pay import add_months
from monespace.referentials.models import FundingParameter

from .apprenticeship import HUNDRED, Estimate, Line, PlannedInstalment, money, started_months
from .rates import RateBook

if TYPE_CHECKING:
    from monespace.dossiers.models import Dossier

P = FundingParameter
# The échéances' codes: the training (invoiced by the organisation, or the company for an
# internal training), the tutoring (by the employer).
TRAINING_CODE, TUTORING_CODE = "F1", "T1"


@dataclass
class Inputs:
    idcc: str = ""
    conclusion: date | None = None
    start: date | None = None
    end: date | None = None
    training_end: date | None = None
    training_hours: int | None = None
    tutor_training_hours: int | None = None
    senior_tutor: bool = False
    priority_public: bool = False
    has_tutor: bool = True
    training_start: date | None = None
    rupture: date | None = None

    @classmethod
    def of(cls, dossier: Dossier, *, rupture: date | None = None) -> Inputs:
        from monespace.dossiers.professionalisation import rules

        contract: Any = dossier.detail
        return cls(
            idcc=contract.idcc,
            conclusion=contract.conclusion_date,
            start=dossier.start_date,
            end=dossier.end_date,
            training_end=contract.training_end,
            training_hours=contract.training_hours,
            tutor_training_hours=contract.tutor_training_hours,
            senior_tutor=rules.tutor_is_senior(contract, dossier),
            priority_public=rules.is_priority_public(contract, dossier),
            has_tutor=bool(contract.tutor_last_name),
            training_start=contract.training_start,
            rupture=rupture,
        )

    def hours_done(self) -> int | None:
        """After a rupture, the training hours of the part of the training period performed
        (prorated by day, rounded to the hour); else the hours planned."""
        hours = self.training_hours
        if hours is None or self.rupture is None:
            return hours
        first = self.training_start or self.start
        last = self.training_end or self.end
        if first is None or last is None or self.rupture >= last:
            return hours
        if self.rupture < first:
            return 0
        share = Decimal((self.rupture - first).days + 1) / Decimal((last - first).days + 1)
        return int((Decimal(hours) * share).quantize(Decimal(1)))


def estimate(inputs: Inputs, *, book: RateBook | None = None) -> Estimate:
    result = Estimate()
    day = inputs.conclusion or inputs.start
    if day is None or inputs.start is None or inputs.end is None or inputs.end < inputs.start:
        result.missing.append(
            _("Les dates de conclusion, de début et de fin du contrat permettent l'estimation.")
        )
        return result
    if not inputs.training_hours:
        result.missing.append(_("La durée de la formation (heures) permet l'estimation."))
        return result
    book = result.book = book if book is not None else RateBook(day, inputs.idcc)
    end = min(inputs.end, inputs.rupture) if inputs.rupture else inputs.end
    hours = inputs.hours_done() or 0
    hourly_row = book.row(P.PRO_HOURLY)
    if hourly_row is None:
        result.missing.append(_("Aucun forfait horaire n'est en vigueur à cette date."))
        return result
    hourly = hourly_row.value
    branch = (
        _("forfait de la branche (IDCC %(idcc)s)") % {"idcc": hourly_row.idcc}
        if hourly_row.idcc
        else _("forfait de toutes les branches")
    )
    result.training_total = money(Decimal(hours) * hourly)
    why = _("%(hours)s h × %(rate)s de l'heure (%(source)s, en vigueur au %(day)s)")
    if hours != inputs.training_hours:
        why = (
            _("%(planned)s h prévues ; rupture au %(rupture)s : ")
            % {
                "planned": format_hours(inputs.training_hours),
                "rupture": inputs.rupture.strftime("%d/%m/%Y") if inputs.rupture else "",
            }
            + why
        )
    result.lines.append(
        Line(
            _("Formation"),
            result.training_total,
            why
            % {
                "hours": format_hours(hours),
                "rate": format_euros(hourly),
                "source": branch,
                "day": day.strftime("%d/%m/%Y"),
            },
        )
    )
    tutor_training = Decimal(0)
    if inputs.tutor_training_hours and inputs.has_tutor:
        rate = book.value(P.TUTOR_TRAINING_HOURLY)
        ceiling = book.value(P.TUTOR_TRAINING_HOURS)
        if rate is not None:
            tutor_hours = Decimal(inputs.tutor_training_hours)
            if ceiling is not None:
                tutor_hours = min(tutor_hours, ceiling)
            tutor_training = money(tutor_hours * rate)
            result.lines.append(
                Line(
                    _("Formation du tuteur"),
                    tutor_training,
                    _("%(hours)s h × %(rate)s (au plus %(max)s h)")
                    % {
                        "hours": format_hours(tutor_hours),
                        "rate": format_euros(rate),
                        "max": format_hours(ceiling) if ceiling is not None else "—",
                    },
                )
            )
    tutoring = Decimal(0)
    monthly = book.value(P.TUTOR_MONTHLY)
    max_months = book.value(P.TUTOR_MONTHS)
    if inputs.has_tutor and monthly is not None and max_months is not None:
        months = min(started_months(inputs.start, end), int(max_months))
        amount = monthly
        why = _("%(amount)s par mois × %(months)d mois") % {
            "amount": format_euros(monthly),
            "months": months,
        }
        uplift = book.value(P.TUTOR_UPLIFT)
        if uplift and (inputs.senior_tutor or inputs.priority_public):
            amount = money(monthly * (HUNDRED + uplift) / HUNDRED)
            reason = (
                _("tuteur de 45 ans ou plus") if inputs.senior_tutor else _("public prioritaire")
            )
            why = _(
                "%(amount)s par mois (%(base)s majorés de %(uplift)s : %(reason)s) × %(months)d mois"
            ) % {
                "amount": format_euros(amount),
                "base": format_euros(monthly),
                "uplift": format_percent(uplift),
                "reason": reason,
                "months": months,
            }
        tutoring = money(amount * months)
        result.lines.append(Line(_("Aide à l'exercice du tutorat"), tutoring, why))
    result.annexes_total = tutor_training + tutoring
    _schedule(inputs, result, tutoring, tutor_training, end)
    return result


def _schedule(
    inputs: Inputs, result: Estimate, tutoring: Decimal, tutor_training: Decimal, end: date
) -> None:
    """The training paid once the hours are done (end of the training), the tutor's aid after
    its months (or at the end of a shorter contract)."""
    assert inputs.start is not None and inputs.end is not None
    training_due = min(inputs.training_end or end, end)
    result.instalments.append(
        PlannedInstalment(
            code=TRAINING_CODE,
            year=1,
            label=_("Formation : heures réalisées"),
            due_on=training_due,
            share=None,
            gross=result.training_total,
            keep_code=True,
        )
    )
    aid = tutoring + tutor_training
    if aid:
        months = max(started_months(inputs.start, end), 1)
        due = min(add_months(inputs.start, min(months, 6)) - timedelta(days=1), end)
        result.instalments.append(
            PlannedInstalment(
                code=TUTORING_CODE,
                year=1,
                label=_("Tutorat : aide et formation du tuteur"),
                due_on=due,
                share=None,
                gross=aid,
                keep_code=True,
            )
        )
