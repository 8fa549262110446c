from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction

from monespace.core.mail import deliver_email

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
        to, subject, body = list(message.to), message.subject, message.body
        transaction.on_commit(
            lambda: deliver_email.enqueue(to=to, subject=subject, body=body, html=html)
        )

    def set_password(self, user, password):
        """A registered user may choose a first password through "Mot de passe oublié ?" instead of
        the welcome link: the e-mail that carried the link proves the address just the same, and
        the account is activated as the welcome link would (attachments, pending request)."""
        from monespace.organizations.services import memberships_activate_for_new_user

        first_password = not user.has_usable_password()
        super().set_password(user, password)
        if first_password:
            user_verify_email(user=user)
            memberships_activate_for_new_user(user=user)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            security_event_record(kind=SecurityEventKind.LOCKOUT, user=None)
            raise

    def authentication_failed(self, request, **credentials):
        security_event_record(kind=SecurityEventKind.LOGIN_FAILED, user=None)
