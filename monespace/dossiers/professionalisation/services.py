"""Writes particular to the professionalisation contract and Pro-A: a new contract's known
values, the training organisation's entry sent to the company and sent back (seed 004), the
accord with its commitment and letter, and the OPCO's silence that accepts a contract 20 days
after its complete file (D6325-2). Each runs in a transaction and tells the people concerned
after the commit."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.formats import format_euros
from monespace.core.urls import path_to
from monespace.organizations.enums import MembershipStatus
from monespace.organizations.models import Membership

from .. import lifecycle
from ..apprenticeship.services import company_entrants, tell
from ..enums import DossierKind, DossierState, EventKind
from ..errors import DossierError
from ..funding.services import commitment_freeze
from ..models import (
    CommitmentReason,
    Decision,
    DecisionKind,
    Dossier,
    DossierEvent,
    ProfessionalisationContract,
)

if TYPE_CHECKING:
    from monespace.accounts.models import User
    from monespace.organizations.models import Establishment

KINDS = (DossierKind.PROFESSIONALISATION, DossierKind.PRO_A)
logger = logging.getLogger(__name__)


def initial_values(establishment: Establishment, actor: User) -> tuple[dict, dict]:
    """A new contract starts with the employer the portal knows and, when a training
    organisation enters it, that organisation."""
    from ..apprenticeship.services import _actor_cfa

    company = establishment.company
    detail: dict[str, Any] = {
        "employer_name": (establishment.display_name or company.name)[:255],
        "employer_street": establishment.address[:200],
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
        detail["entered_by_provider"] = True
        provider = _actor_cfa(actor, company)
        if provider is not None:
            dossier.update(
                provider_establishment=provider,
                provider_name=provider.display_name[:255],
                provider_siret=provider.siret,
            )
            detail.update(
                provider_nda=provider.nda[:11],
                provider_street=provider.address[:200],
                provider_postal_code=provider.postal_code[:5],
                provider_city=provider.city[:100],
            )
    return dossier, detail


def provider_values(provider: Establishment) -> dict[str, Any]:
    """What a training organisation chosen in the directory gives « Formation »."""
    return {
        "provider_establishment": provider,
        "provider_name": provider.display_name[:255],
        "provider_siret": provider.siret,
        "provider_nda": provider.nda[:11],
        "provider_street": provider.address[:200],
        "provider_postal_code": provider.postal_code[:5],
        "provider_city": provider.city[:100],
    }


# --- The organisation's entry, validated by the company ----------------------------------------


@transaction.atomic
def send_to_employer(*, actor: User, dossier: Dossier) -> Dossier:
    """The training organisation sends its entry to the company, which checks it, then
    transmits it to the OPCO or sends it back (seed 004)."""
    dossier = lifecycle.transition(actor=actor, dossier=dossier, action="send_to_employer")
    tell(
        company_entrants(dossier),
        title=_("%(kind)s à valider : %(title)s")
        % {"kind": dossier.get_kind_display(), "title": dossier.title or dossier.pk},
        body=_("%(provider)s a saisi ce contrat : vérifiez-le, puis transmettez-le à l'OPCO.")
        % {"provider": dossier.provider_name or actor.get_full_name()},
        url=path_to("dossier", dossier),
    )
    return dossier


@transaction.atomic
def return_to_provider(*, actor: User, dossier: Dossier, comment: str) -> Dossier:
    dossier = lifecycle.transition(
        actor=actor, dossier=dossier, action="return_to_cfa", message=comment
    )
    if dossier.created_by_id:
        tell(
            [dossier.created_by],  # type: ignore[list-item]  # created_by_id is set
            title=_("Contrat renvoyé par l'employeur : %(title)s")
            % {"title": dossier.title or dossier.pk},
            body=comment,
            url=path_to("dossier", dossier),
        )
    return dossier


# --- Accord ------------------------------------------------------------------------------------


@transaction.atomic
def contract_approve(
    *, actor: User | None, dossier: Dossier, deca_number: str = "", tacit: bool = False
) -> Decision:
    """« Accord »: the contract is taken on with its prise en charge frozen (the branch's
    forfait and the tutor's aid in force at its conclusion) and the letter that states it.
    ``tacit``: no advisor decided within the 20 days, the silence accepts it."""
    from ..instruction import _letter, _tell_company

    dossier = lifecycle.transition(
        actor=actor,
        dossier=dossier,
        action="approve",
        message=_("Accord tacite : l'OPCO n'a pas statué dans les 20 jours.") if tacit else "",
    )
    updates: dict[str, Any] = {"tacit": tacit}
    if deca_number:
        updates["deca_number"] = deca_number
    ProfessionalisationContract.objects.filter(dossier=dossier).update(**updates)
    commitment = commitment_freeze(actor=actor, dossier=dossier, reason=CommitmentReason.APPROVAL)
    total = commitment.total if commitment is not None else None
    if total is not None:
        Dossier.objects.filter(pk=dossier.pk).update(granted_total=total)
    decision = Decision.objects.create(
        dossier=dossier,
        kind=DecisionKind.APPROVAL,
        decided_by=actor,
        granted_total=total,
        reason=(
            _(
                "En l'absence de décision de l'OPCO dans les 20 jours suivant la réception du dossier complet, la prise en charge est réputée acceptée."
            )
            if tacit
            else ""
        ),
    )
    _letter(
        dossier,
        decision,
        actor=actor,
        title=_("Courrier d'accord"),
        extra_lines=[
            line for line in (commitment.lines if commitment else []) if line.get("amount")
        ],
    )
    body = (
        _(
            "Le contrat est pris en charge pour %(total)s. Le courrier d'accord est dans les documents du dossier."
        )
        % {"total": format_euros(total)}
        if total is not None
        else _(
            "L'OPCO prend en charge le contrat. Le courrier d'accord est dans les documents du dossier."
        )
    )
    _tell_company(
        dossier, title=_("Contrat %(number)s accepté") % {"number": dossier.number}, body=body
    )
    if deca_number:
        DossierEvent.objects.create(
            dossier=dossier,
            actor=actor,
            kind=EventKind.DEPOSITED,
            from_state=dossier.state,
            to_state=dossier.state,
            message=deca_number,
        )
    return decision


def tacit_acceptances(*, today: date | None = None) -> list[Dossier]:
    """The daily pass: every professionalisation contract or Pro-A whose 20 days have ended
    with no decision (and no pieces asked for) is accepted by the OPCO's silence. Each is
    decided in its own transaction, so that one failure does not hold back the others."""
    today = today or timezone.localdate()
    from ..models import PRO_DECISION_DAYS

    latest_complete = date.fromordinal(today.toordinal() - PRO_DECISION_DAYS - 1)
    due = list(
        Dossier.objects.filter(
            kind__in=KINDS,
            state__in=[DossierState.SUBMITTED, DossierState.UNDER_REVIEW],
            professionalisation__complete_on__lte=latest_complete,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    accepted = []
    for pk in due:
        try:
            with transaction.atomic():
                dossier = Dossier.objects.get(pk=pk)
                contract_approve(actor=None, dossier=dossier, tacit=True)
                accepted.append(dossier)
        except DossierError:
            continue  # decided meanwhile by an advisor
        except Exception:
            logger.exception("tacit acceptance of dossier %s failed", pk)
            continue
    return accepted
