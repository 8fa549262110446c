"""Referential rows the dossiers rely on: SMIC by date, required pieces per dispositif.

Loaded by a data migration; ``load`` takes the model classes so the migration can pass its
historical models (and the browser tests, whose database is emptied between tests, the real ones).
"""

from datetime import date
from decimal import Decimal

SMIC_HOURLY = [
    (date(2024, 1, 1), Decimal("11.65")),
    (date(2024, 11, 1), Decimal("11.88")),
    (date(2026, 1, 1), Decimal("12.02")),
]
REQUIRED_DOCUMENTS = [("training_action", "programme", 1), ("training_action", "convention", 2)]


def load(smic_model, required_document_model):
    for effective_from, hourly in SMIC_HOURLY:
        smic_model.objects.update_or_create(
            effective_from=effective_from, defaults={"hourly": hourly}
        )
    for kind, piece_type, order in REQUIRED_DOCUMENTS:
        required_document_model.objects.update_or_create(
            kind=kind, piece_type=piece_type, defaults={"order": order}
        )
