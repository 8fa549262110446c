"""French departments as read from a postal code: what ties an establishment to the OPCO's
regional entity (« délégation régionale ») that serves it."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Metropolitan departments (20 is split into 2A and 2B), then the overseas ones.
DEPARTMENT_CODE = re.compile(r"(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8]|98[6-8])")


def department_of(postal_code: str) -> str | None:
    """The department of a French postal code: its first two digits, three overseas (« 971 »),
    « 2A » or « 2B » in Corsica (20000–20199 is Corse-du-Sud). None when it is not a French
    postal code."""
    code = (postal_code or "").replace(" ", "")
    if not (len(code) == 5 and code.isascii() and code.isdigit()):
        return None
    if code.startswith(("97", "98")):
        department = code[:3]
    elif code.startswith("20"):
        department = "2A" if int(code[:3]) < 202 else "2B"
    else:
        department = code[:2]
    return department if DEPARTMENT_CODE.fullmatch(department) else None


def validate_department_code(value: str) -> None:
    if not DEPARTMENT_CODE.fullmatch(value or ""):
        raise ValidationError(
            _(
                "Saisissez le code d'un département : deux chiffres (75), 2A ou 2B pour la "
                "Corse, trois chiffres outre-mer (971)."
            ),
            code="department",
        )
