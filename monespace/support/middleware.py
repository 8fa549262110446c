"""During a « connexion en tant que »: a time limit, and no change of password, e-mail, second
factor, consent or bank details."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SupportSession
from .receivers import SESSION_KEY

BLOCKED_URL_NAMES = {
    "account_change_password",
    "account_set_password",
    "account_email",
    "account_reset_password",
    "support_consent",
}
BLOCKED_PREFIXES = ("mfa_",)


class SupportSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request.user, "is_hijacked", False):
            record = SupportSession.objects.filter(pk=request.session.get(SESSION_KEY)).first()
            over = (
                record is None
                or timezone.now() >= record.expires_at
                or record.ended_at is not None
                or record.user_id != request.user.pk
                or request.user.support_access_consent_at is None  # consent withdrawn meanwhile
            )
            if over:
                if record is not None and record.ended_at is None:
                    record.ended_at = timezone.now()
                    record.save(update_fields=["ended_at"])
                logout(request)
                messages.info(
                    request,
                    _("La connexion « en tant que » a pris fin. Reconnectez-vous."),
                )
                return redirect("account_login")
            if request.method == "POST" and self._blocked(request):
                return render(
                    request,
                    "support/blocked.html",
                    status=403,
                )
        return self.get_response(request)

    def _blocked(self, request):
        try:
            name = resolve(request.path_info).url_name or ""
        except Resolver404:
            return False
        return name in BLOCKED_URL_NAMES or name.startswith(BLOCKED_PREFIXES)
