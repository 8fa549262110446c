"""Writes on dossiers. Each takes the acting user, runs in a transaction and records the event."""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.mail import absolute_url, send_email
from monespace.notifications.services import notification_create

from .enums import KIND_CODES, DossierState, EventKind
from .models import (
    COST_FIELDS,
    MAX_TRAINEES,
    Document,
    Dossier,
    DossierEvent,
    DossierSequence,
    Employee,
    Module,
    RequiredDocument,
    SmicRate,
    Trainee,
)


class DossierError(Exception):
    """A rule stops the action; the message is for the user."""


class NotADraft(DossierError):
    def __init__(self):
        super().__init__(
            _("Ce dossier a été transmis : seul votre conseiller de l'OPCO peut le modifier.")
        )


class TooManyTrainees(DossierError):
    def __init__(self):
        super().__init__(
            _(
                "Un dossier compte au plus %(max)d salariés. Pour en inscrire davantage, enregistrez ce dossier "
                "puis dupliquez-le : la duplication reprend la formation et vous permet d'inscrire les autres "
                "salariés dans un second dossier."
            )
            % {"max": MAX_TRAINEES}
        )


def _event(dossier, *, actor, kind, from_state="", to_state="", message=""):
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        message=message,
    )


def _locked_draft(dossier):
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.is_draft:
        raise NotADraft
    return dossier


@transaction.atomic
def dossier_create(*, actor, establishment):
    """A new training-action request starts as a draft of the chosen establishment."""
    dossier = Dossier.objects.create(
        company=establishment.company, establishment=establishment, created_by=actor
    )
    _event(dossier, actor=actor, kind=EventKind.CREATED, to_state=DossierState.DRAFT)
    return dossier


@transaction.atomic
def dossier_update(*, actor, dossier, values):
    """Save what a step holds, even incomplete: entry is non-linear, only transmission checks all."""
    dossier = _locked_draft(dossier)
    for name, value in values.items():
        setattr(dossier, name, value)
    dossier.save(update_fields=[*values.keys(), "updated_at"])
    return dossier


@transaction.atomic
def module_add(*, actor, dossier, title, hours, start_date=None, end_date=None, cost=Decimal("0")):
    dossier = _locked_draft(dossier)
    return Module.objects.create(
        dossier=dossier,
        title=title,
        hours=hours,
        start_date=start_date,
        end_date=end_date,
        cost=cost,
    )


@transaction.atomic
def module_delete(*, actor, module):
    _locked_draft(module.dossier)
    module.delete()


@transaction.atomic
def employee_register(
    *, actor, company, last_name, first_name, birth_date, job="", category="", contract=""
):
    """Add someone to the company's register, or return them if already there."""
    employee, _created = Employee.objects.get_or_create(
        company=company,
        last_name=last_name.strip().upper(),
        first_name=first_name.strip(),
        birth_date=birth_date,
        defaults={"job": job, "category": category, "contract": contract},
    )
    return employee


@transaction.atomic
def trainee_add(
    *, actor, dossier, employee, hours_on_work_time=Decimal("0"), hours_off_work_time=Decimal("0")
):
    """A dossier holds at most 30 trainees; more means duplicating it (seed 002)."""
    dossier = _locked_draft(dossier)
    if employee.company_id != dossier.company_id:
        raise DossierError(_("Ce salarié n'appartient pas à l'entreprise du dossier."))
    trainee = Trainee.objects.filter(dossier=dossier, employee=employee).first()
    if trainee is not None:
        trainee.hours_on_work_time, trainee.hours_off_work_time = (
            hours_on_work_time,
            hours_off_work_time,
        )
        trainee.save(update_fields=["hours_on_work_time", "hours_off_work_time"])
        return trainee
    if dossier.trainees.count() >= MAX_TRAINEES:
        raise TooManyTrainees
    return Trainee.objects.create(
        dossier=dossier,
        employee=employee,
        hours_on_work_time=hours_on_work_time,
        hours_off_work_time=hours_off_work_time,
    )


@transaction.atomic
def trainee_remove(*, actor, trainee):
    _locked_draft(trainee.dossier)
    trainee.delete()


# --- Completeness and warnings ---------------------------------------------------------------

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


def missing_items(dossier, *, trainee_count=None, documents=None):
    """What transmission still needs, as (step, field id, label) for links to the fields."""
    missing = []
    if not dossier.internal_training:
        missing += [
            (STEP_TRAINING, f"id_{name}", label)
            for name, label in REQUIRED_PROVIDER_FIELDS
            if not getattr(dossier, name)
        ]
    missing += [
        (STEP_TRAINING, f"id_{name}", label)
        for name, label in REQUIRED_TRAINING_FIELDS
        if not getattr(dossier, name)
    ]
    if dossier.total_requested <= 0:
        missing.append((STEP_TRAINING, "id_cost_teaching", _("au moins un coût demandé")))
    trainee_count = dossier.trainees.count() if trainee_count is None else trainee_count
    if trainee_count == 0:
        missing.append((STEP_TRAINEES, "trainees", _("au moins un salarié")))
    present = {d.piece_type for d in (dossier.documents.all() if documents is None else documents)}
    for required in RequiredDocument.objects.filter(kind=dossier.kind):
        if required.piece_type not in present:
            missing.append((STEP_SEND, "documents", required.get_piece_type_display()))
    return missing


def smic_at(day):
    rate = SmicRate.objects.filter(effective_from__lte=day).first()
    return rate.hourly if rate else None


def warnings(dossier, *, trainee_hours=None):
    """Warnings, not blocks: late request, provider without NDA / Qualiopi, pay above the SMIC cap."""
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
    if not dossier.internal_training and dossier.provider_siret:
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
    if dossier.cost_pay and dossier.start_date:
        if trainee_hours is None:
            trainee_hours = sum((t.hours for t in dossier.trainees.all()), Decimal(0))
        smic = smic_at(dossier.start_date)
        if smic is not None and dossier.cost_pay > trainee_hours * smic:
            notes.append(
                _(
                    "La rémunération demandée (%(pay)s €) dépasse le plafond des heures des stagiaires × SMIC "
                    "horaire (%(cap)s €)."
                )
                % {"pay": dossier.cost_pay, "cap": (trainee_hours * smic).quantize(Decimal("0.01"))}
            )
    return notes


# --- Transmission ------------------------------------------------------------------------------


def _next_number(dossier):
    """Readable, unique, never reused: 2026-AF-000123."""
    year = timezone.localdate().year
    code = KIND_CODES[dossier.kind]
    sequence, _created = DossierSequence.objects.select_for_update().get_or_create(
        year=year, code=code
    )
    DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{year}-{code}-{sequence.last:06d}"


@transaction.atomic
def dossier_submit(*, actor, dossier, certified):
    """Transmit a complete draft: it gets its number, becomes read-only for users, and the user
    and the OPCO are told. A second click finds it transmitted already and changes nothing."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.is_draft:
        raise NotADraft
    missing = missing_items(dossier)
    if missing:
        raise DossierError(_("Le dossier est incomplet."))
    if not certified:
        raise DossierError(_("Cochez la déclaration pour transmettre le dossier."))
    dossier.number = _next_number(dossier)
    dossier.state = DossierState.SUBMITTED
    dossier.submitted_at = timezone.now()
    dossier.certified = True
    dossier.save(update_fields=["number", "state", "submitted_at", "certified", "updated_at"])
    _event(
        dossier,
        actor=actor,
        kind=EventKind.SUBMITTED,
        from_state=DossierState.DRAFT,
        to_state=DossierState.SUBMITTED,
    )
    url = reverse("www:dossier", args=[dossier.pk])
    title = _("Dossier %(number)s transmis") % {"number": dossier.number}
    notification_create(recipient=actor, title=title, body=dossier.title, url=url)
    send_email(
        to=actor.email,
        template_prefix="emails/notice",
        context={
            "recipient": actor,
            "subject": title,
            "body": _("Votre demande « %(title)s » est transmise à l'OPCO.")
            % {"title": dossier.title},
            "url": absolute_url(url),
        },
    )
    if settings.OPCO_INSTRUCTION_EMAIL:
        send_email(
            to=settings.OPCO_INSTRUCTION_EMAIL,
            template_prefix="emails/notice",
            context={
                "recipient": None,
                "subject": title,
                "body": f"{dossier.company.name} — {dossier.title}",
                "url": absolute_url(url),
            },
        )
    return dossier


# --- Drafts and duplication --------------------------------------------------------------------

COPIED_FIELDS = [
    "kind",
    "company",
    "establishment",
    "internal_training",
    "provider_establishment",
    "provider_name",
    "provider_type",
    "provider_address",
    "provider_postal_code",
    "provider_city",
    "provider_siret",
    "provider_nda",
    "provider_contact",
    "provider_phone",
    "provider_email",
    "direct_payment",
    "title",
    "certification_code",
    "duration_hours",
    "start_date",
    "end_date",
    "modality",
    "comment",
    *[name for name, _label in COST_FIELDS],
]


@transaction.atomic
def dossier_duplicate(*, actor, dossier, trainee_ids=()):
    """A new draft with everything but documents, and the chosen trainees (none by default):
    the way to split a group larger than 30."""
    copy = Dossier.objects.create(
        **{name: getattr(dossier, name) for name in COPIED_FIELDS},
        created_by=actor,
        duplicated_from=dossier,
    )
    for module in dossier.modules.all():
        Module.objects.create(
            dossier=copy,
            title=module.title,
            hours=module.hours,
            start_date=module.start_date,
            end_date=module.end_date,
            cost=module.cost,
        )
    chosen = dossier.trainees.filter(pk__in=trainee_ids).select_related("employee")[:MAX_TRAINEES]
    Trainee.objects.bulk_create(
        Trainee(
            dossier=copy,
            employee=t.employee,
            hours_on_work_time=t.hours_on_work_time,
            hours_off_work_time=t.hours_off_work_time,
        )
        for t in chosen
    )
    _event(
        copy,
        actor=actor,
        kind=EventKind.DUPLICATED,
        to_state=DossierState.DRAFT,
        message=dossier.number or str(dossier.pk),
    )
    return copy


@transaction.atomic
def dossier_delete_draft(*, actor, dossier):
    dossier = _locked_draft(dossier)
    files = [document.file for document in dossier.documents.all()]
    dossier.delete()
    # Files go once the rows are gone for good: a rollback never leaves a row without its file.
    transaction.on_commit(lambda: [file.delete(save=False) for file in files])


# --- Documents ---------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor, dossier, upload, content_type, piece_type, title, comment=""):
    """Attach a checked file (allowed after transmission too, without e-mailing anyone)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        dossier=dossier,
        piece_type=piece_type,
        title=title,
        comment=comment,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    document.file.save("upload", upload, save=False)
    document.save()
    _event(dossier, actor=actor, kind=EventKind.DOCUMENT_ADDED, message=title)
    if not actor.is_staff and dossier.state == DossierState.DOCUMENTS_REQUESTED:
        from .instruction import documents_provided

        documents_provided(actor=actor, dossier=dossier)
    return document
