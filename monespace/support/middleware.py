"""During a « connexion en tant que »: a time limit, and nothing written.

The support agent sees what the user sees, to help them; every unsafe request (POST, PUT,
PATCH, DELETE) is refused with a French page (403), except ending the session. So nothing is
ever recorded as done by the user that the agent did."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SupportSession
from .receivers import SESSION_KEY

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Ending the « connexion en tant que » is the one write allowed.
ALLOWED_WHILE_SUPPORTING = {"release"}


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
            if request.method not in SAFE_METHODS and not self._allowed(request):
                return render(request, "support/blocked.html", status=403)
        return self.get_response(request)

    def _allowed(self, request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace == "hijack" and match.url_name in ALLOWED_WHILE_SUPPORTING
