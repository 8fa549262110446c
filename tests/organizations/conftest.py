"""Fixtures loading the sample files of monespace/organizations/data (see its README)."""

from pathlib import Path

import pytest

from monespace.organizations import importers

SAMPLES = Path(importers.__file__).parent / "data"


@pytest.fixture
def sirene_sample(db):
    """The sample directory: 19 companies, 24 establishments, no OPCO data."""
    importers.import_sirene_legal_units(SAMPLES / "sirene-sample-unites-legales.csv")
    importers.import_sirene_establishments(SAMPLES / "sirene-sample-etablissements.csv")


@pytest.fixture
def opco_sample(sirene_sample):
    """The sample directory with the OPCO's data and its known contacts."""
    importers.import_opco_data(SAMPLES / "opco-sample.csv")
    importers.import_known_contacts(SAMPLES / "known-contacts-sample.csv")
