import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "monespace_last_activity"
# Write the timestamp at most once a minute, to spare a session write on every request.
_WRITE_EVERY = 60


class IdleTimeoutMiddleware:
    """End sessions that were not kept ("Rester connecté") after SESSION_IDLE_TIMEOUT idle seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get_expire_at_browser_close()
        ):
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    _("Votre session a expiré après une période d'inactivité. Reconnectez-vous."),
                )
            elif last is None or now - last >= _WRITE_EVERY:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
