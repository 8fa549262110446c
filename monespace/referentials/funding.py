"""The national funding rates as published (research domain-alternance §3.5, §5), loaded by
migration 0006; staff add the branches' own rates and later figures in the back office."""

from datetime import date
from decimal import Decimal

LAW_2019 = date(2019, 1, 1)
DECREES_2025 = date(2025, 7, 1)  # décrets 2025-585 / 2025-586 and LFI 2025, contracts from then

NATIONAL_RATES: list[tuple[str, date, str, str]] = [
    # (parameter, from, value, source)
    ("prorata_by_day", LAW_2019, "0", "R6332-25 VI : tout mois commencé est dû"),
    ("prorata_by_day", DECREES_2025, "1", "Décret 2025-585 : prorata temporis au jour"),
    ("schedule_advance", LAW_2019, "40", "Échéancier avant le 1er juillet 2025"),
    ("schedule_month7", LAW_2019, "30", "Échéancier avant le 1er juillet 2025"),
    ("schedule_month10", LAW_2019, "30", "Échéancier avant le 1er juillet 2025"),
    ("schedule_balance", LAW_2019, "0", "Échéancier avant le 1er juillet 2025"),
    ("schedule_short_advance", LAW_2019, "50", "Contrat de moins d'un an : 50 % puis solde"),
    ("schedule_advance", DECREES_2025, "40", "Décret 2025-585"),
    ("schedule_month7", DECREES_2025, "30", "Décret 2025-585"),
    ("schedule_month10", DECREES_2025, "20", "Décret 2025-585"),
    ("schedule_balance", DECREES_2025, "10", "Décret 2025-585 : après service fait"),
    ("schedule_short_advance", DECREES_2025, "0", "Décret 2025-585"),
    ("meal", LAW_2019, "3", "Arrêté du 30 juillet 2019"),
    ("night", LAW_2019, "6", "Arrêté du 30 juillet 2019"),
    ("first_equipment", LAW_2019, "500", "Arrêté du 30 juillet 2019"),
    ("rqth_max", date(2020, 11, 27), "4000", "Décret du 26 novembre 2020"),
    ("distance_threshold", DECREES_2025, "80", "Décret 2025-586"),
    ("distance_reduction", DECREES_2025, "20", "Décret 2025-586"),
    ("distance_floor", DECREES_2025, "4000", "Décret 2025-586"),
    ("employer_contribution", DECREES_2025, "750", "R6332-25-1 (LFI 2025)"),
    ("employer_contribution_rupture", DECREES_2025, "200", "R6332-25-1 (LFI 2025)"),
    ("probation_share", DECREES_2025, "50", "R6332-25-1 : rupture pendant la période probatoire"),
    ("pro_hourly", LAW_2019, "9.15", "Forfait par défaut (D6332-87)"),
    ("tutor_monthly", LAW_2019, "230", "D6332-92 : plafond mensuel"),
    ("tutor_months", LAW_2019, "6", "D6332-92"),
    ("tutor_uplift", LAW_2019, "50", "D6332-93 : tuteur de 45 ans ou plus, publics prioritaires"),
    ("tutor_training_hourly", LAW_2019, "15", "D6332-91 : formation du tuteur, plafond horaire"),
    ("tutor_training_hours", LAW_2019, "40", "D6332-91 : formation du tuteur, 40 heures"),
]

# The legal grid of the professionalisation contract (L6325-8, D6325-15; research §3.4):
# (from, lowest age, qualification of level 4 or more, % of the SMIC, % of the SMC).
PRO_PAY_GRID: list[tuple[date, int, bool, str, str]] = [
    (LAW_2019, 0, False, "55", "0"),
    (LAW_2019, 0, True, "65", "0"),
    (LAW_2019, 21, False, "70", "0"),
    (LAW_2019, 21, True, "80", "0"),
    (LAW_2019, 26, False, "100", "85"),
    (LAW_2019, 26, True, "100", "85"),
]


def load(FundingRate) -> None:
    for parameter, effective_from, value, note in NATIONAL_RATES:
        FundingRate.objects.get_or_create(
            parameter=parameter,
            idcc="",
            level="",
            effective_from=effective_from,
            defaults={"value": Decimal(value), "note": note},
        )


def load_pro_pay_grid(ProPayRate) -> None:
    for effective_from, min_age, qualified, rate, smc_rate in PRO_PAY_GRID:
        ProPayRate.objects.get_or_create(
            effective_from=effective_from,
            min_age=min_age,
            qualified=qualified,
            defaults={"rate": Decimal(rate), "smc_rate": Decimal(smc_rate)},
        )
