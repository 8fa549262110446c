"""Input rules that used to let odd values through (issue 10, point 7), and French numbers."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monespace.core import identifiers
from monespace.core.formats import format_euros, format_hours, parse_decimal
from monespace.core.uploads import clean_display_name, download_name

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1 450,50", Decimal("1450.50")),
        (f"1{NNBSP}450,50", Decimal("1450.50")),
        (f"1{NBSP}450", Decimal("1450")),
        ("  7 ", Decimal("7")),
        ("", None),
    ],
)
def test_french_numbers_are_read(typed, value):
    assert parse_decimal(typed) == value


@pytest.mark.parametrize("typed", ["１２", "1_000", "1e3", "1,2,3", "12,", ",5", "1 45,0", "NaN"])
def test_odd_numbers_are_refused(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


def test_amounts_are_shown_the_french_way():
    assert format_euros(Decimal("1450")) == f"1{NNBSP}450,00{NBSP}€"
    assert format_euros(Decimal("1234567.005")) == f"1{NNBSP}234{NNBSP}567,01{NBSP}€"
    assert format_euros(Decimal("-3.5")) == f"-3,50{NBSP}€"
    assert format_hours(Decimal("21.00")) == "21" and format_hours(Decimal("7.50")) == "7,5"


@pytest.mark.parametrize(
    ("clean", "typed"),
    [
        (identifiers.clean_siren, "000000000"),
        (identifiers.clean_siret, "00000000000000"),
        (identifiers.clean_siren, "７３２８２９３２０"),  # digits of another script
        (identifiers.clean_uai, "０７５３１２３A"),
        (identifiers.clean_nda, "１１７５５３５３１７５"),
        (identifiers.clean_idcc, "１４８６"),
    ],
)
def test_identifiers_refuse_zeros_and_other_scripts(clean, typed):
    with pytest.raises(ValidationError):
        clean(typed)


@pytest.mark.parametrize("typed", ["0", "12345", "\u200b", " \u200b ", "--", "\u202e"])
def test_a_name_has_letters(typed):
    with pytest.raises(ValidationError):
        identifiers.clean_person_name(typed)


def test_a_name_keeps_its_letters_without_invisible_characters():
    assert identifiers.clean_person_name("  Lefèvre\u200b-  Dupont ") == "Lefèvre- Dupont"
    assert identifiers.clean_person_name("N'Diaye") == "N'Diaye"


def test_download_names_take_their_extension_from_the_content():
    assert download_name("facture.html", "application/pdf") == "facture.pdf"
    assert download_name("x.svg", "image/png") == "x.png"
    assert download_name("rtl\u202efdp.exe", "application/pdf") == "rtlfdp.pdf"
    served = download_name("../../etc/passwd", "application/pdf")
    assert "/" not in served and served.endswith(".pdf") and not served.startswith(".")
    assert download_name("\u202e", "application/pdf") == "document.pdf"
    assert clean_display_name("Programme\u202e fdp.exe\x00") == "Programme fdp.exe"


def test_a_french_number_field_is_a_text_box_showing_its_initial_value():
    """A number box (type="number") would refuse « 0,00 » and show it empty: the user would
    then be asked for a value the form had given (found by the browser journeys)."""
    from django import forms

    from monespace.core.forms import FrenchDecimalField

    class HoursForm(forms.Form):
        hours = FrenchDecimalField(min_value=0, max_digits=7, decimal_places=2, initial=0)

    html = str(HoursForm()["hours"])
    assert 'type="text"' in html
    assert 'value="0,00"' in html
    assert 'inputmode="decimal"' in html
