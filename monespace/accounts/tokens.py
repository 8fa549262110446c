from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class WelcomeLinkTokenGenerator(PasswordResetTokenGenerator):
    """Token of the "Bienvenue sur Mon Espace" link.

    It stops working once the password is set (the hash covers the password and the last
    login) and after SIGNUP_LINK_MAX_AGE seconds.
    """

    key_salt = "monespace.accounts.WelcomeLinkTokenGenerator"

    def _timestamp(self, token):
        try:
            return base36_to_int((token or "").split("-")[0])
        except ValueError:
            return None

    def is_authentic(self, user, token):
        """True when the token was made for this user in their current state, whatever its age."""
        timestamp = self._timestamp(token)
        if user is None or timestamp is None:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )

    def is_expired(self, token):
        timestamp = self._timestamp(token)
        return (
            timestamp is None
            or self._num_seconds(self._now()) - timestamp > settings.SIGNUP_LINK_MAX_AGE
        )

    def check_token(self, user, token):
        return self.is_authentic(user, token) and not self.is_expired(token)


welcome_link_token = WelcomeLinkTokenGenerator()
