from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.accounts.services import user_set_support_consent, user_update_profile
from monespace.core import ratelimit
from monespace.organizations.models import Membership
from monespace.support.forms import ContactForm
from monespace.support.services import contact_request_create

from .administration_forms import AttachmentRequestForm
from .guides import FAQ, GUIDES
from .help_search import HelpSearchForm
from .help_search import search as search_help
from .home import home_context
from .perimeter import get_perimeter
from .profile_forms import ProfileForm, SupportConsentForm


@login_required
@require_GET
def home(request):
    """Accueil: coordonnées, interlocuteurs, informations, to-do list, attachments."""
    pending = Membership.objects.pending().filter(company_id=OuterRef("company_id"))
    memberships = list(
        Membership.objects.for_user(request.user)
        .filter(status__in=["pending", "active"])
        .select_related("company", "requested_establishment")
        .annotate(
            waiting=Coalesce(
                Subquery(
                    pending.order_by().values("company_id").annotate(n=Count("pk")).values("n")
                ),
                0,
            )
        )
        .order_by("company__name")
    )
    companies = {m.company_id: m.company for m in memberships if m.status == "active"}
    perimeter = get_perimeter(request)
    shown = [m for m in memberships if perimeter is None or m.company_id == perimeter["id"]]
    return render(
        request,
        "www/home.html",
        {
            "memberships": shown,
            "perimeter_choices": list(companies.values()) if len(companies) > 1 else [],
            **home_context(request, shown, perimeter),
        },
    )


@require_http_methods(["GET", "POST"])
def help_page(request):
    """« Aide & contact »: the search (GET ``q``) over the practical guides and the questions,
    the list of guides and of the FAQ's themes, phone and hours, and the call-back form (seeds
    002, 003 and 004)."""
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from allauth.account.adapter import get_adapter

        key = f"contact:{get_adapter(request).get_client_ip(request)}"
        if ratelimit.is_blocked(key, limit=5):
            form.add_error(
                None, _("Vous avez déjà envoyé plusieurs demandes : nous vous rappellerons.")
            )
        else:
            ratelimit.record_failure(key, window=3600)
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            contact_request_create(user=request.user, **data)
            messages.success(
                request,
                _(
                    "Votre demande est envoyée : un conseiller vous rappellera. Un e-mail vous le confirme."
                ),
            )
            return redirect("www:help")
    search_form = HelpSearchForm(request.GET or None, auto_id="recherche_%s")
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    return render(
        request,
        "www/help.html",
        {
            "form": form,
            "search_form": search_form,
            "query": query,
            "results": search_help(query) if query else None,
            "guides": GUIDES,
            "themes": FAQ,
        },
    )


@require_GET
def privacy(request):
    return render(request, "www/privacy.html")


@require_GET
def accessibility(request):
    return render(request, "www/accessibility.html")


@login_required
@require_GET
def attachments(request):
    """ "Mes rattachements": the user's attachments with their status and rights, and a form to add one."""
    return attachments_page(request, AttachmentRequestForm())


def attachments_page(request, form):
    memberships = (
        Membership.objects.for_user(request.user)
        .select_related("company", "requested_establishment")
        .prefetch_related("establishments")
        .order_by("-created_at")
    )
    return render(request, "www/attachments.html", {"memberships": memberships, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """ "Mon profil": identity, notification themes, support-access consent, security links."""
    user = request.user
    initial = {
        "civility": user.civility,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "phone": user.phone,
        "themes": user.notification_themes,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user_update_profile(
            user=user,
            civility=data["civility"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            themes=data["themes"],
        )
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("www:profile")
    consent_form = SupportConsentForm(initial={"consent": user.has_support_consent})
    security_events = user.security_events.all()[:10]
    rights = (
        Membership.objects.for_user(user)
        .active()
        .select_related("company")
        .order_by("company__name")
    )
    support_sessions = user.support_sessions.select_related("staff")[:10]
    return render(
        request,
        "www/profile/profile.html",
        {
            "form": form,
            "consent_form": consent_form,
            "security_events": security_events,
            "rights": rights,
            "support_sessions": support_sessions,
        },
    )


@login_required
@require_POST
def support_consent(request):
    if getattr(request.user, "is_hijacked", False):
        messages.error(
            request, _("Cette modification est impossible pendant une connexion « en tant que ».")
        )
        return redirect("www:profile")
    form = SupportConsentForm(request.POST)
    form.is_valid()
    consent = form.cleaned_data.get("consent", False)
    user_set_support_consent(user=request.user, consent=consent)
    if consent:
        messages.success(request, _("Vous avez donné votre accord à la connexion « en tant que »."))
    else:
        messages.success(
            request, _("Vous avez retiré votre accord à la connexion « en tant que ».")
        )
    return redirect("www:profile")
