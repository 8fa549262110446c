""" "Créer mon compte": the two first-login journeys of seeds 000 and 001.

- Known contact (the e-mail is a contact in the OPCO's data): step 1 → thank-you page → e-mail
  "Bienvenue sur Mon Espace" → the link verifies the address and opens "Changer votre mot de passe"
  → the user is attached to every establishment where they were a contact.
- New user: step 1 identity, step 2 themes, step 3 "Je suis rattaché(e) à", step 4 the
  adhérent / organisme de formation number (known establishment) or the IDCC (unknown to the
  OPCO but active at INSEE), step 5 thank-you page, step 6 e-mail link, step 7 password. The
  attachment becomes a pending request decided by the company's administrator.

What the user typed lives in the session until the account is created, so "Précédent" and a
reload never lose it. Nothing is written before the last step.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from monespace.accounts.enums import Civility
from monespace.accounts.models import User
from monespace.accounts.services import user_verify_email
from monespace.accounts.tokens import welcome_link_token
from monespace.core import identifiers, ratelimit
from monespace.organizations.directory import get_directory
from monespace.organizations.enums import Profile
from monespace.organizations.models import Company, Establishment, KnownContact
from monespace.organizations.numbers import NumberCheckError, establishment_number_check
from monespace.organizations.signup import account_activate, signup_complete, welcome_link_send
from monespace.referentials.models import CollectiveAgreement

from .forms import AttachmentForm, IdccForm, IdentityForm, NewPasswordForm, NumberForm, ThemesForm

SESSION_KEY = "signup"
DONE_KEY = "signup_done"
ACTIVATION_KEY = "signup_activation"
ACTIVATION_URL_TOKEN = "mot-de-passe"

NEW_USER_STEPS = [
    ("identity", gettext_lazy("Identifiez-vous")),
    ("themes", gettext_lazy("Thématiques")),
    ("attachment", gettext_lazy("Mon établissement")),
    ("check", gettext_lazy("Numéro adhérent / IDCC")),
    ("done", gettext_lazy("Confirmation")),
]


def _client_key(request):
    """The visitor's address, read as allauth reads it (trusted proxies, see TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request) or "unknown"


def _data(request):
    return request.session.get(SESSION_KEY, {})


def _save(request, **values):
    data = {**_data(request), **values}
    request.session[SESSION_KEY] = data
    return data


def _render_step(request, template, step, context):
    steps = [
        {"key": key, "label": label, "index": i + 1}
        for i, (key, label) in enumerate(NEW_USER_STEPS)
    ]
    current = next(i for i, s in enumerate(steps) if s["key"] == step)
    return render(request, template, {"steps": steps, "current_step": current + 1, **context})


@require_http_methods(["GET", "POST"])
def identity(request):
    """Step 1: civilité, nom, prénom, e-mail, the data-protection notice and the support consent."""
    if request.user.is_authenticated:
        return redirect("www:home")
    data = _data(request)
    form = IdentityForm(request.POST or None, initial=data.get("identity"))
    if request.method == "POST" and form.is_valid():
        identity = form.cleaned_data
        known = KnownContact.objects.filter(email__iexact=identity["email"]).exists()
        data = _save(request, identity=identity, known=known)
        if known:
            return _complete(request, data)
        return redirect("www:signup_themes")
    return _render_step(request, "www/onboarding/identity.html", "identity", {"form": form})


def _require_identity(view):
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("www:home")
        if "identity" not in _data(request):
            messages.info(request, _("Commencez par vous identifier."))
            return redirect("www:signup")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@require_http_methods(["GET", "POST"])
@_require_identity
def themes(request):
    """Step 2: the themes of the e-mails the user wants to receive."""
    data = _data(request)
    form = ThemesForm(request.POST or None, initial={"themes": data.get("themes", [])})
    if request.method == "POST":
        if "previous" in request.POST:
            _save(request, themes=request.POST.getlist("themes"))
            return redirect("www:signup")
        if form.is_valid():
            _save(request, themes=form.cleaned_data["themes"])
            return redirect("www:signup_attachment")
    return _render_step(request, "www/onboarding/themes.html", "themes", {"form": form})


@require_http_methods(["GET", "POST"])
@_require_identity
def attachment(request):
    """Step 3: "Je suis rattaché(e) à" — type and SIRET / SIREN, looked up in the directory."""
    data = _data(request)
    form = AttachmentForm(request.POST or None, initial=data.get("attachment"))
    if request.method == "POST":
        if "previous" in request.POST:
            _save(
                request, attachment={k: request.POST.get(k, "") for k in ("profile", "identifier")}
            )
            return redirect("www:signup_themes")
        if form.is_valid():
            profile = form.cleaned_data["profile"]
            number = form.cleaned_data["identifier"]
            result = get_directory().lookup(number)
            if not result.found:
                form.add_error(
                    "identifier",
                    _(
                        "Nous ne trouvons pas ce numéro dans le répertoire des entreprises (INSEE). "
                        "Vérifiez-le ou contactez l'OPCO."
                    ),
                )
            elif not result.company.is_active:
                form.add_error(
                    "identifier",
                    _(
                        "Cette entreprise a cessé son activité au répertoire des entreprises (INSEE) : "
                        "vous ne pouvez pas vous y rattacher. Contactez l'OPCO si c'est une erreur."
                    ),
                )
            elif not result.is_active:
                form.add_error(
                    "identifier",
                    _(
                        "Cet établissement est fermé au répertoire des entreprises (INSEE) : vous ne pouvez "
                        "pas vous y rattacher. Contactez l'OPCO si c'est une erreur."
                    ),
                )
            else:
                known = result.is_known(profile)
                _save(
                    request,
                    attachment={"profile": profile, "identifier": number},
                    lookup={
                        "company_id": result.company.pk,
                        "establishment_id": result.establishment.pk
                        if result.establishment
                        else None,
                        "known": known,
                    },
                )
                return redirect("www:signup_number" if known else "www:signup_idcc")
    return _render_step(
        request,
        "www/onboarding/attachment.html",
        "attachment",
        {"form": form, "show_contact": bool(form.errors), "me": _me(data)},
    )


def _me(data) -> dict:
    """« Je suis »: the identity typed at step 1, recalled beside « Mon établissement »."""
    me = dict(data.get("identity") or {})
    if me.get("civility") in Civility.values:
        me["civility"] = Civility(me["civility"]).label
    return me


def _require_lookup(view):
    def wrapped(request, *args, **kwargs):
        if "lookup" not in _data(request):
            return redirect("www:signup_attachment")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return _require_identity(wrapped)


def _lookup_again(data):
    """Re-read what step 3 found (the session holds ids only)."""
    from monespace.organizations.directory import LookupResult

    lookup = data["lookup"]
    company = Company.objects.filter(pk=lookup["company_id"]).first()
    establishment = (
        Establishment.objects.filter(pk=lookup["establishment_id"]).first()
        if lookup["establishment_id"]
        else None
    )
    return LookupResult(company=company, establishment=establishment)


@require_http_methods(["GET", "POST"])
@_require_lookup
def number(request):
    """Step 4, known establishment: the adhérent / organisme de formation number must match.

    Attempts are limited per establishment and per visitor, so the number cannot be guessed.
    """
    data = _data(request)
    if not data["lookup"]["known"]:
        return redirect("www:signup_idcc")
    result = _lookup_again(data)
    profile = data["attachment"]["profile"]
    form = NumberForm(request.POST or None)
    if request.method == "POST":
        if "previous" in request.POST:
            return redirect("www:signup_attachment")
        if form.is_valid():
            try:
                establishment = establishment_number_check(
                    result=result,
                    profile=profile,
                    number=form.cleaned_data["number"],
                    identifier=data["attachment"]["identifier"],
                    subject=f"client:{_client_key(request)}",
                )
            except NumberCheckError as error:
                form.add_error(error.field, str(error))
            else:
                data = _save(request, matched_establishment_id=establishment.pk, idcc="")
                return _complete(request, data)
    return _render_step(
        request,
        "www/onboarding/number.html",
        "check",
        {"form": form, "result": result, "profile_label": Profile(profile).label},
    )


@require_http_methods(["GET", "POST"])
@_require_lookup
def idcc(request):
    """Step 4, establishment unknown to the OPCO but active at INSEE: the IDCC."""
    data = _data(request)
    if data["lookup"]["known"]:
        return redirect("www:signup_number")
    result = _lookup_again(data)
    form = IdccForm(request.POST or None, initial={"idcc": data.get("idcc", "")})
    if request.method == "POST":
        if "previous" in request.POST:
            return redirect("www:signup_attachment")
        if form.is_valid():
            data = _save(request, idcc=form.cleaned_data["idcc"], matched_establishment_id=None)
            return _complete(request, data)
    return _render_step(
        request, "www/onboarding/idcc.html", "check", {"form": form, "result": result}
    )


@require_GET
def idcc_title(request):
    """The title of the collective agreement of the IDCC being typed (an HTMX fragment)."""
    try:
        idcc = identifiers.clean_idcc(request.GET.get("idcc", ""))
    except ValidationError:
        agreement = None
    else:
        agreement = CollectiveAgreement.objects.in_force().filter(idcc=idcc).first()
    return render(
        request,
        "www/onboarding/_idcc_title.html",
        {"agreement": agreement, "typed": bool(request.GET.get("idcc", "").strip())},
    )


def _complete(request, data):
    """Create the account (or, for an address that already has one, say so by e-mail only).

    The response is the same whether the address was known or not, so the journey does not
    reveal who has an account.
    """
    identity = data["identity"]
    email = identity["email"]
    # At most a few e-mails an hour to one address, so the form cannot be used to flood a mailbox.
    mail_key = f"signup-mail:{email}"
    if ratelimit.is_blocked(mail_key, limit=settings.SIGNUP_MAILS_PER_HOUR):
        request.session.pop(SESSION_KEY, None)
        request.session[DONE_KEY] = {"email": email, "known": bool(data.get("known"))}
        return redirect("www:signup_done")
    ratelimit.record_failure(mail_key, window=3600)
    attachment = None
    if not data.get("known"):
        result = _lookup_again(data)
        matched_id = data.get("matched_establishment_id")
        attachment = {
            "profile": data["attachment"]["profile"],
            "company": result.company,
            "establishment": Establishment.objects.filter(pk=matched_id).first()
            if matched_id
            else result.establishment,
            "declared_idcc": data.get("idcc", ""),
            "number_matched": bool(matched_id),
        }
    signup_complete(
        email=email,
        civility=identity["civility"],
        first_name=identity["first_name"],
        last_name=identity["last_name"],
        themes=data.get("themes", []),
        support_consent=identity.get("support_consent", False),
        attachment=attachment,
    )
    request.session.pop(SESSION_KEY, None)
    request.session[DONE_KEY] = {"email": email, "known": bool(data.get("known"))}
    return redirect("www:signup_done")


@require_http_methods(["GET", "POST"])
def done(request):
    """Step 5: "Merci pour votre inscription" — the e-mail is on its way."""
    info = request.session.get(DONE_KEY)
    if info is None:
        return redirect("www:signup")
    if request.method == "POST":  # "Terminer"
        request.session.pop(DONE_KEY, None)
        return redirect("account_login")
    return _render_step(request, "www/onboarding/done.html", "done", {"info": info})


def _user_from_uid(uidb64):
    """The account a link names; only its canonical spelling (« MDAx » and « IDE » would
    name user 1 too, each with a rate limit of its own)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    if pk <= 0 or urlsafe_base64_encode(force_bytes(pk)) != uidb64:
        return None
    return User.objects.filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def activate(request, uidb64, token):
    """Steps 6-7: the link of the welcome e-mail verifies the address, then the user sets a password.

    The token moves to the session and the browser is sent to a URL without it (it would
    otherwise leak through the Referer header). Reloading, or opening the link in another
    browser, works until the password is set; then the link says it was used.
    """
    user = _user_from_uid(uidb64)
    if user is None:
        raise Http404
    if token != ACTIVATION_URL_TOKEN:
        if welcome_link_token.check_token(user, token):
            user_verify_email(user=user)
            request.session[ACTIVATION_KEY] = {"uid": uidb64, "token": token}
            return redirect("www:signup_activate", uidb64=uidb64, token=ACTIVATION_URL_TOKEN)
        return _invalid_link(request, user, uidb64)

    stored = request.session.get(ACTIVATION_KEY) or {}
    if stored.get("uid") != uidb64 or not welcome_link_token.check_token(user, stored.get("token")):
        return _invalid_link(request, user, uidb64)

    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        memberships = account_activate(user=user, password=form.cleaned_data["new_password1"])
        request.session.pop(ACTIVATION_KEY, None)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        request.session.set_expiry(0)
        messages.success(
            request, _("Votre mot de passe est enregistré. Bienvenue sur votre espace !")
        )
        if any(m.is_pending for m in memberships):
            messages.info(
                request,
                _(
                    "Votre demande de rattachement est en attente de validation par l'administrateur de l'entreprise."
                ),
            )
        return redirect("www:home")
    return render(request, "www/onboarding/set_password.html", {"form": form, "account": user})


def _invalid_link(request, user, uidb64):
    """An expired link offers a new one; a used one sends to the login page."""
    used = user.has_usable_password()
    return render(
        request,
        "www/onboarding/invalid_link.html",
        {"used": used, "uidb64": uidb64},
    )


@require_POST
def resend_link(request, uidb64):
    """ "Recevoir un nouveau lien": only ever sent to the account's own address."""
    user = _user_from_uid(uidb64)
    # At most 3 links an hour per account, and 20 per address asking (a script walking the
    # accounts' numbers would mail them all otherwise).
    key = f"signup-resend:{user.pk}" if user is not None else ""
    by_ip = f"signup-resend-ip:{request.META.get('REMOTE_ADDR', '')}"
    if (
        user is not None
        and user.is_active
        and not ratelimit.is_blocked(key, limit=3)
        and not ratelimit.is_blocked(by_ip, limit=20)
    ):
        ratelimit.record_failure(key, window=3600)
        ratelimit.record_failure(by_ip, window=3600)
        if user.has_usable_password():
            # The welcome link was used: the new link is allauth's own « mot de passe
            # oublié » one, to choose the password again, under allauth's own limits.
            from allauth.account.forms import ResetPasswordForm
            from allauth.core import ratelimit as allauth_ratelimit

            reset = ResetPasswordForm(data={"email": user.email})
            if reset.is_valid() and allauth_ratelimit.consume(
                request, action="reset_password", key=user.email.lower()
            ):
                reset.save(request)
        else:
            welcome_link_send(user=user)
    messages.success(
        request,
        _("Si ce compte existe, un nouveau lien vient d'être envoyé par e-mail à son adresse."),
    )
    return redirect("account_login")
