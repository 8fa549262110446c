"""Password rules shown to users: at least 8 characters with a digit and a letter (seeds).

With limited login attempts this meets CNIL deliberation 2022-100, case 2. Common passwords and
passwords close to the user's own data are refused with a clear reason.
"""

import gzip
import re
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FRENCH_COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords-fr.txt"


def _fold(value):
    value = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", value.lower())


class LetterAndDigitValidator:
    def validate(self, password, user=None):
        if not re.search(r"\d", password) or not any(c.isalpha() for c in password):
            raise ValidationError(
                _("Le mot de passe doit contenir au moins 1 chiffre et 1 lettre."),
                code="password_letter_digit",
            )

    def get_help_text(self):
        return _("Au moins 1 chiffre et 1 lettre.")


class MaximumLengthValidator:
    """Long passphrases are welcome (ANSSI R22); a high bound protects the server."""

    max_length = 128

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                _("Le mot de passe ne doit pas dépasser %(max)d caractères.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self):
        return ""


class PersonalDataValidator:
    """Refuse a password built on the user's e-mail, names or the portal's name."""

    def validate(self, password, user=None):
        folded = _fold(password)
        if not folded or user is None:
            return
        candidates = set()
        email = getattr(user, "email", "") or ""
        local = email.split("@")[0]
        candidates.update({_fold(local), *(_fold(p) for p in re.split(r"[._\-+]", local))})
        candidates.update(
            {_fold(getattr(user, "first_name", "")), _fold(getattr(user, "last_name", ""))}
        )
        candidates.update(
            {"monespace", "opco", _fold(settings.OPCO_NAME), _fold(settings.PORTAL_NAME)}
        )
        for word in candidates:
            if len(word) >= 3 and word in folded and len(folded) - len(word) < 6:
                raise ValidationError(
                    _(
                        "Le mot de passe ressemble trop à vos informations personnelles (nom, prénom ou "
                        "adresse e-mail). Choisissez-en un autre."
                    ),
                    code="password_too_personal",
                )

    def get_help_text(self):
        return _("Il ne doit pas reprendre votre nom, votre prénom ou votre adresse e-mail.")


@cache
def _french_common_passwords():
    with FRENCH_COMMON_PASSWORDS.open(encoding="utf-8") as handle:
        return frozenset(
            _fold(line) for line in handle if line.strip() and not line.startswith("#")
        )


@cache
def _django_common_passwords():
    path = Path(password_validation.__file__).resolve().parent / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(_fold(line) for line in handle)


class CommonPasswordValidator:
    """Refuse passwords found in lists of common passwords (international and French)."""

    def validate(self, password, user=None):
        folded = _fold(password)
        if folded in _django_common_passwords() or folded in _french_common_passwords():
            raise ValidationError(
                _(
                    "Ce mot de passe est trop courant : il figure dans les listes de mots de passe les plus utilisés."
                ),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Il ne doit pas être un mot de passe courant.")
