"""The NPEC referential's import on a full-size file (issue 12), against a bare read of the same
file with the same reader in the same run.

    .venv/bin/python benchmarks/npec_import.py                       # 5,000 × 80 = 400,000 rows
    DB=pg PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=monespace_npec \\
        .venv/bin/python benchmarks/npec_import.py --certifications 5000 --branches 80

Each step runs in its own process so that its peak memory (ru_maxrss) is its own: writing the
file (XlsxWriter, constant memory), reading every row with openpyxl in read-only mode and doing
nothing (the reference: the same reader as the import), importing it (``import_npec``: read, check, write in batches). Prints rows/s,
the import's ratio to the bare read, and each peak RSS.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(step: str, path: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--step",
        step,
        "--path",
        path,
        "--certifications",
        str(args.certifications),
        "--branches",
        str(args.branches),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_step(step: str, path: str, args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    if step == "write":
        sys.path.insert(0, str(HERE.parent))
        from monespace.referentials import npec_sample

        rows = npec_sample.write(path, certifications=args.certifications, branches=args.branches)
    elif step == "read":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        rows = 0
        for name in ("Onglet 3 - référentiel NPEC", "Onglet 4 - CPNE-IDCC"):
            for _row in book[name].iter_rows(values_only=True):
                rows += 1
        book.close()
    else:
        from _setup import setup_django

        setup_django()
        from monespace.referentials.npec import import_file

        started = time.perf_counter()  # the database's set-up is not the import
        report = import_file(path)
        rows = report.levels + len(report.rejected) + report.agreements
    return {"rows": rows, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certifications", type=int, default=5000)
    parser.add_argument("--branches", type=int, default=80)
    parser.add_argument("--step", choices=["write", "read", "import"])
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.path, args)))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "Referentiel-des-NPEC-full.xlsx")
        written = child("write", path, args)
        size = Path(path).stat().st_size / 1e6
        print(
            f"file: {written['rows']:,} rows in « Onglet 3 », {size:.1f} MB, written in "
            f"{written['seconds']:.1f} s (peak RSS {written['peak_mb']:.0f} MB)"
        )
        read = child("read", path, args)
        imported = child("import", path, args)
    print(
        f"bare openpyxl read: {read['rows'] / read['seconds']:>10,.0f} rows/s "
        f"({read['seconds']:.1f} s, peak RSS {read['peak_mb']:.0f} MB)"
    )
    print(
        f"import_npec        : {imported['rows'] / imported['seconds']:>10,.0f} rows/s "
        f"({imported['seconds']:.1f} s, peak RSS {imported['peak_mb']:.0f} MB)"
    )
    print(f"ratio import / bare read: {read['seconds'] / imported['seconds']:.2f}")


if __name__ == "__main__":
    main()
