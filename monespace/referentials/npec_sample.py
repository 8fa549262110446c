"""A « Référentiel des NPEC » in the published shape (research domain-alternance §5.2), for the
tests, the demo and the import benchmark: ``write(path)`` gives a small file with the
certifications the demo uses and a few rows France compétences would print as not set;
``write(path, certifications=5000, branches=80)`` gives a full-size one (400,000 rows), written
in constant memory."""

from __future__ import annotations

from datetime import date, datetime

import xlsxwriter

# (RNCP, title, certifier, type) the demo and the tests fund.
CERTIFICATIONS = [
    ("RNCP37606", "Boulanger", "Ministère de l'Éducation nationale", "CAP"),
    (
        "RNCP38362",
        "Management commercial opérationnel",
        "Ministère de l'Enseignement supérieur",
        "BTS",
    ),
    ("RNCP35185", "Gestionnaire de paie", "Ministère du Travail", "TP"),
    ("RNCP39063", "Développeur web et web mobile", "Ministère du Travail", "TP"),
]
# (code CPNE, CPNE, IDCCs)
BRANCHES = [
    ("120", "CPNE de la boulangerie-pâtisserie artisanale", ["0843"]),
    ("2", "CNPE des sociétés financières", ["0478"]),
    ("86", "CPNE des bureaux d'études techniques (Syntec)", ["1486"]),
]
# (RNCP, CPNE) → NPEC
LEVELS = {
    ("RNCP37606", "120"): 7458,
    ("RNCP38362", "120"): 7000,
    ("RNCP35185", "120"): 6650,
    ("RNCP37606", "2"): 7120,
    ("RNCP38362", "2"): 8000,
    ("RNCP35185", "2"): 7300,
    ("RNCP38362", "86"): 7700,
    ("RNCP39063", "86"): 9100,
}
APPLICABLE = date(2024, 7, 15)
HEADER = [
    "RNCP",
    "Libellé de la formation",
    "Certificateur*",
    "Type de diplôme",
    "Code CPNE",
    "CPNE",
    "NPEC final",
    "Statut",
    "Date d'applicabilité des NPEC**",
]


def write(
    path, *, certifications: int = 0, branches: int = 0, applicable: date = APPLICABLE
) -> int:
    """Write the file; returns the number of rows of « Onglet 3 ». With ``certifications`` and
    ``branches``, generated rows are added to the demo's (every 97th not set, every 101st with
    a malformed RNCP)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    # A fixed date in the file's properties: the same sample is the same file (same digest).
    book.set_properties({"created": datetime(2024, 7, 18)})
    as_date = book.add_format({"num_format": "dd/mm/yyyy"})
    readme = book.add_worksheet("Me lire")
    readme.write(0, 0, "Référentiel des niveaux de prise en charge des contrats d'apprentissage")
    readme.write(1, 0, "Statut : CPNE, R (recommandation), A (arrêté). NC / NR : non fixé.")
    levels = book.add_worksheet("Onglet 3 - référentiel NPEC")
    levels.write(0, 0, "Référentiel des NPEC")
    levels.write(1, 0, "Onglet 3 : une ligne par certification et par CPNE")
    levels.write_row(3, 0, HEADER)
    row = 4
    cpne_names = {code: name for code, name, _idcc in BRANCHES}
    titles = {rncp: (title, who, kind) for rncp, title, who, kind in CERTIFICATIONS}
    for (rncp, cpne), amount in LEVELS.items():
        title, who, kind = titles[rncp]
        levels.write_row(row, 0, [rncp, title, who, kind, cpne, cpne_names[cpne], amount, "CPNE"])
        levels.write_datetime(row, 8, applicable, as_date)
        row += 1
    # What a real file also holds: levels not set, a malformed code.
    levels.write_row(
        row,
        0,
        [
            "RNCP36004",
            "Agent de propreté",
            "Ministère du Travail",
            "TP",
            "120",
            cpne_names["120"],
            "NC",
            "",
            "",
        ],
    )
    levels.write_row(
        row + 1, 0, ["RNCP3600X", "Code mal saisi", "—", "TP", "120", cpne_names["120"], 6000, "R"]
    )
    levels.write_datetime(row + 1, 8, applicable, as_date)
    row += 2
    generated_branches = [(str(1000 + b), f"CPNE générée {b}") for b in range(branches)]
    for c in range(certifications):
        rncp = f"RNCP{40000 + c}"
        for b, (code, name) in enumerate(generated_branches):
            n = c * branches + b
            amount: object = 4000 + (n * 37) % 9000
            if n % 97 == 0:
                amount = "NR"
            code_rncp = rncp if n % 101 else f"RNC{40000 + c}"
            levels.write_row(
                row,
                0,
                [code_rncp, f"Certification {c}", "Certificateur", "TP", code, name, amount, "R"],
            )
            levels.write_datetime(row, 8, applicable, as_date)
            row += 1
    agreements = book.add_worksheet("Onglet 4 - CPNE-IDCC")
    agreements.write_row(0, 0, ["Code CPNE", "CPNE", "IDCC"])
    line = 1
    for code, name, idccs in BRANCHES:
        for idcc in idccs:
            agreements.write_row(line, 0, [code, name, idcc])
            line += 1
    for b, (code, name) in enumerate(generated_branches):
        agreements.write_row(line, 0, [code, name, str(5000 + b)])
        line += 1
    book.close()
    return row - 4
