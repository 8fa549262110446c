"""« Contrat de professionnalisation » (CERFA EJ20 n° 12434; seeds 003 and 004) and « Pro-A »
(an amendment to a CDI deposited under the same procedure): entered in the order of the form —
Employeur, Salarié(e), Tuteur, Contrat, Formation, Signatures — by the company or its training
organisation (whose entry the company validates, seed 004), checked against the law
(dossiers/professionalisation/rules.py) and funded on the branch's hourly forfait with the
tutor's aid (dossiers/funding/professionalisation.py).

Unlike the apprenticeship contract, the OPCO's silence 20 days after the complete file accepts
the contract (D6325-2): ``tacit_acceptances`` records it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..enums import DossierKind, DossierState
from ..models import ApprenticeshipContract, Dossier, ProfessionalisationContract
from ..professionalisation import rules
from . import COMMON_TRANSITIONS, Kind, register

S = rules

TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    **COMMON_TRANSITIONS,
    "submit": {
        DossierState.DRAFT: DossierState.SUBMITTED,
        DossierState.AWAITING_EMPLOYER: DossierState.SUBMITTED,
    },
    "send_to_employer": {DossierState.DRAFT: DossierState.AWAITING_EMPLOYER},
    "return_to_cfa": {DossierState.AWAITING_EMPLOYER: DossierState.DRAFT},
    "break": {DossierState.APPROVED: DossierState.BROKEN},
}

STEP_LABELS: tuple[tuple[str, str | Promise], ...] = (
    (S.STEP_EMPLOYER, gettext_lazy("Employeur")),
    (S.STEP_EMPLOYEE, gettext_lazy("Salarié(e)")),
    (S.STEP_TUTOR, gettext_lazy("Tuteur")),
    (S.STEP_CONTRACT, gettext_lazy("Contrat")),
    (S.STEP_TRAINING, gettext_lazy("Formation")),
    (S.STEP_SIGNATURES, gettext_lazy("Signatures")),
)
PRO_A_STEP_LABELS: tuple[tuple[str, str | Promise], ...] = (
    (S.STEP_EMPLOYER, gettext_lazy("Employeur")),
    (S.STEP_EMPLOYEE, gettext_lazy("Salarié(e)")),
    (S.STEP_TUTOR, gettext_lazy("Tuteur")),
    (S.STEP_CONTRACT, gettext_lazy("Avenant")),
    (S.STEP_TRAINING, gettext_lazy("Formation")),
    (S.STEP_SIGNATURES, gettext_lazy("Signatures")),
)
ACTIVE_STATES = (
    DossierState.SUBMITTED,
    DossierState.UNDER_REVIEW,
    DossierState.DOCUMENTS_REQUESTED,
    DossierState.APPROVED,
)


def _numbered(steps: tuple[tuple[str, str | Promise], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((key, f"{i} - {label}") for i, (key, label) in enumerate(steps, start=1))


class ProfessionalisationKind(Kind):
    value = DossierKind.PROFESSIONALISATION
    code = "CP"
    order = 3
    slug = "contrat-professionnalisation"
    detail_model = ProfessionalisationContract
    detail_name = "professionalisation"
    view_rights = ("can_view_professionalisation", "can_edit_professionalisation")
    enter_right = "can_edit_professionalisation"
    # No mandate: an organisation enters, the company validates and transmits (seed 004).
    delegation_transmit_right = "never"
    delegation_own_dossiers = True
    steps = _numbered(STEP_LABELS)
    dossier_fields = rules.DOSSIER_FIELDS
    copied_fields = (
        "kind",
        "company",
        "establishment",
        "provider_establishment",
        "provider_name",
        "provider_siret",
    )
    copied_detail_fields = (
        *rules.STEP_FIELDS[S.STEP_EMPLOYER],
        *rules.STEP_FIELDS[S.STEP_TUTOR],
        "provider_nda",
        "provider_street",
        "provider_postal_code",
        "provider_city",
        "internal_training",
        "qualification_type",
        "qualification_title",
        "rncp",
        "target_level",
        "training_hours",
        "job_title",
        "classification",
        "coefficient",
        "weekly_hours",
    )
    transitions = TRANSITIONS
    tells_provider = True
    step_labels = STEP_LABELS

    def initial_values(self, establishment: Any, actor: Any) -> tuple[dict, dict]:
        from ..professionalisation.services import initial_values

        return initial_values(establishment, actor)

    def after_update(self, dossier: Dossier, changed: set[str]) -> None:
        title = self.title_for(dossier)
        if title != dossier.title:
            Dossier.objects.filter(pk=dossier.pk).update(title=title)
            dossier.title = title

    def after_transition(self, dossier: Dossier, action: str) -> None:
        today = timezone.localdate()
        if action in ("submit", "documents_provided"):
            ProfessionalisationContract.objects.filter(dossier=dossier).update(complete_on=today)
            Dossier.objects.filter(pk=dossier.pk).update(complete_on=today)
            dossier.complete_on = today
        elif action in ("approve", "refuse"):
            ProfessionalisationContract.objects.filter(dossier=dossier).update(decided_on=today)

    def steps_for(self, dossier: Dossier) -> tuple[tuple[str, str], ...]:
        return _numbered(self.step_labels)

    def title_for(self, dossier: Dossier) -> str:
        contract = dossier.detail
        parts = [contract.employee_name, contract.qualification_title]
        return " — ".join(p for p in parts if p)[:255]

    # --- Rules -----------------------------------------------------------------------------

    def findings(self, dossier: Dossier) -> list[rules.Finding]:
        """The law's checks on the saved contract, computed once per dossier read (a page
        asks for them for its step, its « Il manque » and its warnings)."""
        cached = dossier.__dict__.get("_pro_findings")
        if cached is None:
            cached = dossier.__dict__["_pro_findings"] = rules.check(dossier.detail, dossier)
        return cached

    def decision_closed(self, dossier: Dossier) -> str | None:
        if rules.silence_accepted(dossier):
            return _(
                "Le délai de 20 jours est dépassé : le silence de l'OPCO vaut acceptation. Acceptez le contrat."
            )
        return None

    def missing_items(self, dossier: Dossier, **preloaded: Any) -> list[tuple[str, str, str]]:
        contract = dossier.detail
        items = [(f.step, f"id_{f.field}", f.message) for f in rules.missing(contract, dossier)]
        items += [
            (f.step, f"id_{f.field}", f.message) for f in self.findings(dossier) if f.blocking
        ]
        items += [
            (S.STEP_SIGNATURES, "documents", label)
            for label in self.missing_pieces(dossier, preloaded.get("documents"))
        ]
        return items

    def warnings(self, dossier: Dossier, **preloaded: Any) -> list[str]:
        notes = [f.message for f in self.findings(dossier) if not f.blocking]
        notes += tutor_load_warnings(dossier)
        deadline = rules.deposit_due(dossier)
        if deadline and dossier.is_editable and timezone.localdate() > deadline:
            notes.append(
                _(
                    "Le contrat doit parvenir à l'OPCO au plus tard 5 jours après son début (le %(date)s) : il arrivera en retard."
                )
                % {"date": deadline.strftime("%d/%m/%Y")}
            )
        return notes

    def checklist(self, dossier: Dossier) -> list[tuple[str, bool, list[str]]]:
        contract = dossier.detail
        found = self.findings(dossier)
        missing = rules.missing(contract, dossier)

        def on(*steps: str, fields: tuple[str, ...] = ()) -> list[str]:
            return [
                f.message for f in found if f.blocking and (f.step in steps or f.field in fields)
            ]

        public = on(S.STEP_EMPLOYEE)
        tutor = on(S.STEP_TUTOR) + tutor_load_warnings(dossier)
        if not contract.tutor_last_name:
            tutor.append(_("Tuteur à renseigner."))
        qualification = [f.message for f in found if f.field == "rncp"]
        if not contract.qualification_title:
            qualification.append(_("Intitulé de la qualification visée absent."))
        checks = [
            (
                _("Éligibilité à Pro-A")
                if rules.is_pro_a(dossier)
                else _("Public et âge du salarié"),
                public,
            ),
            (
                _("Durée du contrat ou de l'action"),
                [
                    f.message
                    for f in found
                    if f.blocking and f.field in ("end_date", "conclusion_date")
                ],
            ),
            (
                _("Formation : 150 h au moins, 15 à 25 % de la durée"),
                [
                    f.message
                    for f in found
                    if f.blocking and f.step == S.STEP_TRAINING and f.field != "rncp"
                ],
            ),
            (
                _("Rémunération minimale"),
                [
                    f.message
                    for f in found
                    if f.blocking and f.field in ("pay_rate", "hiring_salary", "smc")
                ],
            ),
            (_("Tuteur"), tutor),
            (_("Qualification visée"), qualification),
            (_("Champs obligatoires"), [f.message for f in missing]),
            (_("Pièces justificatives"), self.missing_pieces(dossier)),
        ]
        return [(label, not reasons, reasons) for label, reasons in checks]

    def deadlines(self, dossier: Dossier) -> dict[str, Any]:
        """The deposit 5 calendar days after the start; the OPCO's 20 days, after which its
        silence accepts the contract."""
        from .apprenticeship import contract_deadlines

        return contract_deadlines(dossier, rules.deposit_due(dossier), silence_accepts=True)


class ProAKind(ProfessionalisationKind):
    value = DossierKind.PRO_A
    code = "PA"
    order = 4
    slug = "pro-a"
    short_label = "Pro-A"
    steps = _numbered(PRO_A_STEP_LABELS)
    step_labels = PRO_A_STEP_LABELS

    def piece_required(self, dossier: Dossier, condition: str) -> bool:
        return not condition


def tutor_load_warnings(dossier: Dossier) -> list[str]:
    """A tutor follows at most three alternants at once (professionalisation, Pro-A and
    apprenticeship together): a warning when the OPCO's data counts three already."""
    contract = dossier.detail
    last, first, birth = (
        contract.tutor_last_name,
        contract.tutor_first_name,
        contract.tutor_birth_date,
    )
    if not (last and first and birth and dossier.start_date and dossier.end_date):
        return []
    overlapping = Q(
        dossier__state__in=ACTIVE_STATES,
        dossier__start_date__lte=dossier.end_date,
        dossier__end_date__gte=dossier.start_date,
    )
    pro = (
        ProfessionalisationContract.objects.filter(
            overlapping,
            tutor_birth_date=birth,
            tutor_last_name__iexact=last,
            tutor_first_name__iexact=first,
        )
        .exclude(dossier=dossier)
        .count()
    )
    apprentices = ApprenticeshipContract.objects.filter(
        overlapping,
        Q(
            master1_birth_date=birth,
            master1_last_name__iexact=last,
            master1_first_name__iexact=first,
        )
        | Q(
            master2_birth_date=birth,
            master2_last_name__iexact=last,
            master2_first_name__iexact=first,
        ),
        amends__isnull=True,
    ).count()
    running = pro + apprentices
    if running >= rules.TUTOR_MAX_ALTERNANTS:
        return [
            _(
                "%(name)s accompagne déjà %(count)d alternants sur la période : un tuteur en suit au plus 3 à la fois."
            )
            % {"name": f"{first} {last}", "count": running}
        ]
    return []


PROFESSIONALISATION = register(ProfessionalisationKind())
PRO_A = register(ProAKind())
