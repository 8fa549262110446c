"""French numbers, as users read and type them: « 1 450,00 € », « 12,5 ».

Amounts are shown with a comma and narrow no-break spaces between thousands everywhere (pages,
e-mails, letters, notifications, form values). They are typed with a comma or a dot, with or
without spaces between thousands; anything else (digits of other scripts, ``1_000``, ``1e3``,
two separators) is refused rather than read as something the user did not mean.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

THOUSANDS = "\u202f"  # narrow no-break space
BEFORE_UNIT = "\u00a0"  # no-break space
_TYPED = re.compile(r"[+-]?(?:\d{1,3}(?: \d{3})+|\d+)(?:[.,]\d+)?", re.ASCII)
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")


def parse_decimal(text: str | None) -> Decimal | None:
    """The number typed, or None when nothing was typed; ``ValueError`` when it is not one."""
    if text is None:
        return None
    value = _SPACES.sub(" ", str(text)).strip()
    if not value:
        return None
    if not _TYPED.fullmatch(value):
        raise ValueError(text)
    try:
        return Decimal(value.replace(" ", "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover — the pattern admits only plain numbers
        raise ValueError(text) from None


def format_number(value, decimals: int = 2, *, grouping: bool = True) -> str:
    """``1450.5`` → « 1 450,50 »; ``None`` → « »."""
    if value is None or value == "":
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    if grouping:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = THOUSANDS.join([whole, *groups])
    return f"{sign}{whole}{',' + fraction if fraction else ''}"


def format_euros(value, decimals: int = 2) -> str:
    """``Decimal("1450")`` → « 1 450,00 € »."""
    if value is None or value == "":
        return ""
    return f"{format_number(value, decimals)}{BEFORE_UNIT}€"


def format_hours(value) -> str:
    """``Decimal("21.00")`` → « 21 » ; ``Decimal("7.50")`` → « 7,5 »."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    decimals = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    return format_number(number, decimals)


def format_percent(value) -> str:
    """« 27 % », « 27,5 % » (a rate without its useless zeros, a narrow no-break space)."""
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}".replace(".", ",")
    return f"{text}\u202f%"
