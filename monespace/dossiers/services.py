"""Writes on dossiers by the people who enter them. Each takes the acting user, runs in a
transaction and records its history row; state changes go through ``lifecycle.transition``."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import File
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core import antivirus
from monespace.core.mail import send_email
from monespace.core.models import activity_record
from monespace.core.uploads import store_file
from monespace.core.urls import absolute_url, path_to
from monespace.notifications.services import notification_create

from . import instruction, lifecycle
from .enums import DossierKind, DossierState, EventKind, ScanStatus
from .errors import DossierError, Incomplete, NotADraft, TooManyTrainees
from .kinds import get_kind
from .models import (
    MAX_TRAINEES,
    Document,
    Dossier,
    DossierEvent,
    DossierSequence,
    Employee,
    Module,
    Trainee,
)

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.organizations.models import Company, Establishment

__all__ = [
    "DossierError",
    "NotADraft",
    "TooManyTrainees",
    "document_add",
    "dossier_create",
    "dossier_delete_draft",
    "dossier_duplicate",
    "dossier_submit",
    "dossier_update",
    "employee_register",
    "missing_items",
    "module_add",
    "module_delete",
    "person_key",
    "trainee_add",
    "trainee_register_and_add",
    "trainee_remove",
    "trainees_import",
    "warnings",
]


def _event(dossier: Dossier, *, actor: User, kind: EventKind, message: str = "") -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=kind,
        from_state=dossier.state,
        to_state=dossier.state,
        message=message,
    )


def _locked_draft(dossier: Dossier) -> Dossier:
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.is_editable:
        raise NotADraft
    return dossier


@transaction.atomic
def dossier_create(
    *, actor: User, establishment: Establishment, kind: str = DossierKind.TRAINING_ACTION
) -> Dossier:
    """A new request starts as a draft of the chosen establishment, with its dispositif's row."""
    spec = get_kind(kind)
    dossier_values, detail_values = spec.initial_values(establishment, actor)
    dossier = Dossier.objects.create(
        kind=kind,
        company=establishment.company,
        establishment=establishment,
        created_by=actor,
        **dossier_values,
    )
    spec.detail_model._default_manager.create(dossier=dossier, **detail_values)
    DossierEvent.objects.create(
        dossier=dossier, actor=actor, kind=EventKind.CREATED, to_state=DossierState.DRAFT
    )
    return dossier


def _label(model: type[models.Model], name: str) -> str:
    # ``name`` is a concrete field (it was just saved with update_fields), never a reverse relation.
    return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


@transaction.atomic
def dossier_update(*, actor: User, dossier: Dossier, values: Mapping[str, Any]) -> Dossier:
    """Save what a step holds, even incomplete: entry is non-linear, only transmission checks
    all. Fields of the dossier and of its dispositif's row are told apart by the kind; the
    history records which fields changed."""
    dossier = _locked_draft(dossier)
    spec = dossier.spec
    detail = spec.detail_model._default_manager.select_for_update().get(dossier=dossier)
    detail_fields = set(spec.detail_fields())
    changed: dict[str, list[str]] = {"dossier": [], "detail": []}
    for name, value in values.items():
        target, key = (detail, "detail") if name in detail_fields else (dossier, "dossier")
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed[key].append(name)
    if changed["dossier"]:
        dossier.save(update_fields=[*changed["dossier"], "updated_at"])
    if changed["detail"]:
        detail.save(update_fields=changed["detail"])
    if changed["dossier"] or changed["detail"]:
        labels = [_label(Dossier, n) for n in changed["dossier"]] + [
            _label(spec.detail_model, n) for n in changed["detail"]
        ]
        _event(dossier, actor=actor, kind=EventKind.EDITED, message=", ".join(labels))
        spec.after_update(dossier, {*changed["dossier"], *changed["detail"]})
    return dossier


@transaction.atomic
def module_add(
    *,
    actor: User,
    dossier: Dossier,
    title: str,
    hours: Decimal,
    start_date: date | None = None,
    end_date: date | None = None,
    cost: Decimal = Decimal("0"),
) -> Module:
    dossier = _locked_draft(dossier)
    module = Module.objects.create(
        dossier=dossier,
        title=title,
        hours=hours,
        start_date=start_date,
        end_date=end_date,
        cost=cost,
    )
    _event(dossier, actor=actor, kind=EventKind.EDITED, message=_("Module ajouté : %s") % title)
    return module


@transaction.atomic
def module_delete(*, actor: User, module: Module) -> None:
    dossier = _locked_draft(module.dossier)
    module.delete()
    _event(
        dossier, actor=actor, kind=EventKind.EDITED, message=_("Module retiré : %s") % module.title
    )


@transaction.atomic
def employee_register(
    *,
    actor: User,
    company: Company,
    last_name: str,
    first_name: str,
    birth_date: date,
    job: str = "",
    category: str = "",
    contract: str = "",
) -> Employee:
    """Add someone to the company's register, or return them if already there."""
    employee, created = Employee.objects.get_or_create(
        company=company,
        last_name=last_name.strip().upper(),
        first_name=first_name.strip(),
        birth_date=birth_date,
        defaults={"job": job, "category": category, "contract": contract},
    )
    if created:
        activity_record(actor=actor, obj=employee, action="created")
    return employee


@transaction.atomic
def trainees_add(
    *,
    actor: User,
    dossier: Dossier,
    employees: list[Employee],
    hours_on_work_time: Decimal = Decimal("0"),
    hours_off_work_time: Decimal = Decimal("0"),
) -> list[Trainee]:
    """Several employees with the same hours, all or none: beyond 30 trainees nothing is
    added (the dossier is duplicated instead, seed 002)."""
    locked = _locked_draft(dossier)
    new = [e for e in employees if not locked.trainees.filter(employee=e).exists()]
    if locked.trainees.count() + len(new) > MAX_TRAINEES:
        raise TooManyTrainees
    return [
        trainee_add(
            actor=actor,
            dossier=locked,
            employee=employee,
            hours_on_work_time=hours_on_work_time,
            hours_off_work_time=hours_off_work_time,
        )
        for employee in employees
    ]


@transaction.atomic
def trainee_add(
    *,
    actor: User,
    dossier: Dossier,
    employee: Employee,
    hours_on_work_time: Decimal = Decimal("0"),
    hours_off_work_time: Decimal = Decimal("0"),
) -> Trainee:
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
        _event(
            dossier,
            actor=actor,
            kind=EventKind.EDITED,
            message=_("Heures modifiées : %s") % employee,
        )
        return trainee
    if dossier.trainees.count() >= MAX_TRAINEES:
        raise TooManyTrainees
    trainee = Trainee.objects.create(
        dossier=dossier,
        employee=employee,
        hours_on_work_time=hours_on_work_time,
        hours_off_work_time=hours_off_work_time,
    )
    _event(
        dossier, actor=actor, kind=EventKind.EDITED, message=_("Salarié inscrit : %s") % employee
    )
    return trainee


@transaction.atomic
def trainee_register_and_add(
    *,
    actor: User,
    dossier: Dossier,
    last_name: str,
    first_name: str,
    birth_date: date,
    job: str = "",
    category: str = "",
    contract: str = "",
    **hours: Decimal,
) -> Trainee:
    """A new person: into the company's register and onto the dossier, both or neither."""
    employee = employee_register(
        actor=actor,
        company=dossier.company,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        job=job,
        category=category,
        contract=contract,
    )
    return trainee_add(actor=actor, dossier=dossier, employee=employee, **hours)


# What an imported row gives the register (the rest are the trainee's hours).
IMPORTED_PERSON_FIELDS = ("last_name", "first_name", "birth_date", "job", "category", "contract")


def person_key(last_name: str, first_name: str, birth_date: date) -> tuple[str, str, date]:
    """Who a person is when a list is imported: the names without case, accents, spaces or
    hyphens, and the birth date (« Dupont Jean-Marie » is « DUPONT Jean Marie »)."""

    def fold(name: str) -> str:
        decomposed = unicodedata.normalize("NFKD", name)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        return "".join(c for c in kept if c.isalnum())

    return fold(last_name), fold(first_name), birth_date


@transaction.atomic
def trainees_import(
    *, actor: User, dossier: Dossier, people: Sequence[Mapping[str, Any]]
) -> list[Trainee]:
    """The people of an imported list (each checked as the single trainee's form checks it:
    names, birth date, hours, job, category, contract) onto the dossier, all or none.

    A person is recognised by ``person_key``: one already on the dossier is left as it is (so a
    second confirmation adds nothing), one already in the company's register is reused, the
    others are registered. Beyond 30 trainees nothing is added (seed 002: the dossier is
    duplicated instead). Returns the trainees added."""
    locked = _locked_draft(dossier)
    seen = {
        person_key(*names)
        for names in Employee.objects.filter(trainings__dossier=locked).values_list(
            "last_name", "first_name", "birth_date"
        )
    }
    count = len(seen)
    todo = []
    for person in people:
        key = person_key(person["last_name"], person["first_name"], person["birth_date"])
        if key not in seen:
            seen.add(key)
            todo.append((key, person))
    if count + len(todo) > MAX_TRAINEES:
        raise TooManyTrainees
    register = {
        person_key(e.last_name, e.first_name, e.birth_date): e
        for e in Employee.objects.filter(
            company_id=locked.company_id, birth_date__in={p["birth_date"] for _k, p in todo}
        )
    }
    added = []
    for key, person in todo:
        employee = register.get(key) or employee_register(
            actor=actor,
            company=dossier.company,
            **{name: person.get(name, "") for name in IMPORTED_PERSON_FIELDS},
        )
        trainee = Trainee.objects.create(
            dossier=locked,
            employee=employee,
            hours_on_work_time=person["hours_on_work_time"],
            hours_off_work_time=person["hours_off_work_time"],
        )
        _event(
            locked,
            actor=actor,
            kind=EventKind.EDITED,
            message=_("Salarié inscrit (liste importée) : %s") % employee,
        )
        added.append(trainee)
    return added


@transaction.atomic
def trainee_remove(*, actor: User, trainee: Trainee) -> None:
    dossier = _locked_draft(trainee.dossier)
    trainee.delete()
    _event(
        dossier,
        actor=actor,
        kind=EventKind.EDITED,
        message=_("Salarié retiré : %s") % trainee.employee,
    )


# --- Completeness and warnings (the dispositif decides) ------------------------------------------


def missing_items(dossier: Dossier, **preloaded: Any) -> list[tuple[str, str, str]]:
    """What transmission still needs, as (step, field id, label) for links to the fields."""
    return dossier.spec.missing_items(dossier, **preloaded)


def warnings(dossier: Dossier, **preloaded: Any) -> list[str]:
    return dossier.spec.warnings(dossier, **preloaded)


# --- Transmission ------------------------------------------------------------------------------


def _next_number(dossier: Dossier) -> str:
    """Readable, unique, never reused: 2026-AF-000123."""
    year = timezone.localdate().year
    code = dossier.spec.code
    sequence, _created = DossierSequence.objects.select_for_update().get_or_create(
        year=year, code=code
    )
    DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{year}-{code}-{sequence.last:06d}"


@transaction.atomic
def dossier_submit(*, actor: User, dossier: Dossier, certified: bool) -> Dossier:
    """Transmit a complete draft: it gets its number, becomes read-only for users, and the user
    and the OPCO are told. A second click finds it transmitted already and changes nothing."""
    dossier = _locked_draft(dossier)
    if missing_items(dossier):
        raise Incomplete
    if not certified:
        raise DossierError(
            _("Cochez la déclaration pour transmettre le dossier."), field="certified"
        )
    dossier = lifecycle.transition(
        actor=actor,
        dossier=dossier,
        action="submit",
        number=_next_number(dossier),
        submitted_at=timezone.now(),
        certified=True,
    )
    url = path_to("dossier", dossier)
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
    instruction.email_instruction(
        subject=title, body=f"{dossier.company.name} — {dossier.title}", path=url
    )
    return dossier


# --- Drafts and duplication --------------------------------------------------------------------


@transaction.atomic
def dossier_duplicate(*, actor: User, dossier: Dossier, trainee_ids: Iterable[int] = ()) -> Dossier:
    """A new draft with everything but documents, and the chosen trainees (none by default):
    the way to split a group larger than 30."""
    spec = dossier.spec
    copy = Dossier.objects.create(
        **{name: getattr(dossier, name) for name in spec.copied_fields},
        created_by=actor,
        duplicated_from=dossier,
    )
    detail = dossier.detail
    spec.detail_model._default_manager.create(
        dossier=copy, **{name: getattr(detail, name) for name in spec.copied_detail_fields}
    )
    Module.objects.bulk_create(
        Module(
            dossier=copy,
            title=module.title,
            hours=module.hours,
            start_date=module.start_date,
            end_date=module.end_date,
            cost=module.cost,
        )
        for module in dossier.modules.all()
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
    DossierEvent.objects.create(
        dossier=copy,
        actor=actor,
        kind=EventKind.DUPLICATED,
        to_state=DossierState.DRAFT,
        message=dossier.number or str(dossier.pk),
    )
    return copy


@transaction.atomic
def dossier_delete_draft(*, actor: User, dossier: Dossier) -> None:
    """A draft never transmitted is removed with its rows (nothing of it reached the OPCO)."""
    dossier = _locked_draft(dossier)
    files = [document.file for document in dossier.documents.all()]
    dossier.delete()

    # Files go once the rows are gone for good: a rollback never leaves a row without its file.
    # (The list only lets the lambda call delete() on each file; its Nones are dropped.)
    def delete_files() -> None:
        for file in files:
            file.delete(save=False)

    transaction.on_commit(delete_files)


# --- Documents ---------------------------------------------------------------------------------


def _scan_status(verdict: antivirus.Verdict) -> str:
    if verdict.status == antivirus.UNAVAILABLE:
        return ScanStatus.PENDING
    if verdict.status == antivirus.CLEAN:
        return ScanStatus.CLEAN
    if verdict.status == antivirus.UNSCANNED:
        return ScanStatus.UNSCANNED
    raise DossierError(_("Ce fichier a été refusé par l'antivirus."), code="upload_refused")


@transaction.atomic
def document_add(
    *,
    actor: User,
    dossier: Dossier,
    upload: File[bytes],
    content_type: str,
    piece_type: str,
    title: str,
    comment: str = "",
    verdict: antivirus.Verdict | None = None,
) -> Document:
    """Attach a checked file (allowed after transmission too, without e-mailing anyone). A piece
    attached by the company to a dossier waiting for pieces sends it back to review.

    ``verdict``: the antivirus' (the door scans before calling; an infected file never comes
    here). Clean: usable at once; antivirus unreachable: « en cours d'analyse » until the task
    has analysed it."""
    if verdict is None:  # not scanned by the caller: scanned here
        verdict = antivirus.scan(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        dossier=dossier,
        piece_type=piece_type,
        title=title,
        comment=comment,
        # Named: forms.FileField refuses a file without a name, and the demo's ContentFile has one.
        original_name=(upload.name or "upload")[:255],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        scan_status=_scan_status(verdict),
        scanned_at=timezone.now() if verdict.status == antivirus.CLEAN else None,
    )
    store_file(document.file, "upload", upload)  # a storage that refuses: StorageUnavailable
    document.save()
    _event(dossier, actor=actor, kind=EventKind.DOCUMENT_ADDED, message=title)
    if document.scan_status == ScanStatus.PENDING:
        # The antivirus was unreachable: the file waits, and is analysed again later.
        from .tasks import scan_pending_documents

        transaction.on_commit(lambda: scan_pending_documents.enqueue())
    if not actor.is_staff and dossier.state == DossierState.DOCUMENTS_REQUESTED:
        instruction.dossier_documents_provided(actor=actor, dossier=dossier)
    return document


def document_scan(*, document: Document) -> str:
    """Analyse a waiting document again. Clean: usable; infected (or beyond the antivirus'
    limits): its file is deleted, the refusal recorded and the uploader told; antivirus still
    unreachable: it keeps waiting. Returns the new status."""
    from monespace.accounts.enums import SecurityEventKind
    from monespace.accounts.services import security_event_record

    with document.file.open("rb") as stream:
        verdict = antivirus.scan(stream)
    if verdict.status == antivirus.UNAVAILABLE:
        return document.scan_status
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        waiting = locked.scan_status in (ScanStatus.PENDING, ScanStatus.UNSCANNED)
        if not waiting or verdict.status == antivirus.UNSCANNED:  # decided, or no scanner
            return locked.scan_status
        locked.scanned_at = timezone.now()
        if verdict.rejects:
            locked.scan_status = ScanStatus.INFECTED
            locked.scan_signature = verdict.signature[:200]
            locked.save(update_fields=["scan_status", "scanned_at", "scan_signature"])
            file = locked.file
            transaction.on_commit(lambda: file.delete(save=False))
            security_event_record(kind=SecurityEventKind.UPLOAD_REFUSED, user=locked.uploaded_by)
            if locked.uploaded_by is not None:
                notification_create(
                    recipient=locked.uploaded_by,
                    title=_("Document refusé par l'antivirus"),
                    body=_(
                        "Le document « %(title)s » du dossier %(dossier)s contenait un virus : il a "
                        "été supprimé. Joignez un fichier sain."
                    )
                    % {"title": locked.title, "dossier": locked.dossier},
                    url=path_to("dossier", locked.dossier),
                )
        else:
            locked.scan_status = ScanStatus.CLEAN
            locked.save(update_fields=["scan_status", "scanned_at"])
    return locked.scan_status
