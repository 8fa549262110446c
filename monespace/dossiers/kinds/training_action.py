"""« Action de formation » (seed 003): four non-linear steps — Formation, Modules
complémentaires, Salariés, Envoi — at most 30 trainees, the costs of the form, and the rules
checked before transmission."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.formats import format_euros, format_hours

from ..enums import DossierKind
from ..models import COST_FIELDS, Dossier, SmicRate, TrainingAction
from . import Kind, register

MODULES_LINE = "cost_modules"

STEP_TRAINING, STEP_MODULES, STEP_TRAINEES, STEP_SEND = "formation", "modules", "salaries", "envoi"

REQUIRED_TRAINING_FIELDS = [
    ("title", gettext_lazy("l'intitulé de la formation")),
    ("duration_hours", gettext_lazy("la durée en heures")),
    ("start_date", gettext_lazy("la date de début")),
    ("end_date", gettext_lazy("la date de fin")),
    ("modality", gettext_lazy("la modalité")),
]
REQUIRED_PROVIDER_FIELDS = [
    ("provider_name", gettext_lazy("le nom de l'organisme de formation")),
    ("provider_address", gettext_lazy("l'adresse de l'organisme")),
    ("provider_postal_code", gettext_lazy("le code postal de l'organisme")),
    ("provider_city", gettext_lazy("la ville de l'organisme")),
    ("provider_siret", gettext_lazy("le SIRET de l'organisme")),
]


def smic_at(day: date) -> Decimal | None:
    rate = SmicRate.objects.filter(effective_from__lte=day).first()
    return rate.hourly if rate else None


class TrainingActionKind(Kind):
    value = DossierKind.TRAINING_ACTION
    code = "AF"
    order = 1
    slug = "action-de-formation"
    detail_model = TrainingAction
    detail_name = "training"
    view_rights = ("can_view_training", "can_edit_training")
    enter_right = "can_edit_training"
    delegation_transmit_right = "can_edit_training"
    steps = (
        (STEP_TRAINING, gettext_lazy("1 - Formation")),
        (STEP_MODULES, gettext_lazy("2 - Modules complémentaires")),
        (STEP_TRAINEES, gettext_lazy("3 - Salariés")),
        (STEP_SEND, gettext_lazy("4 - Envoi")),
    )
    dossier_fields = ("title", "start_date", "end_date", "provider_name", "provider_siret")
    copied_fields = (
        "kind",
        "company",
        "establishment",
        "provider_establishment",
        "provider_name",
        "provider_siret",
        "title",
        "start_date",
        "end_date",
    )
    copied_detail_fields = (
        "internal_training",
        "provider_type",
        "provider_address",
        "provider_postal_code",
        "provider_city",
        "provider_nda",
        "provider_contact",
        "provider_phone",
        "provider_email",
        "direct_payment",
        "certification_code",
        "duration_hours",
        "modality",
        "comment",
        *[name for name, _label in COST_FIELDS],
    )
    # The nine cost lines of the form, and the complementary modules' costs as one more line
    # (asked on « 2 - Modules », granted and invoiced like the others).
    cost_lines = (*COST_FIELDS, (MODULES_LINE, gettext_lazy("Modules complémentaires (HT)")))

    def requested_lines(self, dossier: Dossier) -> list[tuple[str, Any, Decimal]]:
        detail = dossier.detail
        lines: list[tuple[str, Any, Decimal]] = [
            (code, label, getattr(detail, code)) for code, label in COST_FIELDS
        ]
        modules = sum((m.cost or Decimal(0) for m in dossier.modules.all()), Decimal(0))
        lines.append((MODULES_LINE, self.cost_lines[-1][1], modules))
        return lines

    def missing_items(self, dossier: Dossier, **preloaded: Any) -> list[tuple[str, str, str]]:
        """``trainee_count`` and ``documents`` may be given when already read."""
        trainee_count = preloaded.get("trainee_count")
        documents = preloaded.get("documents")
        detail = dossier.detail
        missing: list[tuple[str, str, str]] = []
        if not detail.internal_training:
            missing += [
                (STEP_TRAINING, f"id_{name}", str(label))
                for name, label in REQUIRED_PROVIDER_FIELDS
                if not (getattr(dossier, name, None) or getattr(detail, name, None))
            ]
        missing += [
            (STEP_TRAINING, f"id_{name}", str(label))
            for name, label in REQUIRED_TRAINING_FIELDS
            if not (getattr(dossier, name, None) or getattr(detail, name, None))
        ]
        if self.total_requested(dossier) <= 0:
            missing.append((STEP_TRAINING, "id_cost_teaching", _("au moins un coût demandé")))
        # A request is made before the training ends: a finished one is refused at
        # transmission (a regularisation goes through the advisor, docs/architecture.md).
        if dossier.end_date and dossier.end_date < timezone.localdate():
            missing.append(
                (
                    STEP_TRAINING,
                    "id_end_date",
                    _(
                        "une formation non terminée : celle-ci s'est achevée le %(date)s ; pour une régularisation, contactez votre conseiller"
                    )
                    % {"date": dossier.end_date.strftime("%d/%m/%Y")},
                )
            )
        trainee_count = dossier.trainees.count() if trainee_count is None else trainee_count
        if trainee_count == 0:
            missing.append((STEP_TRAINEES, "trainees", _("au moins un salarié")))
        else:
            missing += [
                (STEP_TRAINEES, "trainees", message)
                for message in self.trainee_hour_problems(dossier)
            ]
        missing += [
            (STEP_SEND, "documents", label) for label in self.missing_pieces(dossier, documents)
        ]
        return missing

    @staticmethod
    def hours_limit(dossier: Dossier) -> Decimal | None:
        """The most hours a trainee may follow: the action's duration and its modules'."""
        duration = dossier.detail.duration_hours
        if duration is None:
            return None
        modules = dossier.modules.aggregate(total=Sum("hours"))["total"] or Decimal(0)
        return duration + modules

    def trainee_hour_problems(self, dossier: Dossier) -> list[str]:
        """Trainees without an hour, or with more than the action lasts (one query)."""
        limit = self.hours_limit(dossier)
        total = F("hours_on_work_time") + F("hours_off_work_time")
        wrong = Q(total__lt=1)
        if limit is not None:
            wrong |= Q(total__gt=limit)
        rows = (
            dossier.trainees.annotate(total=total)
            .filter(wrong)
            .values_list("employee__last_name", "employee__first_name", "total")[:10]
        )
        problems = []
        for last_name, first_name, hours in rows:
            name = f"{last_name} {first_name}"
            if hours < 1:
                problems.append(_("les heures de formation de %(name)s") % {"name": name})
            else:
                problems.append(
                    _(
                        "les heures de %(name)s (%(hours)s h) au plus la durée de l'action (%(limit)s h)"
                    )
                    % {"name": name, "hours": format_hours(hours), "limit": format_hours(limit)}
                )
        return problems

    def warnings(self, dossier: Dossier, **preloaded: Any) -> list[str]:
        """Late request, provider without NDA / Qualiopi, pay above the SMIC cap
        (``trainee_hours`` may be given when already summed)."""
        trainee_hours = preloaded.get("trainee_hours")
        detail = dossier.detail
        notes = []
        lead = timedelta(days=settings.TRAINING_REQUEST_LEAD_DAYS)
        if dossier.start_date and dossier.start_date < timezone.localdate() + lead:
            notes.append(
                _(
                    "La formation commence dans moins de %(days)d jours : la demande risque d'arriver trop tard."
                )
                % {"days": settings.TRAINING_REQUEST_LEAD_DAYS}
            )
        provider = dossier.provider_establishment
        if not detail.internal_training and dossier.provider_siret:
            if provider is None or not provider.nda:
                notes.append(
                    _(
                        "L'organisme de formation n'a pas de numéro de déclaration d'activité connu de l'OPCO."
                    )
                )
            if provider is None or not provider.has_valid_qualiopi:
                notes.append(
                    _(
                        "L'organisme de formation n'a pas de certification Qualiopi valide connue de l'OPCO."
                    )
                )
        if detail.cost_pay and dossier.start_date:
            if trainee_hours is None:
                trainee_hours = sum((t.hours for t in dossier.trainees.all()), Decimal(0))
            smic = smic_at(dossier.start_date)
            if smic is not None and detail.cost_pay > trainee_hours * smic:
                notes.append(
                    _(
                        "La rémunération demandée (%(pay)s) dépasse le plafond des heures des stagiaires × SMIC "
                        "horaire (%(cap)s)."
                    )
                    % {
                        "pay": format_euros(detail.cost_pay),
                        "cap": format_euros(trainee_hours * smic),
                    }
                )
        return notes


TRAINING_ACTION = register(TrainingActionKind())
