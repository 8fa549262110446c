"""Throughput of the Sirene establishment import on a generated file.

.venv/bin/python benchmarks/sirene_import.py --rows 100000
"""

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

from _setup import setup_django
from stdnum import luhn


def generate(path, rows):
    """Write ``rows`` establishments with exactly the columns the importer reads."""
    from monespace.organizations.importers import ESTABLISHMENT_COLUMNS

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ESTABLISHMENT_COLUMNS, restval="")
        writer.writeheader()
        for i in range(rows):
            siren_prefix = f"{10_000_000 + i // 2:08d}"
            siren = siren_prefix + luhn.calc_check_digit(siren_prefix)
            nic_prefix = f"{i % 2 + 1:04d}"
            siret = siren + nic_prefix + luhn.calc_check_digit(siren + nic_prefix)
            writer.writerow(
                {
                    "siren": siren,
                    "siret": siret,
                    "etablissementSiege": "true" if i % 2 == 0 else "false",
                    "enseigne1Etablissement": f"ENSEIGNE {i}",
                    "numeroVoieEtablissement": str(i % 200 + 1),
                    "typeVoieEtablissement": "RUE",
                    "libelleVoieEtablissement": "DES LILAS",
                    "codePostalEtablissement": "75011",
                    "libelleCommuneEtablissement": "PARIS",
                    "etatAdministratifEtablissement": "A",
                    "activitePrincipaleEtablissement": "10.71C",
                    "trancheEffectifsEtablissement": "03",
                }
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from monespace.organizations.importers import import_sirene_establishments

    path = Path(tempfile.mkdtemp()) / "etablissements.csv"
    generate(path, args.rows)
    for label in ("first run (inserts)", "second run (updates)"):
        start = time.perf_counter()
        result = import_sirene_establishments(path)
        elapsed = time.perf_counter() - start
        print(
            f"{label}: {result.imported} rows in {elapsed:.1f} s = {result.imported / elapsed:,.0f} rows/s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
