"""Settings read from the environment refuse what they cannot read."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list


@pytest.mark.parametrize("value", ["1", "true", "Yes", " on ", "oui"])
def test_true_values(monkeypatch, value):
    monkeypatch.setenv("FLAG", value)
    assert env_bool("FLAG") is True


@pytest.mark.parametrize("value", ["0", "false", "No", "off", ""])
def test_false_values(monkeypatch, value):
    monkeypatch.setenv("FLAG", value)
    assert env_bool("FLAG", default=True) is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "enabled"])
def test_a_mistyped_boolean_stops_the_start(monkeypatch, value):
    monkeypatch.setenv("STAFF_REQUIRE_MFA", value)
    with pytest.raises(ImproperlyConfigured, match="STAFF_REQUIRE_MFA"):
        env_bool("STAFF_REQUIRE_MFA", default=True)


def test_unset_takes_the_default(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default=True) is True
    assert env_int("NUMBER", 7) == 7


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("NUMBER", " 42 ")
    assert env_int("NUMBER", 0) == 42
    monkeypatch.setenv("NUMBER", "4O")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        env_int("NUMBER", 0)
    monkeypatch.setenv("HOSTS", "a.fr, b.fr,,")
    assert env_list("HOSTS") == ["a.fr", "b.fr"]
