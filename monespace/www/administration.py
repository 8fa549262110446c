"""Company administration (seed 002): administrators see every user attached to their company
and decide their rights; they accept or refuse access requests.

Reach: a company the user is not attached to is a 404; attached without the administrator
right, a 403. Every decision goes through organizations.services and is recorded.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.accounts.perms import has_second_factor
from monespace.core import ratelimit
from monespace.organizations import access, perms, services
from monespace.organizations.activation import CodeError, activation_code_redeem
from monespace.organizations.directory import get_directory
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import KnownContact, Membership
from monespace.organizations.numbers import NumberCheckError, establishment_number_check

from .administration_forms import ActivationCodeForm, AttachmentRequestForm, RefuseForm, RightsForm
from .perimeter import filter_by_perimeter


@login_required
@require_GET
def index(request):
    """The companies (per profile) the user administers, with their pending requests."""
    rows = list(
        filter_by_perimeter(
            request,
            Membership.objects.filter(
                user=request.user, status=MembershipStatus.ACTIVE, is_admin=True
            ),
        )
        .select_related("company")
        .order_by("company__name")
    )
    if not rows:
        raise PermissionDenied
    pending = {
        (row["company_id"], row["profile"]): row["n"]
        for row in Membership.objects.pending()
        .filter(company__in=[row.company_id for row in rows])
        .values("company_id", "profile")
        .annotate(n=Count("id"))
    }
    for row in rows:
        row.pending_count = pending.get((row.company_id, row.profile), 0)
    return render(request, "www/administration/index.html", {"rows": rows})


class SecondFactorRequired(Exception):
    """Raised by the reach helpers; the views answer with a redirect to the MFA page."""


def _require_second_factor(request):
    if settings.ADMIN_REQUIRE_MFA and not has_second_factor(request.user):
        raise SecondFactorRequired


def second_factor_redirect(view):
    """Send administrators without a second factor to set one up, then back here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except SecondFactorRequired:
            messages.warning(
                request,
                _(
                    "Pour administrer votre entreprise, protégez d'abord votre compte par une double "
                    "authentification (application d'authentification ou clé d'accès)."
                ),
            )
            return redirect("mfa_index")

    return wrapped


def _company_for_admin(request, company_id, profile):
    company = access.company_to_administer(request.user, company_id, profile)
    _require_second_factor(request)
    return company


@login_required
@second_factor_redirect
@require_POST
def invitation(request, company_id, profile):
    """« Inviter une personne » with the rights given (the company's administrators)."""
    from .administration_forms import InvitationForm

    company = _company_for_admin(request, company_id, profile)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            outcome = services.invitation_send(
                actor=request.user,
                company=company,
                profile=profile,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                rights=form.rights(),
            )
        except services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            if outcome == "attached":
                messages.success(
                    request,
                    _("Cette personne avait déjà un compte : elle est rattachée et prévenue."),
                )
            else:
                messages.success(
                    request,
                    _(
                        "L'invitation est envoyée : la personne sera rattachée avec ces droits dès son compte créé."
                    ),
                )
            return redirect("www:administration_company", company_id=company.pk, profile=profile)
    return company_page(request, company, profile, invitation_form=form, status=400)


@login_required
@second_factor_redirect
@require_GET
def company(request, company_id, profile):
    """Every user attached to the company under this profile, pending requests first."""
    company = _company_for_admin(request, company_id, profile)
    return company_page(request, company, profile)


def company_page(request, company, profile, *, invitation_form=None, status=200):
    from .administration_forms import InvitationForm

    memberships = (
        Membership.objects.filter(
            company=company,
            profile=profile,
            status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
        )
        .select_related("user", "requested_establishment")
        .prefetch_related("establishments")
        .order_by("status", "user__last_name")
    )
    pending = [m for m in memberships if m.status == MembershipStatus.PENDING]
    active = [m for m in memberships if m.status == MembershipStatus.ACTIVE]
    admin_count = sum(1 for m in active if m.is_admin)
    # « Établissements » (seed 003): each SIRET with its OPCO data and who works on it (those
    # scoped to it, and those who see the whole company).
    whole = [m for m in active if not m.establishments.all()]
    establishments = [
        (
            establishment,
            establishment.number_for(profile),
            whole
            + [
                m
                for m in active
                if m.establishments.all() and establishment in m.establishments.all()
            ],
        )
        for establishment in company.establishments.order_by("-is_head_office", "siret")
    ]
    return render(
        request,
        "www/administration/company.html",
        {
            "company": company,
            "profile": profile,
            "profile_label": Profile(profile).label,
            "pending": pending,
            "active": active,
            "single_admin": admin_count < 2,
            "establishments": establishments,
            "invitation_form": invitation_form or InvitationForm(),
            "invited": KnownContact.objects.filter(
                establishment__company=company, profile=profile
            ).exclude(email__in=[m.user.email for m in active])[:50],
        },
        status=status,
    )


def _membership_for_decision(request, pk):
    membership = access.membership_to_decide(request.user, pk)
    _require_second_factor(request)
    return membership


def _back(membership, user):
    if user.is_staff and not perms.can_administer(user, membership.company, membership.profile):
        return redirect("backoffice:requests")
    return redirect(
        "www:administration_company", company_id=membership.company_id, profile=membership.profile
    )


def _render_membership(request, membership, rights_form=None, refuse_form=None, status=200):
    rights_form = rights_form or RightsForm(
        company=membership.company, initial=RightsForm.initial_for(membership)
    )
    refuse_form = refuse_form or RefuseForm()
    events = membership.events.select_related("actor")[:20]
    return render(
        request,
        "www/administration/membership.html",
        {
            "membership": membership,
            "rights_form": rights_form,
            "refuse_form": refuse_form,
            "events": events,
        },
        status=status,
    )


@login_required
@second_factor_redirect
@require_GET
def membership_detail(request, pk):
    membership = _membership_for_decision(request, pk)
    return _render_membership(request, membership)


@login_required
@second_factor_redirect
@require_POST
def membership_rights(request, pk):
    """Accept a pending request, or change an active attachment's rights: effective at once."""
    membership = _membership_for_decision(request, pk)
    form = RightsForm(request.POST, company=membership.company)
    if membership.status not in (MembershipStatus.PENDING, MembershipStatus.ACTIVE):
        messages.error(request, _("Ce rattachement n'est plus actif."))
        return _back(membership, request.user)
    if not form.is_valid():
        return _render_membership(request, membership, rights_form=form, status=200)
    if membership.status == MembershipStatus.PENDING:
        services.membership_accept(
            actor=request.user,
            membership=membership,
            rights=form.rights(),
            establishments=form.chosen_establishments(),
        )
        messages.success(
            request, _("La demande est acceptée ; la personne est prévenue par e-mail.")
        )
    else:
        try:
            services.membership_set_rights(
                actor=request.user,
                membership=membership,
                rights=form.rights(),
                establishments=form.chosen_establishments(),
            )
        except services.LastAdministratorError:
            form.add_error("is_admin", _("L'entreprise doit garder au moins un administrateur."))
            return _render_membership(request, membership, rights_form=form)
        messages.success(request, _("Les droits sont enregistrés et s'appliquent immédiatement."))
    return _back(membership, request.user)


@login_required
@second_factor_redirect
@require_POST
def membership_refuse(request, pk):
    membership = _membership_for_decision(request, pk)
    if membership.status != MembershipStatus.PENDING:
        messages.error(request, _("Cette demande a déjà été traitée."))
        return _back(membership, request.user)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _render_membership(request, membership, refuse_form=form)
    services.membership_refuse(
        actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
    )
    messages.success(request, _("La demande est refusée ; la personne est prévenue par e-mail."))
    return _back(membership, request.user)


@login_required
@second_factor_redirect
@require_POST
def membership_revoke(request, pk):
    membership = _membership_for_decision(request, pk)
    if membership.status != MembershipStatus.ACTIVE:
        messages.error(request, _("Ce rattachement n'est plus actif."))
        return _back(membership, request.user)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except services.LastAdministratorError:
        messages.error(
            request,
            _(
                "L'entreprise doit garder au moins un administrateur : ce rattachement ne peut pas être retiré."
            ),
        )
        return redirect("www:administration_membership", pk=membership.pk)
    messages.success(request, _("Le rattachement est retiré."))
    return _back(membership, request.user)


@login_required
@require_POST
def attachment_request(request):
    """ "Mes rattachements" → add a company (SIREN) or an establishment (SIRET) with its number."""
    from .views import attachments_page

    form = AttachmentRequestForm(request.POST)
    if not form.is_valid():
        return attachments_page(request, form)
    profile = form.cleaned_data["profile"]
    result = get_directory().lookup(form.cleaned_data["identifier"])
    if not result.found or not result.is_active:
        form.add_error(
            "identifier",
            _(
                "Cette entreprise a cessé son activité au répertoire des entreprises (INSEE) : "
                "vous ne pouvez pas vous y rattacher."
            )
            if result.found and not result.company.is_active
            else _("Cet établissement est introuvable ou fermé au répertoire des entreprises."),
        )
        return attachments_page(request, form)
    try:
        establishment = establishment_number_check(
            result=result,
            profile=profile,
            number=form.cleaned_data["number"],
            identifier=form.cleaned_data["identifier"],
            subject=f"user:{request.user.pk}",
        )
    except NumberCheckError as error:
        form.add_error(error.field, str(error))
        return attachments_page(request, form)
    membership = services.membership_request(
        user=request.user, profile=profile, company=result.company, establishment=establishment
    )
    if membership.status == MembershipStatus.ACTIVE:
        messages.info(request, _("Vous êtes déjà rattaché(e) à cette entreprise."))
    else:
        messages.success(
            request,
            _(
                "Votre demande est envoyée : l'administrateur de l'entreprise va l'accepter ou la refuser."
            ),
        )
    return redirect("www:attachments")


@login_required
@require_POST
def attachment_refresh(request, pk):
    """« Rafraîchir »: apply again what the OPCO's data records for the user (seed 004 FAQ)."""
    membership = access.own_membership(request.user, pk)
    created = services.known_contacts_apply(user=request.user)
    if created or membership.status == MembershipStatus.ACTIVE:
        messages.success(request, _("Vos rattachements sont à jour des données de l'OPCO."))
    else:
        messages.info(
            request,
            _(
                "Les données de l'OPCO ne changent rien à ce rattachement : il attend la décision de l'administrateur."
            ),
        )
    return redirect("www:attachments")


@login_required
@require_POST
def attachment_leave(request, pk):
    """The user removes one of their own attachments."""
    membership = access.own_membership(request.user, pk, open_only=True)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except services.LastAdministratorError:
        messages.error(
            request,
            _(
                "Vous êtes le dernier administrateur de cette entreprise : nommez-en un autre avant de vous retirer."
            ),
        )
        return redirect("www:attachments")
    messages.success(request, _("Le rattachement est retiré."))
    return redirect("www:attachments")


CODE_MESSAGES = {
    "unknown": _lazy(
        "Ce code n'est pas valable. Vérifiez-le sur le courrier ; un code renouvelé remplace l'ancien."
    ),
    "used": _lazy("Ce code a déjà été utilisé : un code ne sert qu'une fois."),
    "expired": _lazy(
        "Ce code a expiré (il est valable 3 mois). Demandez-en un nouveau à votre conseiller ou par le formulaire "
        "de contact."
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def activation_code(request):
    """The future administrator enters the code of the postal letter (attempts limited)."""
    form = ActivationCodeForm(request.POST or None)
    key = f"activation-code:{request.user.pk}"
    if request.method == "POST" and form.is_valid():
        if ratelimit.is_blocked(key, limit=settings.SIGNUP_NUMBER_MAX_ATTEMPTS):
            form.add_error(
                "code", _("Trop de tentatives : réessayez plus tard ou contactez votre conseiller.")
            )
        else:
            try:
                membership = activation_code_redeem(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    profile=form.cleaned_data["profile"],
                )
            except CodeError as error:
                ratelimit.record_failure(key, window=settings.SIGNUP_NUMBER_ATTEMPT_WINDOW)
                if error.reason == "wrong_profile":
                    form.add_error(
                        "profile",
                        _(
                            "Ce code correspond au profil « %(profile)s » : vérifiez l'en-tête du courrier."
                        )
                        % {"profile": error.profile},
                    )
                else:
                    form.add_error("code", CODE_MESSAGES[error.reason])
            else:
                messages.success(
                    request,
                    _("Vous êtes maintenant administrateur de %(company)s.")
                    % {"company": membership.company.name},
                )
                return redirect(
                    "www:administration_company",
                    company_id=membership.company_id,
                    profile=membership.profile,
                )
    return render(request, "www/administration/activation_code.html", {"form": form})
