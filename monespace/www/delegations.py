"""« Organismes rattachés »: a training organisation, CFA or accounting firm attached to a client
company, with the scope the company's administrator defines (seeds 002 and 004).

Reach: a delegation of companies the user is not attached to is a 404; attached without the
administrator right, a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.organizations import access, perms
from monespace.organizations.delegations import (
    delegation_end,
    delegation_refuse,
    delegation_request,
    delegation_set_scope,
)
from monespace.organizations.directory import get_directory
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Delegation, DelegationStatus

from .administration import _require_second_factor, second_factor_redirect
from .administration_forms import RefuseForm
from .delegation_forms import DelegationRequestForm, DelegationScopeForm
from .perimeter import filter_by_perimeter


def _organisations(administered):
    return Company.objects.filter(pk__in=administered).order_by("name")


def _list_page(request, form=None, administered=None):
    """Both sides of the user's delegations: those their companies granted and those they hold."""
    if administered is None:
        administered = perms.administered_company_ids(request.user)
    delegations = Delegation.objects.select_related("company", "delegate").order_by("-created_at")
    granted = filter_by_perimeter(
        request,
        delegations.filter(
            company_id__in=perms.member_administered_company_ids(request.user)
        ).exclude(status=DelegationStatus.REFUSED),
    )
    held = filter_by_perimeter(
        request, delegations.filter(delegate_id__in=administered), field="delegate_id"
    )
    if form is None and administered:
        form = DelegationRequestForm(organisations=_organisations(administered))
    return render(
        request,
        "www/delegations/list.html",
        {
            "granted": Paginator(granted, 50).get_page(request.GET.get("page")),
            "held": Paginator(held, 50).get_page(request.GET.get("page")),
            "form": form,
        },
    )


@login_required
@require_GET
def delegation_list(request):
    administered = perms.administered_company_ids(request.user)
    if not administered:
        raise PermissionDenied
    return _list_page(request, administered=administered)


@login_required
@require_POST
def delegation_request_view(request):
    administered = perms.administered_company_ids(request.user)
    if not administered:
        raise PermissionDenied
    form = DelegationRequestForm(request.POST, organisations=_organisations(administered))
    if not form.is_valid():
        return _list_page(request, form, administered)
    result = get_directory().lookup(form.cleaned_data["identifier"])
    if not result.found or not result.is_active:
        form.add_error(
            "identifier",
            _("Cette entreprise est introuvable ou fermée au répertoire des entreprises."),
        )
        return _list_page(request, form, administered)
    if not result.is_known(Profile.MEMBER):
        form.add_error("identifier", _("Cette entreprise n'est pas adhérente de l'OPCO."))
        return _list_page(request, form, administered)
    if result.company == form.cleaned_data["delegate"]:
        form.add_error("identifier", _("Un organisme ne peut pas se rattacher à lui-même."))
        return _list_page(request, form, administered)
    delegation_request(
        actor=request.user,
        delegate=form.cleaned_data["delegate"],
        company=result.company,
        kind=form.cleaned_data["kind"],
    )
    messages.success(
        request, _("Votre demande est envoyée aux administrateurs de l'entreprise cliente.")
    )
    return redirect("www:delegations")


def _delegation_for(request, pk, *, deciding):
    delegation = access.delegation_for(request.user, pk, deciding=deciding)
    if deciding:
        _require_second_factor(request)
    return delegation


def _detail(request, delegation, scope_form=None, refuse_form=None):
    can_decide = perms.can_decide_delegation(request.user, delegation)
    if can_decide and scope_form is None:
        scope_form = DelegationScopeForm(
            delegation=delegation, initial=DelegationScopeForm.initial_for(delegation)
        )
    return render(
        request,
        "www/delegations/detail.html",
        {
            "delegation": delegation,
            "can_decide": can_decide,
            "can_end": perms.can_end_delegation(request.user, delegation),
            "scope_form": scope_form,
            "refuse_form": refuse_form or RefuseForm(),
            "events": delegation.events.select_related("actor")[:20],
        },
    )


@login_required
@require_GET
def delegation_detail(request, pk):
    return _detail(request, _delegation_for(request, pk, deciding=False))


@login_required
@second_factor_redirect
@require_POST
def delegation_scope(request, pk):
    delegation = _delegation_for(request, pk, deciding=True)
    if delegation.status not in (DelegationStatus.PENDING, DelegationStatus.ACTIVE):
        messages.error(request, _("Ce rattachement n'est plus actif."))
        return redirect("www:delegation", pk=delegation.pk)
    form = DelegationScopeForm(request.POST, delegation=delegation)
    if not form.is_valid():
        return _detail(request, delegation, scope_form=form)
    was_pending = delegation.is_pending
    delegation_set_scope(
        actor=request.user,
        delegation=delegation,
        scope=form.scope_values(),
        establishments=form.chosen_establishments(),
    )
    messages.success(
        request,
        _("Le rattachement est accepté avec ce périmètre.")
        if was_pending
        else _("Le périmètre est enregistré."),
    )
    return redirect("www:delegation", pk=delegation.pk)


@login_required
@second_factor_redirect
@require_POST
def delegation_refuse_view(request, pk):
    delegation = _delegation_for(request, pk, deciding=True)
    if not delegation.is_pending:
        messages.error(request, _("Cette demande a déjà été traitée."))
        return redirect("www:delegation", pk=delegation.pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _detail(request, delegation, refuse_form=form)
    delegation_refuse(actor=request.user, delegation=delegation, reason=form.cleaned_data["reason"])
    messages.success(request, _("La demande est refusée ; l'organisme est prévenu."))
    return redirect("www:delegations")


@login_required
@require_POST
def delegation_end_view(request, pk):
    delegation = _delegation_for(request, pk, deciding=False)
    if not perms.can_end_delegation(request.user, delegation):
        raise PermissionDenied
    delegation_end(actor=request.user, delegation=delegation)
    messages.success(request, _("Le rattachement est terminé."))
    return redirect("www:delegations")
