"""Instruction queue and dossier page for OPCO staff."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.core.pagination import CountedPaginator
from monespace.dossiers import access, instruction, lifecycle
from monespace.dossiers.apprenticeship import services as contract_services
from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.errors import DossierError, PiecesMissing
from monespace.dossiers.models import Dossier
from monespace.dossiers.professionalisation import services as pro_services
from monespace.invoices import after_training
from monespace.organizations.models import Company, Establishment

from .forms import (
    ApproveForm,
    CancelForm,
    CloseForm,
    DepositForm,
    QueueFilterForm,
    ReasonForm,
    RequestDocumentsForm,
    StaffChangeForm,
)
from .views import staff_required

# The work-study contracts, instructed on the contract page (checklist, deadlines, deposit).
CONTRACT_KINDS = (DossierKind.APPRENTICESHIP, DossierKind.PROFESSIONALISATION, DossierKind.PRO_A)

TO_INSTRUCT = [DossierState.SUBMITTED, DossierState.UNDER_REVIEW, DossierState.DOCUMENTS_REQUESTED]


def queue_filter(user, data) -> tuple[list[str], Q]:
    """The states shown and the filter of the queue for its form's cleaned ``data`` (also used
    by the queue's export)."""
    states = [data["state"]] if data.get("state") else list(TO_INSTRUCT)
    filters = Q(state__in=states)
    if data.get("assigned") == "me":
        filters &= Q(assigned_to=user)
    elif data.get("assigned") == "none":
        filters &= Q(assigned_to__isnull=True)
    if data.get("kind"):
        filters &= Q(kind=data["kind"])
    if data.get("branch"):
        filters &= Q(establishment__branch__icontains=data["branch"])
    if data.get("q"):
        # Each part through its own index (trigrams on the number and the company name,
        # PostgreSQL), as sets of ids: never a join tested row by row over the queue.
        term = data["q"].strip()
        filters &= (
            Q(pk__in=Dossier.objects.filter(number__icontains=term).values("pk"))
            | Q(company_id__in=Company.objects.filter(name__icontains=term).values("pk"))
            | Q(
                establishment_id__in=Establishment.objects.filter(
                    siret=term.replace(" ", "")
                ).values("pk")
            )
        )
    return states, filters


def queue_for_export(user, params) -> QuerySet[Dossier]:
    """The queue as a staff member filtered it, for « Exporter »: nothing for anyone else."""
    if not (user.is_active and user.is_staff):
        return Dossier.objects.none()
    form = QueueFilterForm(params)
    _states, filters = queue_filter(user, form.cleaned_data if form.is_valid() else {})
    return access.staff_dossiers().filter(filters)


@staff_required
@require_GET
def queue(request):
    """Dossiers to instruct by state, age (oldest first), branch and establishment; assignment."""
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    states, filters = queue_filter(request.user, data)
    dossiers = access.staff_dossiers()
    # The counts by state and the page's total in one query, over the dossiers to instruct
    # (a small partial index, dossier_queue_idx); another state is counted apart.
    to_instruct = set(states) <= set(TO_INSTRUCT)
    counts = dossiers.filter(state__in=TO_INSTRUCT).aggregate(
        **{state: Count("state", filter=Q(state=state)) for state in TO_INSTRUCT},
        **({"total": Count("state", filter=filters)} if to_instruct else {}),
    )
    total = counts.pop("total") if to_instruct else dossiers.filter(filters).count()
    # Oldest first; or the contracts whose 20 days end first (silence would refuse them).
    order = (
        [
            F("complete_on").asc(nulls_last=True),
            "submitted_at",
            "pk",
        ]
        if data.get("sort") == "echeance"
        else ["submitted_at", "pk"]
    )
    page = CountedPaginator(
        dossiers.filter(filters).order_by(*order),
        25,
        count=total,
        related=[
            "company",
            "establishment",
            "assigned_to",
            "apprenticeship",
            "professionalisation",
        ],
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/queue.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "states": TO_INSTRUCT,
            "query": query.urlencode(),
        },
    )


def _dossier(request, pk):
    return access.staff_dossier_for(request.user, pk)


def _page(request, dossier, **forms):
    if dossier.kind in CONTRACT_KINDS:
        return _contract_page(request, dossier, **forms)
    context = {
        "dossier": dossier,
        "documents_form": forms.get("documents_form") or RequestDocumentsForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(dossier=dossier),
        "refuse_form": forms.get("refuse_form") or ReasonForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "after_training": after_training.checklist(dossier),
        "actions": {a for a in dossier.spec.transitions if lifecycle.allowed(dossier, a)},
        "change_form": forms.get("change_form")
        or StaffChangeForm(
            initial={
                "title": dossier.title,
                "start_date": dossier.start_date,
                "end_date": dossier.end_date,
                "duration_hours": dossier.training.duration_hours,
            }
        ),
        "trainees": dossier.trainees.select_related("employee"),
        "documents": dossier.documents.all(),
        "decisions": dossier.decisions.select_related("decided_by", "letter"),
        "events": dossier.events.select_related("actor")[:30],
        "modules": dossier.modules.all(),
        "can_instruct": instruction.can_instruct(request.user),
    }
    return render(request, "backoffice/dossier.html", context)


def _contract_page(request, dossier, **forms):
    """A work-study contract: the controls computed as a checklist, the deadlines, the
    contract as entered, its pay lines, rupture and deposit number."""
    from monespace.dossiers.apprenticeship.layout import contract_summary
    from monespace.dossiers.funding.services import funding_of
    from monespace.dossiers.models import ContractRupture
    from monespace.dossiers.professionalisation import layout as pro_layout

    spec = dossier.spec
    apprenticeship = dossier.kind == DossierKind.APPRENTICESHIP
    rupture = ContractRupture.objects.filter(dossier=dossier).select_related("entered_by").first()
    context = {
        "dossier": dossier,
        "contract": dossier.detail,
        "documents_form": forms.get("documents_form") or RequestDocumentsForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(dossier=dossier),
        "refuse_form": forms.get("refuse_form") or ReasonForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "deposit_form": forms.get("deposit_form") or DepositForm(),
        "actions": {a for a in spec.transitions if lifecycle.allowed(dossier, a)},
        "checklist": spec.checklist(dossier),
        "deadlines": spec.deadlines(dossier),
        "summary": (
            contract_summary(dossier)
            if apprenticeship
            else pro_layout.contract_summary(dossier, full_nir=True)
        ),
        "pay_lines": list(dossier.detail.pay_lines.all()) if apprenticeship else [],
        "person": (
            dossier.detail.apprentice_name if apprenticeship else dossier.detail.employee_name
        ),
        "funding": funding_of(dossier, rupture=rupture),
        "rupture": rupture,
        "documents": dossier.documents.all(),
        "decisions": dossier.decisions.select_related("decided_by", "letter"),
        "events": dossier.events.select_related("actor")[:30],
        "can_instruct": instruction.can_instruct(request.user),
    }
    status = 400 if forms else 200
    return render(request, "backoffice/contract.html", context, status=status)


@staff_required
@require_GET
def dossier(request, pk):
    from django.db.models import prefetch_related_objects

    found = _dossier(request, pk)
    if found.kind == DossierKind.TRAINING_ACTION:
        # The modules' list and their costs' line, read once (kinds/training_action.py).
        prefetch_related_objects([found], "modules")
    return _page(request, found)


def _instructing(view):
    """Instruction actions: staff whose role instructs (not support); a refused rule is a message."""

    def wrapped(request, pk):
        if not instruction.can_instruct(request.user):
            raise PermissionDenied
        target = _dossier(request, pk)
        try:
            return view(request, target)
        except DossierError as error:
            messages.error(request, str(error))
            return redirect("backoffice:dossier", pk=target.pk)

    wrapped.__name__ = view.__name__
    return staff_required(require_POST(wrapped))


@_instructing
def assign(request, dossier):
    instruction.dossier_assign(actor=request.user, dossier=dossier)
    messages.success(request, _("Le dossier vous est attribué."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def request_documents(request, dossier):
    form = RequestDocumentsForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, documents_form=form)
    instruction.dossier_request_documents(
        actor=request.user,
        dossier=dossier,
        pieces=form.cleaned_data["piece_labels"],
        due_date=form.cleaned_data["due_date"],
        message=form.cleaned_data["message"],
    )
    messages.success(request, _("Le courrier de relance est envoyé à l'entreprise."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def approve(request, dossier):
    form = ApproveForm(request.POST, dossier=dossier)
    if not form.is_valid():
        return _page(request, dossier, approve_form=form)
    if dossier.kind == DossierKind.APPRENTICESHIP:
        contract_services.contract_approve(
            actor=request.user, dossier=dossier, deca_number=form.cleaned_data["deca_number"]
        )
    elif dossier.kind in CONTRACT_KINDS:
        pro_services.contract_approve(
            actor=request.user, dossier=dossier, deca_number=form.cleaned_data["deca_number"]
        )
    else:
        instruction.dossier_approve(actor=request.user, dossier=dossier, granted=form.granted())
    messages.success(
        request, _("Le dossier est accordé ; le courrier d'accord est dans ses documents.")
    )
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def deposit(request, dossier):
    """The deposit number of an accepted contract, received after the decision."""
    if dossier.kind not in CONTRACT_KINDS:
        raise Http404
    form = DepositForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, deposit_form=form)
    contract_services.deposit_record(
        actor=request.user, dossier=dossier, deca_number=form.cleaned_data["deca_number"]
    )
    messages.success(request, _("Le numéro de dépôt est enregistré."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def rupture_record(request, dossier):
    """The OPCO records the rupture the company or its CFA declared."""
    if dossier.kind not in CONTRACT_KINDS:
        raise Http404
    contract_services.rupture_record(actor=request.user, dossier=dossier)
    messages.success(request, _("La rupture est enregistrée : le contrat est rompu."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def refuse(request, dossier):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, refuse_form=form)
    instruction.dossier_refuse(
        actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request, _("Le dossier est refusé ; le courrier de refus est dans ses documents.")
    )
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def close(request, dossier):
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, close_form=form)
    try:
        instruction.dossier_close(
            actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
        )
    except PiecesMissing as error:
        form.add_error("reason", str(error))
        return _page(request, dossier, close_form=form)
    messages.success(request, _("Le dossier est clôturé."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def cancel(request, dossier):
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, cancel_form=form)
    instruction.dossier_cancel(
        actor=request.user, dossier=dossier, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("Le dossier est annulé ; l'entreprise en est informée."))
    return redirect("backoffice:dossier", pk=dossier.pk)


@_instructing
def change(request, dossier):
    if dossier.kind != DossierKind.TRAINING_ACTION:
        # A contract changes by an avenant, entered and transmitted like it.
        raise Http404
    form = StaffChangeForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, change_form=form)
    values = {
        name: form.cleaned_data[name]
        for name in ("title", "start_date", "end_date", "duration_hours")
    }
    instruction.dossier_staff_change(
        actor=request.user, dossier=dossier, values=values, message=form.cleaned_data["message"]
    )
    messages.success(request, _("La modification est enregistrée dans l'historique du dossier."))
    return redirect("backoffice:dossier", pk=dossier.pk)
