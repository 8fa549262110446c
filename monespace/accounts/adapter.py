import time

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from monespace.core.mail import queue_email

from . import lockout
from .enums import SecurityEventKind
from .services import security_event_record, user_verify_email


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: registration goes through our own journey, mails through our task queue."""

    def is_open_for_signup(self, request):
        # "Créer mon compte" is the journey of www/onboarding (seeds 000 and 001).
        return False

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, {"email": email, **context})
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        queue_email(to=list(message.to), subject=message.subject, body=message.body, html=html)

    def set_password(self, user, password):
        """A registered user may choose a first password through "Mot de passe oublié ?" instead of
        the welcome link: the e-mail that carried the link proves the address just the same, and
        the account is activated as the welcome link would (attachments, pending request)."""
        from monespace.organizations.services import memberships_activate_for_new_user

        first_password = not user.has_usable_password()
        super().set_password(user, password)
        lockout.reset_account(user.email)  # a new password ends a lock
        if first_password:
            user_verify_email(user=user)
            memberships_activate_for_new_user(user=user)

    # Failed sign-ins: our own per-account temporisation and per-address slowdown
    # (accounts/lockout.py) replace allauth's « login_failed » limit, which counted per address
    # too and so locked a whole office out.

    def pre_authenticate(self, request, **credentials):
        login = _login(credentials)
        wait = lockout.account_wait(login)
        if wait:
            security_event_record(kind=SecurityEventKind.LOCKOUT, user=None)
            raise ValidationError(
                _(
                    "Trop de tentatives pour ce compte : par sécurité, attendez %(wait)s avant de "
                    "réessayer. Vous pouvez aussi choisir un nouveau mot de passe (« Mot de passe "
                    "oublié ? ») ou nous contacter."
                )
                % {"wait": lockout.wait_label(wait)},
                code="account_locked",
            )
        delay = lockout.ip_slowdown(self.get_client_ip(request))
        if delay:
            _sleep(delay)

    def authentication_failed(self, request, **credentials):
        lockout.record_failure(_login(credentials), self.get_client_ip(request))
        security_event_record(kind=SecurityEventKind.LOGIN_FAILED, user=None)

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:  # a correct sign-in: the account starts afresh
            lockout.reset_account(_login(credentials))
        return user


def _login(credentials):
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


def _sleep(seconds):
    """Slows an attempt down (a function of its own, so that tests can watch it)."""
    time.sleep(seconds)
