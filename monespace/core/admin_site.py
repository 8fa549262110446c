"""The Django admin, protected like the back office.

The most powerful interface demands what the back office demands (STAFF_REQUIRE_MFA: a TOTP or
passkey authenticator, else the staff member is sent to set one up), and a superuser's writes
there need a recent re-authentication (ACCOUNT_REAUTHENTICATION_TIMEOUT). The login itself goes
through allauth (config/urls.py).
"""

from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _superuser_write(request):
    return request.user.is_superuser and request.method not in SAFE_METHODS


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(
            reauthentication_required(view, enabled=_superuser_write), cacheable
        )

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            from monespace.accounts.perms import has_second_factor

            user = request.user
            if (
                user.is_authenticated
                and user.is_active
                and user.is_staff
                and settings.STAFF_REQUIRE_MFA
                and not has_second_factor(user)
            ):
                messages.warning(
                    request,
                    _(
                        "L'administration demande une double authentification : activez-la pour continuer."
                    ),
                )
                return redirect("mfa_index")
            return inner(request, *args, **kwargs)

        return wrapped
