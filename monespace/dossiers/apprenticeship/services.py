"""Writes particular to the apprenticeship contract: its pay lines kept in step with what they
depend on, the CFA's pre-entry sent to the employer and sent back, the rupture declared and
recorded, the avenant as a new version, the deposit number. Each runs in a transaction,
records its history row and tells the people concerned after the commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.urls import path_to
from monespace.notifications.services import notification_create, notify
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Membership

from .. import lifecycle
from ..enums import DossierKind, DossierState, EventKind
from ..errors import DossierError
from ..funding.services import commitment_freeze, commitment_on_rupture
from ..instruction import email_instruction
from ..models import (
    ApprenticeshipContract,
    CommitmentReason,
    ContractRupture,
    Dossier,
    DossierEvent,
    PayLine,
)
from . import rules
from .pay import minimum_pay

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.organizations.models import Establishment

PAY_DEPENDS_ON = {"apprentice_birth_date", "start_date", "end_date", "smc"}
TITLE_DEPENDS_ON = {"apprentice_last_name", "apprentice_first_name", "qualification_title"}


def _event(dossier: Dossier, *, actor: User | None, kind: str, message: str = "") -> None:
    DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        kind=kind,
        from_state=dossier.state,
        to_state=dossier.state,
        message=message,
    )


# --- A new contract ----------------------------------------------------------------------------


def initial_values(establishment: Establishment, actor: User) -> tuple[dict, dict]:
    """A new contract starts with the employer the portal knows (the establishment of
    execution, from the OPCO's data) and, when a CFA enters it, that CFA."""
    from monespace.referentials.cerfa import CURRENT_APPRENTICESHIP_CERFA

    company = establishment.company
    detail: dict[str, Any] = {
        "cerfa_version": CURRENT_APPRENTICESHIP_CERFA,
        "employer_name": (establishment.display_name or company.name)[:255],
        "employer_street": establishment.address[:200],
        "employer_address_complement": establishment.address_complement[:200],
        "employer_postal_code": establishment.postal_code[:5],
        "employer_city": establishment.city[:100],
        "naf": establishment.naf or company.naf,
        "idcc": establishment.idcc,
    }
    dossier: dict[str, Any] = {}
    member_of_company = Membership.objects.filter(
        user=actor, company=company, status=MembershipStatus.ACTIVE
    ).exists()
    if not member_of_company:
        # Entered by an organisation under delegation: its CFA, when it is one.
        detail["entered_by_cfa"] = True
        cfa = _actor_cfa(actor, company)
        if cfa is not None:
            dossier.update(
                provider_establishment=cfa,
                provider_name=cfa.display_name[:255],
                provider_siret=cfa.siret,
            )
            detail.update(_cfa_values(cfa))
    return dossier, detail


def _actor_cfa(actor: User, company: Any) -> Establishment | None:
    """The establishment of the actor's organisation that holds the company's delegation (its
    CFA: the one with a UAI first, then the head office): the contract names it, so that the
    CFA keeps seeing what it entered (its delegation covers its own contracts)."""
    from monespace.organizations.models import Delegation, DelegationStatus, Establishment

    delegates = Delegation.objects.filter(
        company=company,
        status=DelegationStatus.ACTIVE,
        delegate__memberships__user=actor,
        delegate__memberships__status=MembershipStatus.ACTIVE,
    ).values("delegate_id")
    return (
        Establishment.objects.active()
        .filter(company_id__in=delegates)
        .order_by("-uai", "-is_head_office", "pk")
        .first()
    )


def _cfa_values(cfa: Establishment) -> dict[str, Any]:
    return {
        "cfa_uai": cfa.uai,
        "cfa_street": cfa.address[:200],
        "cfa_address_complement": cfa.address_complement[:200],
        "cfa_postal_code": cfa.postal_code[:5],
        "cfa_city": cfa.city[:100],
    }


def cfa_values(cfa: Establishment) -> dict[str, Any]:
    """The values a CFA chosen in the directory gives the « Formation » step."""
    return {
        "provider_establishment": cfa,
        "provider_name": cfa.display_name[:255],
        "provider_siret": cfa.siret,
        **_cfa_values(cfa),
    }


# --- Derived values ----------------------------------------------------------------------------


def after_update(dossier: Dossier, changed: set[str]) -> None:
    """Keep the pay lines and the title in step with what they are made of."""
    if changed & PAY_DEPENDS_ON:
        pay_lines_save(dossier=dossier, rates=None)
    if changed & TITLE_DEPENDS_ON:
        title = dossier.spec.title_for(dossier)
        if title != dossier.title:
            Dossier.objects.filter(pk=dossier.pk).update(title=title)
            dossier.title = title


@transaction.atomic
def pay_lines_save(*, dossier: Dossier, rates: Mapping[str, Decimal] | None) -> list[PayLine]:
    """Recompute the lines and their minimum; keep each rate typed (``rates``, or the saved
    ones) that is still at or above its line's minimum, raise the others to it. The hiring
    salary is the first line's amount."""
    contract = ApprenticeshipContract.objects.select_for_update().get(dossier=dossier)
    periods = minimum_pay(
        birth=contract.apprentice_birth_date,
        start=dossier.start_date,
        end=dossier.end_date,
        smc=contract.smc,
    )
    if rates is None:
        rates = {line.order: line.rate for line in contract.pay_lines.all()}
    lines = []
    for period in periods:
        rate = max(rates.get(period.order) or period.minimum_rate, period.minimum_rate)
        lines.append(
            PayLine(
                contract=contract,
                order=period.order,
                start=period.start,
                end=period.end,
                rate=rate,
                minimum_rate=period.minimum_rate,
                base=period.base,
                monthly_amount=period.amount(rate),
            )
        )
    contract.pay_lines.all().delete()
    PayLine.objects.bulk_create(lines)
    hiring = lines[0].monthly_amount if lines else None
    if contract.hiring_salary != hiring:
        contract.hiring_salary = hiring
        contract.save(update_fields=["hiring_salary"])
    return lines


@transaction.atomic
def contract_update(
    *,
    actor: User,
    dossier: Dossier,
    values: Mapping[str, Any],
    rates: Mapping[str, Decimal] | None = None,
) -> Dossier:
    """Save a step; the contract step gives the rates typed for its pay lines."""
    from .. import services

    dossier = services.dossier_update(actor=actor, dossier=dossier, values=values)
    if rates is not None:
        before = {line.order: line.rate for line in dossier.detail.pay_lines.all()}
        lines = pay_lines_save(dossier=dossier, rates=rates)
        if before != {line.order: line.rate for line in lines}:
            _event(
                dossier,
                actor=actor,
                kind=EventKind.EDITED,
                message=_("Rémunération : %s")
                % ", ".join(f"{line.order} {line.rate} %" for line in lines),
            )
    return dossier


# --- Pre-entry by a CFA, validation by the company ----------------------------------------------


def company_entrants(dossier: Dossier) -> list[User]:
    """The company's users who may enter (and transmit) this contract: the dispositif's right
    to enter, on its establishment or the whole company."""
    from django.db.models import Q

    memberships = (
        Membership.objects.filter(
            company_id=dossier.company_id,
            profile=Profile.MEMBER,
            status=MembershipStatus.ACTIVE,
            **{dossier.spec.enter_right: True},
        )
        .filter(Q(establishments__isnull=True) | Q(establishments=dossier.establishment_id))
        .select_related("user")
        .distinct()
    )
    return [m.user for m in memberships]


def tell(users: list[User], *, title: str, body: str, url: str) -> None:
    """Notify ``users`` once the transaction commits."""
    transaction.on_commit(lambda: notify(users, title=title, body=body, url=url))


@transaction.atomic
def contract_send_to_employer(*, actor: User, dossier: Dossier, message: str = "") -> Dossier:
    """A CFA without « mandat de gestion » sends its pre-entry to the company, whose users with
    the right see it in their to-do list, correct it and transmit it, or send it back."""
    dossier = lifecycle.transition(
        actor=actor, dossier=dossier, action="send_to_employer", message=message
    )
    tell(
        company_entrants(dossier),
        title=_("Contrat d'apprentissage à valider : %(title)s")
        % {"title": dossier.title or dossier.pk},
        body=_("%(cfa)s a pré-saisi ce contrat : vérifiez-le, puis transmettez-le à l'OPCO.")
        % {"cfa": dossier.provider_name or actor.get_full_name()},
        url=path_to("dossier", dossier),
    )
    return dossier


@transaction.atomic
def contract_return_to_cfa(*, actor: User, dossier: Dossier, comment: str) -> Dossier:
    """The company sends a pre-entered contract back to the CFA with what to correct."""
    dossier = lifecycle.transition(
        actor=actor, dossier=dossier, action="return_to_cfa", message=comment
    )
    if dossier.created_by_id:
        tell(
            [dossier.created_by],  # type: ignore[list-item]  # created_by_id is set
            title=_("Contrat d'apprentissage renvoyé par l'employeur : %(title)s")
            % {"title": dossier.title or dossier.pk},
            body=comment,
            url=path_to("dossier", dossier),
        )
    return dossier


@transaction.atomic
def contract_transmit(*, actor: User, dossier: Dossier, certified: bool) -> Dossier:
    """Transmission to the OPCO (the company, or its CFA under mandate): the file is complete
    on that day, which starts the OPCO's 20 days (kinds/apprenticeship.py)."""
    from .. import services

    return services.dossier_submit(actor=actor, dossier=dossier, certified=certified)


# --- Rupture -----------------------------------------------------------------------------------


@transaction.atomic
def rupture_declare(
    *,
    actor: User,
    dossier: Dossier,
    rupture_date: date,
    reason: str,
    initiated_by: str,
    comment: str = "",
) -> ContractRupture:
    """The company or its CFA declares the early end of an approved contract; the OPCO records
    it (``rupture_record``)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.state != DossierState.APPROVED:
        raise DossierError(_("Seul un contrat accepté par l'OPCO peut être rompu."))
    if ContractRupture.objects.filter(dossier=dossier).exists():
        raise DossierError(_("La rupture de ce contrat est déjà déclarée."))
    if dossier.start_date and rupture_date < dossier.start_date:
        raise DossierError(
            _("La rupture ne peut pas précéder le début du contrat (%(date)s).")
            % {"date": dossier.start_date.strftime("%d/%m/%Y")},
            field="rupture_date",
        )
    if dossier.end_date and rupture_date > dossier.end_date:
        raise DossierError(
            _("La rupture ne peut pas suivre la fin du contrat (%(date)s).")
            % {"date": dossier.end_date.strftime("%d/%m/%Y")},
            field="rupture_date",
        )
    try:
        with transaction.atomic():
            rupture = ContractRupture.objects.create(
                dossier=dossier,
                rupture_date=rupture_date,
                reason=reason,
                initiated_by=initiated_by,
                comment=comment,
                entered_by=actor,
            )
    except IntegrityError:  # declared at the same moment by someone else
        raise DossierError(_("La rupture de ce contrat est déjà déclarée.")) from None
    _event(
        dossier,
        actor=actor,
        kind=EventKind.RUPTURE_DECLARED,
        message=f"{rupture_date:%d/%m/%Y} — {rupture.get_reason_display()}",
    )
    url = path_to("staff_dossier", dossier)
    title = _("Rupture déclarée : contrat %(number)s") % {"number": dossier.number}

    def tell() -> None:
        if dossier.assigned_to_id:
            notification_create(recipient=dossier.assigned_to, title=title, url=url)  # type: ignore[arg-type]
        email_instruction(subject=title, body=f"{dossier.company.name} — {dossier.title}", path=url)

    transaction.on_commit(tell)
    return rupture


@transaction.atomic
def rupture_record(*, actor: User, dossier: Dossier) -> Dossier:
    """The OPCO records a declared rupture: the contract is « Rompu »."""
    rupture = ContractRupture.objects.select_for_update().filter(dossier=dossier).first()
    if rupture is None:
        raise DossierError(_("Aucune rupture n'est déclarée pour ce contrat."))
    dossier = lifecycle.transition(
        actor=actor,
        dossier=dossier,
        action="break",
        message=f"{rupture.rupture_date:%d/%m/%Y} — {rupture.get_reason_display()}",
    )
    rupture.recorded_by, rupture.recorded_at = actor, timezone.now()
    rupture.save(update_fields=["recorded_by", "recorded_at"])
    commitment_on_rupture(actor=actor, dossier=dossier)
    return dossier


# --- Avenant -----------------------------------------------------------------------------------


@transaction.atomic
def amendment_create(*, actor: User, dossier: Dossier, contract_type: str) -> Dossier:
    """An avenant (types 31 to 38) is a new version of an accepted contract: a draft that copies
    it, names it (its deposit number) and says what changes from when."""
    if contract_type not in rules.AMENDMENT_TYPES:
        raise DossierError(_("Choisissez un type d'avenant (31 à 38)."), field="contract_type")
    original = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if original.state != DossierState.APPROVED or original.kind != DossierKind.APPRENTICESHIP:
        raise DossierError(_("Un avenant porte sur un contrat accepté par l'OPCO."))
    source = original.detail
    open_amendments = Dossier.objects.filter(apprenticeship__amends=original).exclude(
        state__in=(DossierState.REFUSED, DossierState.CANCELLED, DossierState.APPROVED)
    )
    if open_amendments.exists():
        raise DossierError(
            _(
                "Un avenant à ce contrat est déjà en cours : complétez-le ou attendez la décision de l'OPCO."
            )
        )
    if ContractRupture.objects.filter(dossier=original).exists():
        raise DossierError(
            _("La rupture de ce contrat est déclarée : il ne peut plus être modifié.")
        )
    if not source.deca_number:
        raise DossierError(
            _(
                "Le contrat n'a pas encore de numéro de dépôt : l'avenant pourra être saisi une fois ce numéro enregistré par l'OPCO."
            )
        )
    copy = Dossier.objects.create(
        kind=original.kind,
        company=original.company,
        establishment=original.establishment,
        provider_establishment=original.provider_establishment,
        provider_name=original.provider_name,
        provider_siret=original.provider_siret,
        title=original.title,
        start_date=original.start_date,
        end_date=original.end_date,
        created_by=actor,
        duplicated_from=original,
    )
    fields = {
        f.name: getattr(source, f.name)
        for f in ApprenticeshipContract._meta.concrete_fields
        if f.name not in ("dossier", "amends", "complete_on", "decided_on", "deca_number")
    }
    fields.update(
        amends=original,
        contract_type=contract_type,
        previous_contract_number=source.deca_number,
        amendment_effect_date=None,
        entered_by_cfa=not Membership.objects.filter(
            user=actor, company=original.company, status=MembershipStatus.ACTIVE
        ).exists(),
    )
    contract = ApprenticeshipContract.objects.create(dossier=copy, **fields)
    PayLine.objects.bulk_create(
        PayLine(
            contract=contract,
            order=line.order,
            start=line.start,
            end=line.end,
            rate=line.rate,
            minimum_rate=line.minimum_rate,
            base=line.base,
            monthly_amount=line.monthly_amount,
        )
        for line in source.pay_lines.all()
    )
    DossierEvent.objects.create(
        dossier=copy,
        actor=actor,
        kind=EventKind.AMENDED,
        to_state=DossierState.DRAFT,
        message=_("Avenant au contrat %(number)s") % {"number": original.number},
    )
    _event(
        original,
        actor=actor,
        kind=EventKind.AMENDED,
        message=_("Avenant de type %(type)s en saisie") % {"type": contract_type},
    )
    return copy


# Fields compared between an avenant and its contract (the CERFA's, the dossier's dates and CFA).
COMPARED = tuple(
    name
    for names in rules.STEP_FIELDS.values()
    for name in names
    if name not in ("contract_type", "previous_contract_number", "amendment_effect_date")
)


def amendment_changes(dossier: Dossier) -> list[tuple[str, str, Any, Any]]:
    """(field, label, before, after) of what an avenant changes in its contract."""
    contract = dossier.detail
    if contract.amends_id is None:
        return []
    original = contract.amends
    before_contract = original.apprenticeship
    changes = []
    for name in COMPARED:
        in_dossier = name in rules.DOSSIER_FIELDS
        before = getattr(original if in_dossier else before_contract, name)
        after = getattr(dossier if in_dossier else contract, name)
        if before != after:
            model = Dossier if in_dossier else ApprenticeshipContract
            label = str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            changes.append((name, label, before, after))
    return changes


# --- Deposit -----------------------------------------------------------------------------------


@transaction.atomic
def contract_approve(*, actor: User, dossier: Dossier, deca_number: str = "") -> Any:
    """« Accord »: the OPCO takes the contract on (its letter, the company and the CFA told),
    with its deposit number when the advisor has it already (printed on the letter)."""
    from .. import instruction

    if deca_number:
        ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number=deca_number)
    decision = instruction.dossier_approve(actor=actor, dossier=dossier, granted={})
    commitment_freeze(actor=actor, dossier=decision.dossier, reason=CommitmentReason.APPROVAL)
    if deca_number:
        _event(decision.dossier, actor=actor, kind=EventKind.DEPOSITED, message=deca_number)
    return decision


@transaction.atomic
def deposit_record(*, actor: User, dossier: Dossier, deca_number: str) -> Dossier:
    """The contract's number in the ministry's deposit (DECA), received after the decision."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    contract = dossier.spec.detail_model._default_manager.select_for_update().get(dossier=dossier)
    if dossier.state not in (DossierState.APPROVED, DossierState.BROKEN, DossierState.CLOSED):
        raise DossierError(_("Le numéro de dépôt s'enregistre sur un contrat accepté."))
    if contract.deca_number == deca_number:
        return dossier
    contract.deca_number = deca_number
    contract.save(update_fields=["deca_number"])
    _event(dossier, actor=actor, kind=EventKind.DEPOSITED, message=deca_number)
    return dossier


# --- The OPCO's 20 days ------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 3


def deadline_reminders(*, today: date | None = None) -> int:
    """The daily reminder: the contracts under instruction whose 20 days end within
    ``REMIND_DAYS_BEFORE`` days (or have ended: the silence refuses them) are listed to their
    advisor (a notification each), and the unassigned ones to the instruction's address.
    Returns how many contracts were reminded."""
    from datetime import timedelta

    from django.db.models import F

    from ..kinds import INSTRUCTED
    from ..models import DECISION_DAYS

    today = today or timezone.localdate()
    latest_complete = today - timedelta(days=DECISION_DAYS - REMIND_DAYS_BEFORE)
    due = list(
        Dossier.objects.filter(
            kind=DossierKind.APPRENTICESHIP,
            # Waiting for the company's pieces, the file is not complete: the days stop.
            state__in=[s for s in INSTRUCTED if s != DossierState.DOCUMENTS_REQUESTED],
            apprenticeship__complete_on__lte=latest_complete,
        )
        .select_related("apprenticeship", "assigned_to", "company")
        .order_by(F("apprenticeship__complete_on").asc(), "pk")
    )
    unassigned = []
    for dossier in due:
        decide_by = dossier.apprenticeship.decide_by
        title = _("Contrat %(number)s : décision avant le %(date)s") % {
            "number": dossier.number,
            "date": decide_by.strftime("%d/%m/%Y") if decide_by else "",
        }
        if dossier.assigned_to_id:
            notification_create(
                recipient=dossier.assigned_to,  # type: ignore[arg-type]  # assigned_to_id is set
                title=title,
                body=_("Sans décision dans le délai, le silence de l'OPCO vaut refus."),
                url=path_to("staff_dossier", dossier),
            )
        else:
            unassigned.append(f"{title} — {dossier.company.name}")
    if unassigned:
        email_instruction(
            subject=_("Contrats d'apprentissage non attribués à décider"),
            body="\n".join(unassigned),
            path=reverse_queue(),
        )
    return len(due)


def reverse_queue() -> str:
    from django.urls import reverse

    return reverse("backoffice:queue") + "?kind=apprenticeship&sort=echeance"
