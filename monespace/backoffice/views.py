from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.accounts.perms import has_second_factor
from monespace.core.identifiers import parse_id
from monespace.invoices.models import BankAccount, BankAccountState
from monespace.organizations.activation import activation_code_issue
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Company, Establishment, Membership, MembershipEventKind
from monespace.organizations.services import (
    LastAdministratorError,
    membership_make_admin,
    membership_set_rights,
)


def staff_required(view):
    """Staff pages do not exist for anyone else: 404, never a 403 that confirms them. Staff
    protect their account with a second factor (STAFF_REQUIRE_MFA)."""

    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        if settings.STAFF_REQUIRE_MFA and not has_second_factor(request.user):
            messages.warning(
                request,
                _(
                    "Le back office demande une double authentification : activez-la pour continuer."
                ),
            )
            return redirect("mfa_index")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
@require_GET
def home(request):
    """Back-office home: the figures of the directory and the requests waiting for a decision."""
    context = {
        "company_count": Company.objects.count(),
        "establishment_count": Establishment.objects.count(),
        "pending_count": Membership.objects.pending().count(),
        "staff_queue_count": Membership.objects.awaiting_staff().count(),
        "bank_accounts_count": BankAccount.objects.filter(state=BankAccountState.PENDING).count(),
    }
    return render(request, "backoffice/home.html", context)


@staff_required
@require_GET
def requests(request):
    """Pending attachment requests of companies that have no administrator yet: staff decide."""
    paginator = Paginator(
        Membership.objects.awaiting_staff()
        .select_related("user", "company", "requested_establishment")
        .order_by("created_at"),
        50,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "backoffice/requests.html", {"page": page})


@staff_required
@require_GET
def companies(request):
    """Search the directory by SIREN, SIRET or name."""
    query = request.GET.get("q", "").strip()
    results = Company.objects.none()
    if query:
        digits = query.replace(" ", "")
        if digits.isascii() and digits.isdigit():
            results = Company.objects.filter(
                Q(siren=digits[:9]) | Q(establishments__siret=digits)
            ).distinct()
        else:
            results = Company.objects.filter(name__icontains=query)
    page = Paginator(results.order_by("name"), 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/companies.html", {"query": query, "page": page})


def _company_context(company):
    memberships = (
        Membership.objects.filter(
            company=company, status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING]
        )
        .select_related("user")
        .order_by("profile", "-is_admin", "user__last_name")
    )
    codes = company.activation_codes.select_related("issued_by", "used_by")[:10]
    return {
        "company": company,
        "memberships": memberships,
        "codes": codes,
        "profiles": Profile.choices,
    }


@staff_required
@require_GET
def company(request, pk):
    company = get_object_or_404(Company, pk=pk)
    return render(request, "backoffice/company.html", _company_context(company))


@staff_required
@require_POST
def issue_code(request, pk, profile):
    """Issue (or renew) the activation code of a company and download its letter for the post."""
    company = get_object_or_404(Company, pk=pk)
    if profile not in Profile.values:
        raise Http404
    _activation, letter = activation_code_issue(
        actor=request.user, company=company, profile=profile
    )
    response = HttpResponse(letter, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="code-activation-{company.siren}-{profile}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _posted_id(request):
    return _posted_int(request.POST.get("membership"))


@staff_required
@require_POST
def designate_admin(request, pk):
    """Designate an administrator among the users attached to the company (seed 002, "Cas 1")."""
    company = get_object_or_404(Company, pk=pk)
    membership = get_object_or_404(
        Membership.objects.filter(
            company=company, status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING]
        ),
        pk=_posted_id(request),
    )
    membership_make_admin(
        actor=request.user,
        user=membership.user,
        company=company,
        profile=membership.profile,
        kind=MembershipEventKind.DESIGNATED_BY_STAFF,
    )
    messages.success(
        request, _("%(name)s est administrateur.") % {"name": membership.user.get_full_name()}
    )
    return redirect("backoffice:company", pk=company.pk)


@staff_required
@require_POST
def remove_admin(request, pk):
    company = get_object_or_404(Company, pk=pk)
    membership = get_object_or_404(
        Membership.objects.filter(company=company, status=MembershipStatus.ACTIVE, is_admin=True),
        pk=_posted_id(request),
    )
    rights = {**membership.rights(), "is_admin": False}
    try:
        membership_set_rights(
            actor=request.user,
            membership=membership,
            rights=rights,
            establishments=list(membership.establishments.all()),
        )
    except LastAdministratorError:
        messages.error(
            request, _("L'entreprise doit garder au moins un administrateur pour ce profil.")
        )
    else:
        messages.success(request, _("Le droit d'administrateur est retiré."))
    return redirect("backoffice:company", pk=company.pk)


@staff_required
@require_POST
def support_access(request, pk):
    """Open a « connexion en tant que » to a user who consented, with a mandatory reason."""
    from django.utils.http import url_has_allowed_host_and_scheme
    from hijack.views import AcquireUserView

    from monespace.accounts.perms import can_open_support_sessions
    from monespace.support.forms import SupportAccessForm
    from monespace.support.services import support_session_open

    if not can_open_support_sessions(request.user):
        raise PermissionDenied
    user = get_object_or_404(get_user_model().objects.filter(is_staff=False, is_active=True), pk=pk)
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "backoffice:home"
    form = SupportAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de la connexion."))
        return redirect(back)
    if user.support_access_consent_at is None:
        messages.error(
            request, _("Cet utilisateur n'a pas donné son accord à la connexion « en tant que ».")
        )
        return redirect(back)
    # The record authorises the hijack; a refused one leaves nothing behind (a 403).
    support_session_open(staff=request.user, user=user, reason=form.cleaned_data["reason"])
    request.POST = request.POST.copy()
    request.POST["user_pk"] = str(user.pk)
    request.POST["next"] = "/"
    return AcquireUserView.as_view()(request)


@staff_required
@require_GET
def contact_requests(request):
    from monespace.support.models import ContactRequest

    page = Paginator(ContactRequest.objects.select_related("handled_by"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "backoffice/contact_requests.html", {"page": page})


@staff_required
@require_POST
def contact_request_handle(request, pk):
    from monespace.support.models import ContactRequest
    from monespace.support.services import contact_request_handle as handle

    handle(actor=request.user, contact=get_object_or_404(ContactRequest, pk=pk))
    messages.success(request, _("La demande est marquée comme traitée."))
    return redirect("backoffice:contact_requests")


@staff_required
@require_http_methods(["GET", "POST"])
def announcements(request):
    """« Informations » shown on users' home pages: publish, list, withdraw."""
    from monespace.notifications.models import Announcement
    from monespace.notifications.services import announcement_publish, announcement_withdraw

    from .forms import AnnouncementForm

    form = AnnouncementForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            announcement_withdraw(
                actor=request.user,
                announcement=get_object_or_404(
                    Announcement, pk=_posted_int(request.POST.get("delete"))
                ),
            )
            messages.success(request, _("L'information est retirée."))
            return redirect("backoffice:announcements")
        if form.is_valid():
            announcement_publish(actor=request.user, announcement=form.save(commit=False))
            messages.success(request, _("L'information est publiée."))
            return redirect("backoffice:announcements")
    page = Paginator(Announcement.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/announcements.html", {"form": form, "page": page})


def _posted_int(value):
    parsed = parse_id(value)
    if parsed is None:
        raise Http404
    return parsed
