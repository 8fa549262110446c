import pytest
from django.core.exceptions import ValidationError

from monespace.core.identifiers import (
    clean_idcc,
    clean_naf,
    clean_nda,
    clean_siren,
    clean_siret,
    clean_siret_or_siren,
    clean_uai,
    format_siren,
    format_siret,
)


def error_of(cleaner, value):
    with pytest.raises(ValidationError) as error:
        cleaner(value)
    return error.value


# --- SIREN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["404833048", "404 833 048", "404.833.048", " 404833048 "])
def test_valid_siren_is_compacted(value):
    assert clean_siren(value) == "404833048"


def test_siren_with_wrong_checksum():
    error = error_of(clean_siren, "404833047")

    assert error.code == "siren_checksum"
    assert error.messages == [
        "Ce numéro SIREN n'est pas valide (clé de contrôle incorrecte). Vérifiez les 9 chiffres."
    ]


@pytest.mark.parametrize("value", ["", "40483304", "4048330480", "40483304A"])
def test_siren_with_wrong_format(value):
    error = error_of(clean_siren, value)

    assert error.code == "siren_format"
    assert error.messages == ["Le SIREN comporte 9 chiffres."]


# --- SIRET ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["73282932000074", "732 829 320 00074", "732.829.320.00074", "732-829-320-00074"]
)
def test_valid_siret_is_compacted(value):
    assert clean_siret(value) == "73282932000074"


def test_la_poste_head_office_siret_is_valid():
    assert clean_siret("35600000000048") == "35600000000048"


def test_siret_with_wrong_checksum():
    error = error_of(clean_siret, "73282932000075")

    assert error.code == "siret_checksum"
    assert error.messages == [
        "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte). Vérifiez les 14 chiffres."
    ]


@pytest.mark.parametrize("value", ["", "7328293200007", "732829320000740", "7328293200007A"])
def test_siret_with_wrong_format(value):
    error = error_of(clean_siret, value)

    assert error.code == "siret_format"
    assert error.messages == ["Le SIRET comporte 14 chiffres."]


def test_siret_or_siren():
    assert clean_siret_or_siren("404 833 048") == "404833048"
    assert clean_siret_or_siren("732 829 320 00074") == "73282932000074"
    assert error_of(clean_siret_or_siren, "1234567890").code == "siret_or_siren_format"
    assert error_of(clean_siret_or_siren, "404833047").code == "siren_checksum"


def test_formatting():
    assert format_siren("404833048") == "404 833 048"
    assert format_siret("73282932000074") == "732 829 320 00074"
    assert format_siret("") == ""


# --- IDCC ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("843", "0843"), ("0843", "0843"), ("1486", "1486"), ("5", "0005")]
)
def test_idcc_is_padded_to_four_digits(value, expected):
    assert clean_idcc(value) == expected


@pytest.mark.parametrize("value", ["0", "0000", "12345", "abcd", ""])
def test_invalid_idcc_is_refused(value):
    error = error_of(clean_idcc, value)

    assert error.code == "idcc_format"
    assert "4 chiffres" in error.messages[0]


# --- UAI -----------------------------------------------------------------------------------------


def test_valid_uai():
    assert clean_uai("0751234J") == "0751234J"
    assert clean_uai("0751234j") == "0751234J"


def test_uai_with_wrong_letter_is_refused():
    error = error_of(clean_uai, "0751234K")

    assert error.code == "uai_checksum"
    assert error.messages == ["Cet UAI n'est pas valide (lettre de contrôle incorrecte)."]


@pytest.mark.parametrize("value", ["075123J", "07512345", "0751234JJ", ""])
def test_uai_with_wrong_format_is_refused(value):
    assert error_of(clean_uai, value).code == "uai_format"


# --- NDA -----------------------------------------------------------------------------------------


def test_nda_has_eleven_digits():
    assert clean_nda("11 75 39666 75") == "11753966675"
    assert error_of(clean_nda, "1175396667").code == "nda_format"
    assert error_of(clean_nda, "117539666750").code == "nda_format"
    assert error_of(clean_nda, "1175396667A").code == "nda_format"


# --- NAF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["6201Z", "62.01Z", "62.01z"])
def test_naf_is_written_with_a_dot(value):
    assert clean_naf(value) == "62.01Z"


@pytest.mark.parametrize("value", ["620Z", "62012", "6201ZZ", ""])
def test_invalid_naf_is_refused(value):
    assert error_of(clean_naf, value).code == "naf_format"
