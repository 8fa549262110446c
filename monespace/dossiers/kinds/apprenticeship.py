"""« Contrat d'apprentissage » (seeds 002 and 004; CERFA FA13 n° 10103): entered in the order
of the form — Employeur, Apprenti(e), Représentant légal (only for a non-emancipated minor),
Maître(s) d'apprentissage, Contrat, Formation, Signatures — by the company or its CFA, checked
against the law (dossiers/apprenticeship/rules.py), its minimum pay computed
(dossiers/apprenticeship/pay.py).

Its lifecycle adds to the common one: a CFA without « mandat de gestion » sends its pre-entry
to the employer (``send_to_employer``), who transmits it or sends it back (``return_to_cfa``);
an approved contract may end early (``break``: rupture).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..apprenticeship import rules
from ..apprenticeship.pay import age_on, minimum_pay
from ..enums import DossierKind, DossierState
from ..models import ApprenticeshipContract, Dossier
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
    (S.STEP_APPRENTICE, gettext_lazy("Apprenti(e)")),
    (S.STEP_GUARDIAN, gettext_lazy("Représentant légal")),
    (S.STEP_MASTERS, gettext_lazy("Maître(s) d'apprentissage")),
    (S.STEP_CONTRACT, gettext_lazy("Contrat")),
    (S.STEP_TRAINING, gettext_lazy("Formation")),
    (S.STEP_SIGNATURES, gettext_lazy("Signatures")),
)


def _numbered(steps: tuple[tuple[str, str | Promise], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((key, f"{i} - {label}") for i, (key, label) in enumerate(steps, start=1))


class ApprenticeshipKind(Kind):
    value = DossierKind.APPRENTICESHIP
    code = "CA"
    order = 2
    slug = "contrat-apprentissage"
    detail_model = ApprenticeshipContract
    detail_name = "apprenticeship"
    view_rights = ("can_view_apprenticeship", "can_edit_apprenticeship")
    enter_right = "can_edit_apprenticeship"
    delegation_transmit_right = "apprenticeship_mandate"
    delegation_own_dossiers = True
    steps = STEP_LABELS
    dossier_fields = rules.DOSSIER_FIELDS
    # Duplication keeps the employer, the masters, the training and the terms; a new apprentice,
    # new dates and new pay are entered.
    copied_fields = (
        "kind",
        "company",
        "establishment",
        "provider_establishment",
        "provider_name",
        "provider_siret",
    )
    # (Not the CERFA version: a copy is entered under the current one.)
    copied_detail_fields = (
        *rules.STEP_FIELDS[S.STEP_EMPLOYER],
        *rules.STEP_FIELDS[S.STEP_MASTERS],
        *(
            name
            for name in rules.STEP_FIELDS[S.STEP_TRAINING]
            if name not in rules.DOSSIER_FIELDS and name not in ("training_start", "exams_end")
        ),
        "contract_mode",
        "weekly_hours",
        "weekly_minutes",
        "hazardous_work",
        "pension_fund",
        "benefit_food",
        "benefit_housing",
        "benefit_other",
    )
    cost_lines = ()
    transitions = TRANSITIONS
    # Decisions are told to the CFA named on the contract too (seed 004).
    tells_provider = True

    def initial_values(self, establishment: Any, actor: Any) -> tuple[dict, dict]:
        from ..apprenticeship.services import initial_values

        return initial_values(establishment, actor)

    def after_update(self, dossier: Dossier, changed: set[str]) -> None:
        from ..apprenticeship.services import after_update

        after_update(dossier, changed)

    def after_transition(self, dossier: Dossier, action: str) -> None:
        """The file is complete when transmitted, and again when the pieces asked for are
        given (the OPCO's 20 days run from then); decisions are dated."""
        today = timezone.localdate()
        if action in ("submit", "documents_provided"):
            ApprenticeshipContract.objects.filter(dossier=dossier).update(complete_on=today)
            Dossier.objects.filter(pk=dossier.pk).update(complete_on=today)
            dossier.complete_on = today
        elif action in ("approve", "refuse"):
            ApprenticeshipContract.objects.filter(dossier=dossier).update(decided_on=today)

    def steps_for(self, dossier: Dossier) -> tuple[tuple[str, str], ...]:
        contract = dossier.detail
        shown = tuple(
            (key, label)
            for key, label in STEP_LABELS
            if key != S.STEP_GUARDIAN or rules.needs_guardian(contract, dossier)
        )
        return _numbered(shown)

    def piece_required(self, dossier: Dossier, condition: str) -> bool:
        contract = dossier.detail
        if condition == "duration_derogation":
            return contract.derogation_type in (S.SHORTER, S.LONGER)
        if condition == "business_project_over_29":
            age = rules.age_at_start(contract, dossier)
            return contract.apprentice_business_project and age is not None and age > 29
        return not condition

    # --- Rules -----------------------------------------------------------------------------

    def findings(self, dossier: Dossier) -> list[rules.Finding]:
        """The law's checks on the saved contract, with its pay lines."""
        contract = dossier.detail
        lines = [(line.start, line.rate) for line in contract.pay_lines.all()]
        return rules.check(
            contract,
            dossier,
            amended_last_rate=_amended_last_rate(contract),
            first_rate=extension_rate(contract, lines),
        )

    def pay_lines_stale(self, dossier: Dossier) -> bool:
        """Whether the saved pay lines no longer follow the dates, the birth date or the SMC."""
        contract = dossier.detail
        expected = minimum_pay(
            birth=contract.apprentice_birth_date,
            start=dossier.start_date,
            end=dossier.end_date,
            smc=contract.smc,
        )
        saved = [
            (line.order, line.start, line.end, line.minimum_rate, line.base)
            for line in contract.pay_lines.all()
        ]
        return saved != [(p.order, p.start, p.end, p.minimum_rate, p.base) for p in expected]

    def missing_items(self, dossier: Dossier, **preloaded: Any) -> list[tuple[str, str, str]]:
        contract = dossier.detail
        items = [(f.step, f"id_{f.field}", f.message) for f in rules.missing(contract, dossier)]
        items += [
            (f.step, f"id_{f.field}", f.message) for f in self.findings(dossier) if f.blocking
        ]
        computable = dossier.start_date and dossier.end_date and contract.apprentice_birth_date
        if computable and (not contract.pay_lines.exists() or self.pay_lines_stale(dossier)):
            items.append(
                (
                    S.STEP_CONTRACT,
                    "pay-lines",
                    _(
                        "la rémunération : vérifiez les lignes calculées à l'étape « Contrat » et enregistrez-la"
                    ),
                )
            )
        items += [
            (S.STEP_SIGNATURES, "documents", label)
            for label in self.missing_pieces(dossier, preloaded.get("documents"))
        ]
        return items

    def warnings(self, dossier: Dossier, **preloaded: Any) -> list[str]:
        notes = [f.message for f in self.findings(dossier) if not f.blocking]
        notes += master_load_warnings(dossier)
        deadline = rules.lateness(dossier)
        if deadline and dossier.is_editable and timezone.localdate() > deadline:
            notes.append(
                _(
                    "Le contrat doit parvenir à l'OPCO au plus tard 5 jours ouvrés après son début (le %(date)s) : il arrivera en retard."
                )
                % {"date": deadline.strftime("%d/%m/%Y")}
            )
        return notes

    def checklist(self, dossier: Dossier) -> list[tuple[str, bool, list[str]]]:
        """The advisor's controls (label, passed, reasons), computed from the contract: age,
        dates, working and training time, pay, maître(s), qualification, pieces."""
        contract = dossier.detail
        missing = {f.field for f in rules.missing(contract, dossier)}

        def messages(found: list[rules.Finding]) -> list[str]:
            return [f.message for f in found]

        age = messages(rules._age(contract, dossier))
        if "guardian_name" in missing:
            age.append(
                _("Apprenti(e) mineur(e) non émancipé(e) : représentant légal à renseigner.")
            )
        pay: list[str] = []
        if self.pay_lines_stale(dossier) or not contract.pay_lines.exists():
            pay.append(_("Lignes de rémunération absentes ou à recalculer."))
        if "smc" in missing:
            pay.append(
                _("Salaire minimum conventionnel à renseigner (21 ans ou plus avant la fin).")
            )
        masters = messages(rules._masters(contract, dossier)) + master_load_warnings(dossier)
        if not contract.masters_eligibility_attested:
            masters.append(_("Attestation d'éligibilité du maître d'apprentissage non cochée."))
        qualification = []
        if not (contract.rncp or contract.diploma_code):
            qualification.append(_("Ni code RNCP ni code du diplôme."))
        if not contract.qualification_title:
            qualification.append(_("Intitulé du diplôme ou titre visé absent."))
        checks = [
            (_("Âge de l'apprenti(e)"), age),
            (
                _("Dates du contrat et de la formation"),
                messages(rules._contract_dates(contract, dossier))
                + [
                    f.message
                    for f in rules._training(contract, dossier)
                    if f.field not in ("training_hours", "distance_hours")
                ],
            ),
            (
                _("Durée du travail et de la formation"),
                messages(rules._working_time(contract, dossier))
                + [
                    f.message
                    for f in rules._training(contract, dossier)
                    if f.field in ("training_hours", "distance_hours")
                ],
            ),
            (_("Rémunération minimale"), pay),
            (_("Maître(s) d'apprentissage"), masters),
            (_("Diplôme ou titre visé (RNCP ou code diplôme)"), qualification),
            (_("Pièces justificatives"), self.missing_pieces(dossier)),
        ]
        return [(label, not reasons, reasons) for label, reasons in checks]

    def deadlines(self, dossier: Dossier) -> dict[str, Any]:
        """The deposit's lateness (5 working days after the start) and the OPCO's 20 days from
        the complete file (silence is a refusal for an apprenticeship contract)."""
        return contract_deadlines(dossier, rules.lateness(dossier))

    def title_for(self, dossier: Dossier) -> str:
        """The lists' title: the apprentice and the qualification."""
        contract = dossier.detail
        parts = [contract.apprentice_name, contract.qualification_title]
        return " — ".join(p for p in parts if p)[:255]


def contract_deadlines(dossier: Dossier, due: Any, **extra: Any) -> dict[str, Any]:
    """A work-study contract's deadlines for the back office: the deposit due by ``due``, the
    complete file and the OPCO's 20 days (its detail's ``complete_on`` and ``decide_by``)."""
    contract = dossier.detail
    submitted = dossier.submitted_at.date() if dossier.submitted_at else None
    decide_by = contract.decide_by
    return {
        "deposit_due": due,
        "deposited_late": bool(due and submitted and submitted > due),
        "complete_on": contract.complete_on,
        "decide_by": decide_by,
        "days_left": (decide_by - timezone.localdate()).days if decide_by else None,
        # Waiting for pieces: the file is incomplete, the 20 days start again once given.
        "suspended": dossier.state == DossierState.DOCUMENTS_REQUESTED,
        **extra,
    }


def extension_rate(contract: ApprenticeshipContract, lines: list[tuple[Any, Any]]) -> Any:
    """The rate of the first pay line an avenant adds beyond the end of the contract it amends
    (what a prolongation after a failed exam, type 33, must pay at least as much as before)."""
    if contract.amends_id is None:
        return None
    original_end = contract.amends.end_date  # type: ignore[union-attr]
    added = [rate for start, rate in lines if original_end and start > original_end]
    return added[0] if added else None


def _amended_last_rate(contract: ApprenticeshipContract) -> Any:
    if contract.amends_id is None:
        return None
    last = (
        contract.amends.apprenticeship.pay_lines.order_by("-order").first()  # type: ignore[union-attr]
        if hasattr(contract.amends, "apprenticeship")
        else None
    )
    return last.rate if last else None


ACTIVE_STATES = (
    DossierState.SUBMITTED,
    DossierState.UNDER_REVIEW,
    DossierState.DOCUMENTS_REQUESTED,
    DossierState.APPROVED,
)
MAX_APPRENTICES_PER_MASTER = 2


def master_load_warnings(dossier: Dossier) -> list[str]:
    """A maître d'apprentissage follows at most two apprentices at once (R6223-6): a warning
    when the OPCO's data already counts two running contracts for the same person."""
    contract = dossier.detail
    notes = []
    for number in (1, 2):
        last = getattr(contract, f"master{number}_last_name")
        first = getattr(contract, f"master{number}_first_name")
        birth = getattr(contract, f"master{number}_birth_date")
        if not (last and first and birth and dossier.start_date and dossier.end_date):
            continue
        same_person = Q(
            master1_birth_date=birth,
            master1_last_name__iexact=last,
            master1_first_name__iexact=first,
        ) | Q(
            master2_birth_date=birth,
            master2_last_name__iexact=last,
            master2_first_name__iexact=first,
        )
        # One apprentice per contract: its avenants are versions of it, not apprentices.
        running = (
            ApprenticeshipContract.objects.filter(
                same_person,
                amends__isnull=True,
                dossier__state__in=ACTIVE_STATES,
                dossier__start_date__lte=dossier.end_date,
                dossier__end_date__gte=dossier.start_date,
            )
            .exclude(dossier=dossier)
            .exclude(dossier=contract.amends_id)
            .count()
        )
        if running >= MAX_APPRENTICES_PER_MASTER:
            notes.append(
                _(
                    "%(name)s est déjà maître d'apprentissage de %(count)d apprentis sur la période : au plus 2 à la fois (hors prolongation après un échec à l'examen)."
                )
                % {"name": f"{first} {last}", "count": running}
            )
    return notes


def is_minor_at(dossier: Dossier) -> bool:
    contract = dossier.detail
    if contract.apprentice_birth_date is None or dossier.start_date is None:
        return False
    return age_on(contract.apprentice_birth_date, dossier.start_date) < 18


APPRENTICESHIP = register(ApprenticeshipKind())
