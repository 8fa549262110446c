"""Validation of French identifiers, built on python-stdnum.

Each ``clean_*`` function takes what a user typed (spaces and dots allowed), returns the
compact form, or raises ``ValidationError`` with a French message.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

_SEPARATORS = re.compile(r"[\s.\-]")
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def compact(value):
    return _SEPARATORS.sub("", value or "").upper()


def _digits(number):
    """ASCII digits only: digits of other scripts (« ７３２ ») are not read as numbers."""
    return number.isascii() and number.isdigit()


def clean_siren(value):
    number = compact(value)
    if not _digits(number) or len(number) != 9:
        raise ValidationError(_("Le SIREN comporte 9 chiffres."), code="siren_format")
    if set(number) == {"0"}:
        raise ValidationError(_("Ce numéro SIREN n'existe pas."), code="siren_zero")
    try:
        return stdnum_siren.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "Ce numéro SIREN n'est pas valide (clé de contrôle incorrecte). Vérifiez les 9 chiffres."
            ),
            code="siren_checksum",
        ) from None


def clean_siret(value):
    number = compact(value)
    if not _digits(number) or len(number) != 14:
        raise ValidationError(_("Le SIRET comporte 14 chiffres."), code="siret_format")
    if set(number[:9]) == {"0"}:
        raise ValidationError(_("Ce numéro SIRET n'existe pas."), code="siret_zero")
    try:
        return stdnum_siret.validate(number)
    except (InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength):
        raise ValidationError(
            _(
                "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte). Vérifiez les 14 chiffres."
            ),
            code="siret_checksum",
        ) from None


def clean_siret_or_siren(value):
    """Accept a SIRET (14 digits) or a SIREN (9 digits), as step 3 of the registration does."""
    number = compact(value)
    if len(number) == 9:
        return clean_siren(number)
    if len(number) == 14:
        return clean_siret(number)
    raise ValidationError(
        _("Saisissez un SIRET (14 chiffres) ou un SIREN (9 chiffres)."),
        code="siret_or_siren_format",
    )


def clean_idcc(value):
    number = compact(value)
    if not _digits(number) or not 1 <= len(number) <= 4 or int(number) == 0:
        raise ValidationError(
            _(
                "L'IDCC (identifiant de la convention collective) comporte 4 chiffres, par exemple 1486."
            ),
            code="idcc_format",
        )
    return number.zfill(4)


def clean_uai(value):
    """UAI: 7 digits and a check letter (the number mod 23 in an alphabet without I, O, Q)."""
    number = compact(value)
    if not re.fullmatch(r"\d{7}[A-Z]", number, re.ASCII):
        raise ValidationError(
            _("L'UAI comporte 7 chiffres suivis d'une lettre, par exemple 0751234J."),
            code="uai_format",
        )
    if UAI_LETTERS[int(number[:7]) % 23] != number[7]:
        raise ValidationError(
            _("Cet UAI n'est pas valide (lettre de contrôle incorrecte)."), code="uai_checksum"
        )
    return number


def clean_nda(value):
    number = compact(value)
    if not re.fullmatch(r"\d{11}", number, re.ASCII):
        raise ValidationError(
            _("Le numéro de déclaration d'activité comporte 11 chiffres."), code="nda_format"
        )
    return number


def clean_naf(value):
    code = compact(value)
    if not re.fullmatch(r"\d{4}[A-Z]", code, re.ASCII):
        raise ValidationError(_("Le code NAF s'écrit comme 62.01Z."), code="naf_format")
    return f"{code[:2]}.{code[2:]}"


def format_siret(value):
    return stdnum_siret.format(value) if value and len(value) == 14 else value


def format_siren(value):
    return stdnum_siren.format(value) if value and len(value) == 9 else value


def parse_id(value):
    """An object id typed or posted by a user, or None (never an exception on odd input)."""
    value = (value or "").strip() if isinstance(value, str) else str(value or "")
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def clean_person_name(value):
    """A person's name: letters (any alphabet), spaces, apostrophes and hyphens; no control or
    invisible characters; at least one letter (« 0 » or a lone zero-width space is not a name)."""
    import unicodedata

    kept = "".join(
        c for c in unicodedata.normalize("NFC", value or "") if unicodedata.category(c)[0] != "C"
    )
    kept = " ".join(kept.split())
    if not kept or not any(c.isalpha() for c in kept):
        raise ValidationError(_("Saisissez un nom composé de lettres."), code="name")
    return kept


def clean_nir(value, *, birth=None, sex=None):
    """The social security number (NIR): 13 characters and a 2-digit key (Corsica's 2A/2B
    accepted). When the birth date and the sex are known, its sex digit, year and month of
    birth must agree with them (1 = man, 2 = woman; 7 and 8 are provisional numbers; a month
    of 20 or more means an unknown month)."""
    from stdnum.fr import nir as stdnum_nir

    number = compact(value)
    if not re.fullmatch(r"[1-478]\d{4}(\d{2}|2A|2B)\d{8}", number, re.ASCII):
        raise ValidationError(
            _(
                "Le numéro de sécurité sociale comporte 15 caractères : 13 chiffres et une clé de 2 chiffres."
            ),
            code="nir_format",
        )
    try:
        number = stdnum_nir.validate(number)
    except (InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength):
        raise ValidationError(
            _("Ce numéro de sécurité sociale n'est pas valide (clé incorrecte)."),
            code="nir_checksum",
        ) from None
    if sex in ("M", "F") and number[0] in "12" and number[0] != ("1" if sex == "M" else "2"):
        raise ValidationError(
            _(
                "Le numéro de sécurité sociale commence par 1 pour un homme et 2 pour une femme : il ne correspond pas au sexe indiqué."
            ),
            code="nir_sex",
        )
    if birth is not None:
        month = int(number[3:5])
        if number[1:3] != f"{birth.year % 100:02d}" or (1 <= month <= 12 and month != birth.month):
            raise ValidationError(
                _(
                    "Le numéro de sécurité sociale ne correspond pas à la date de naissance (le 2e et le 3e chiffre donnent l'année, le 4e et le 5e le mois)."
                ),
                code="nir_birth",
            )
    return number


def mask_nir(number):
    """« 2 09 05 •• ••• ••• •• »: sex, year and month, the rest hidden once saved."""
    if not number or len(number) != 15:
        return ""
    return f"{number[0]} {number[1:3]} {number[3:5]} •• ••• ••• ••"


# 15 characters: the département of deposit (« 075 », « 02B », « 974 »), year, month, « NC » or
# two digits, four digits (domain-alternance.md §6.5).
DECA_NUMBER = re.compile(
    r"(0(0[1-9]|[1-8]\d|9[0-5]|2[AB])|97[1-6])\d{4}(0[1-9]|1[0-2])(NC|\d{2})\d{4}", re.ASCII
)


def clean_deca_number(value):
    number = compact(value)
    if not DECA_NUMBER.fullmatch(number):
        raise ValidationError(
            _(
                "Le numéro de contrat (dépôt) comporte 15 caractères : département, année, mois, « NC » ou 2 chiffres, puis 4 chiffres, par exemple 075202609NC0012."
            ),
            code="deca_format",
        )
    return number


def rncp_code(value):
    """A typed RNCP code as the referentials write it (« 37098 » → « RNCP37098 »), without
    refusing anything (``clean_rncp`` checks the format)."""
    code = (value or "").upper().replace(" ", "")
    return code if code.startswith("RNCP") else (f"RNCP{code}" if code.isdigit() else code)


def clean_rncp(value):
    code = compact(value)
    if re.fullmatch(r"\d{3,5}", code, re.ASCII):
        code = f"RNCP{code}"
    if not re.fullmatch(r"RNCP\d{3,5}", code, re.ASCII):
        raise ValidationError(
            _("Le code RNCP s'écrit RNCP suivi de 3 à 5 chiffres, par exemple RNCP35185."),
            code="rncp_format",
        )
    return code


def clean_diploma_code(value):
    code = compact(value)
    if not re.fullmatch(r"[0-9A-Z]{8}", code, re.ASCII):
        raise ValidationError(
            _("Le code du diplôme comporte 8 caractères, par exemple 50022137."),
            code="diploma_code_format",
        )
    return code


def clean_postal_code(value):
    code = compact(value)
    if not re.fullmatch(r"\d{5}", code, re.ASCII) or code == "00000":
        raise ValidationError(_("Le code postal comporte 5 chiffres."), code="postal_code")
    return code


def clean_iban(value):
    """A compact IBAN (« FR7630006000011234567890189 »), its key and its country's national key
    (the French RIB key) checked (schwifty), or a French ValidationError."""
    from schwifty import IBAN
    from schwifty import exceptions as iban_errors

    text = compact(value).upper()
    if not text:
        raise ValidationError(_("Saisissez l'IBAN."), code="required")
    try:
        return IBAN(text, validate_bban=True).compact
    except iban_errors.InvalidCountryCode:
        message = _("L'IBAN commence par le code du pays, par exemple FR76.")
    except iban_errors.InvalidLength:
        message = _("L'IBAN n'a pas la bonne longueur : 27 caractères pour un compte en France.")
    except iban_errors.InvalidChecksumDigits:
        message = _("La clé de l'IBAN ne correspond pas : vérifiez chaque caractère.")
    except iban_errors.InvalidBBANChecksum:
        message = _("La clé RIB ne correspond pas au numéro de compte : vérifiez chaque chiffre.")
    except iban_errors.SchwiftyException:
        message = _("Cet IBAN n'est pas valide : vérifiez chaque caractère.")
    raise ValidationError(message, code="invalid")


def clean_bic(value):
    """A BIC of 8 or 11 characters whose country exists (schwifty), or a French error."""
    from schwifty import BIC
    from schwifty import exceptions as bic_errors

    text = compact(value).upper()
    if not text:
        raise ValidationError(_("Saisissez le BIC."), code="required")
    try:
        return BIC(text).compact
    except bic_errors.SchwiftyException:
        raise ValidationError(
            _("Le BIC compte 8 ou 11 caractères, par exemple AGRIFRPP ou AGRIFRPPXXX."),
            code="invalid",
        ) from None


def iban_bank(iban):
    """(bank name, BIC) the registry knows for a valid IBAN, or empty strings."""
    from schwifty import IBAN

    try:
        found = IBAN(iban)
        return found.bank_name or "", str(found.bic or "")
    except Exception:  # an IBAN the registry cannot place: no name, no guess
        return "", ""


def format_iban(iban):
    """« FR76 3000 6000 0112 3456 7890 189 »."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def mask_iban(iban):
    """« FR76 •••• … 0189 »: the IBAN outside the bank-details pages."""
    if not iban:
        return ""
    return f"{iban[:4]} •••• … {iban[-4:]}"
