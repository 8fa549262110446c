"""Referential rows the dossiers rely on: SMIC by date, required pieces per dispositif.

Loaded by a data migration; ``load`` takes the model classes so the migration can pass its
historical models (and the browser tests, whose database is emptied between tests, the real ones).
"""

from datetime import date
from decimal import Decimal

SMIC_HOURLY = [
    (date(2019, 1, 1), Decimal("10.03")),
    (date(2020, 1, 1), Decimal("10.15")),
    (date(2021, 1, 1), Decimal("10.25")),
    (date(2021, 10, 1), Decimal("10.48")),
    (date(2022, 1, 1), Decimal("10.57")),
    (date(2022, 5, 1), Decimal("10.85")),
    (date(2022, 8, 1), Decimal("11.07")),
    (date(2023, 1, 1), Decimal("11.27")),
    (date(2023, 5, 1), Decimal("11.52")),
    (date(2024, 1, 1), Decimal("11.65")),
    (date(2024, 11, 1), Decimal("11.88")),
    (date(2026, 1, 1), Decimal("12.02")),
]
# Monthly SMIC for 35 h a week, from the same dates (apprentices' pay, referentials/cerfa.py).
SMIC_MONTHLY = {
    date(2019, 1, 1): Decimal("1521.22"),
    date(2020, 1, 1): Decimal("1539.42"),
    date(2021, 1, 1): Decimal("1554.58"),
    date(2021, 10, 1): Decimal("1589.47"),
    date(2022, 1, 1): Decimal("1603.12"),
    date(2022, 5, 1): Decimal("1645.58"),
    date(2022, 8, 1): Decimal("1678.95"),
    date(2023, 1, 1): Decimal("1709.28"),
    date(2023, 5, 1): Decimal("1747.20"),
    date(2024, 1, 1): Decimal("1766.92"),
    date(2024, 11, 1): Decimal("1801.80"),
    date(2026, 1, 1): Decimal("1823.03"),
}
# (dispositif, piece, order, condition): a condition names a case of the dispositif's module.
REQUIRED_DOCUMENTS = [
    ("training_action", "programme", 1, ""),
    ("training_action", "convention", 2, ""),
    # Seed 002: « le dépôt du CERFA et de la convention signée des 3 parties est obligatoire ».
    ("apprenticeship", "signed_cerfa", 1, ""),
    ("apprenticeship", "training_agreement", 2, ""),
    ("apprenticeship", "duration_agreement", 3, "duration_derogation"),
    ("apprenticeship", "sworn_statement", 4, "business_project_over_29"),
    ("professionalisation", "signed_cerfa", 1, ""),
    ("professionalisation", "programme", 2, ""),
    ("pro_a", "signed_amendment", 1, ""),
    ("pro_a", "programme", 2, ""),
]


def load(smic_model, required_document_model):
    for effective_from, hourly in SMIC_HOURLY:
        defaults = {"hourly": hourly}
        if any(f.name == "monthly" for f in smic_model._meta.get_fields()):
            defaults["monthly"] = SMIC_MONTHLY[effective_from]
        smic_model.objects.update_or_create(effective_from=effective_from, defaults=defaults)
    conditional = any(f.name == "condition" for f in required_document_model._meta.get_fields())
    for kind, piece_type, order, condition in REQUIRED_DOCUMENTS:
        if condition and not conditional:
            continue  # an older migration's model: the later one adds these rows
        defaults = {"order": order, **({"condition": condition} if conditional else {})}
        required_document_model.objects.update_or_create(
            kind=kind, piece_type=piece_type, defaults=defaults
        )
