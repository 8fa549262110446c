"""« Exporter » on 100,000 training-action dossiers with their financial details (issue 14),
against a bare XlsxWriter constant-memory loop writing the same cells, in the same run.

    .venv/bin/python benchmarks/export_dossiers.py                  # SQLite, 100,000 rows
    DB=pg PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=monespace_export \\
        .venv/bin/python benchmarks/export_dossiers.py --rows 100000

Builds the dataset (one company, one user who sees it all through a company-wide membership,
every dossier with its cost lines, one in three approved with its granted amounts per line and
its ledger: engaged, invoiced, paid),
then runs each measure in its own process so that its peak memory is its own: the export as
the task runs it (reach, filters, id-range reads, rows built, rustpy-xlsxwriter), and the bare
loop (XlsxWriter, constant memory, the same number of rows and cells of the same types, values
made in Python). Prints rows/s, peak RSS and the ratio.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(rows: int) -> int:
    from django.db import transaction

    from monespace.accounts.models import User
    from monespace.dossiers.models import Decision, Dossier, GrantedAmount, TrainingAction
    from monespace.invoices.models import LedgerEntry
    from monespace.organizations.models import Company, Establishment, Membership

    with transaction.atomic():
        company = Company.objects.create(siren="732829320", name="ENTREPRISE DU BANC")
        establishment = Establishment.objects.create(
            company=company, siret="73282932000074", name="SIEGE", member_number="10001.001"
        )
        user = User.objects.create_user(email="banc@exemple.fr", password="x" * 16)
        Membership.objects.create(
            user=user,
            company=company,
            profile="member",
            status="active",
            can_view_training=True,
            source="bench",
        )
        start = date(2026, 1, 5)
        for first in range(0, rows, 5000):
            batch = [
                Dossier(
                    number=f"2026-AF-{n:06d}",
                    kind="training_action",
                    company=company,
                    establishment=establishment,
                    state="approved" if n % 3 == 0 else "submitted",
                    title=f"FORMATION {n}",
                    start_date=start + timedelta(days=n % 300),
                    end_date=start + timedelta(days=n % 300 + 2),
                    provider_name="ORGANISME",
                    provider_siret="83012345100015",
                    granted_total=Decimal("900.00") if n % 3 == 0 else None,
                )
                for n in range(first, min(first + 5000, rows))
            ]
            Dossier.objects.bulk_create(batch)
            TrainingAction.objects.bulk_create(
                TrainingAction(
                    dossier=d,
                    duration_hours=Decimal("14"),
                    cost_teaching=Decimal("1000.00"),
                    cost_meals=Decimal("60.00"),
                    cost_transport=Decimal("45.50"),
                )
                for d in batch
            )
            decisions = Decision.objects.bulk_create(
                Decision(dossier=d, kind="approval", granted_total=Decimal("900"))
                for d in batch
                if d.state == "approved"
            )
            GrantedAmount.objects.bulk_create(
                GrantedAmount(decision=decision, line=line, amount=amount)
                for decision in decisions
                for line, amount in (
                    ("cost_teaching", Decimal("850")),
                    ("cost_meals", Decimal("50")),
                )
            )
            # The ledger of the approved ones: engaged per line, the teaching invoiced and
            # paid, the meals invoiced (what the export's financial columns sum).
            LedgerEntry.objects.bulk_create(
                LedgerEntry(dossier=d, line=line, kind=kind, amount=amount, label="banc")
                for d in batch
                if d.state == "approved"
                for line, kind, amount in (
                    ("cost_teaching", "commitment", Decimal("850")),
                    ("cost_meals", "commitment", Decimal("50")),
                    ("cost_teaching", "invoiced", Decimal("850")),
                    ("cost_meals", "invoiced", Decimal("40")),
                    ("cost_teaching", "payment", Decimal("850")),
                )
            )
    return user.pk


def measure_export(user_id: int, path: str) -> dict:
    from monespace.accounts.models import User
    from monespace.exports.dossiers import columns_for, visible_for_export, write_workbook

    user = User.objects.get(pk=user_id)
    started = time.perf_counter()
    rows = write_workbook(path, visible_for_export(user, {}, None))
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": elapsed,
        "peak_mb": peak_mb(),
        "columns": len(columns_for("training_action")),
    }


def measure_bare(rows: int, path: str) -> dict:
    """XlsxWriter in constant memory: the same cells (types and formats) as the export's sheet,
    values made in Python — no database, no row building."""
    import xlsxwriter

    from monespace.exports.dossiers import columns_for

    columns = columns_for("training_action")
    started = time.perf_counter()
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    formats = {
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "money": book.add_format({"num_format": '#,##0.00\\ "€"'}),
        "number": book.add_format({"num_format": "0.##"}),
    }
    sheet = book.add_worksheet("Action de formation")
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.header)
    day = date(2026, 1, 5)
    for line in range(1, rows + 1):
        for index, column in enumerate(columns):
            if column.kind == "text":
                sheet.write_string(line, index, f"VALEUR {line}")
            elif column.kind == "date":
                sheet.write_datetime(line, index, day, formats["date"])
            else:
                sheet.write_number(line, index, 1000.5, formats[column.kind])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, len(columns) - 1)
    book.close()
    elapsed = time.perf_counter() - started
    return {"rows": rows, "seconds": elapsed, "peak_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--step", choices=["build", "export", "bare"])
    parser.add_argument("--user", type=int)
    parser.add_argument("--path")
    args = parser.parse_args()
    if args.step:
        if args.step == "bare":
            sys.path.insert(0, str(HERE.parent))
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            import django

            django.setup()
            print(json.dumps(measure_bare(args.rows, args.path)))
            return
        from _setup import setup_django

        if args.step == "build":
            setup_django()
            started = time.perf_counter()
            user = build(args.rows)
            print(json.dumps({"user": user, "seconds": time.perf_counter() - started}))
        else:
            setup_django_existing()
            print(json.dumps(measure_export(args.user, args.path)))
        return
    folder = tempfile.mkdtemp()
    os.environ.setdefault("SQLITE_PATH", str(Path(folder) / "bench.sqlite3"))
    os.environ["BENCH_KEEP_DB"] = "1"

    def child(*extra: str) -> dict:
        command = [sys.executable, __file__, "--rows", str(args.rows), *extra]
        done = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
        return json.loads(done.stdout.strip().splitlines()[-1])

    built = child("--step", "build")
    print(f"dataset: {args.rows:,} dossiers built in {built['seconds']:.0f} s")
    exported = child(
        "--step",
        "export",
        "--user",
        str(built["user"]),
        "--path",
        str(Path(folder) / "export.xlsx"),
    )
    bare = child("--step", "bare", "--path", str(Path(folder) / "bare.xlsx"))
    rate_export = exported["rows"] / exported["seconds"]
    rate_bare = bare["rows"] / bare["seconds"]
    print(
        f"export (database → rows → rustpy-xlsxwriter): {rate_export:>8,.0f} rows/s "
        f"({exported['seconds']:.1f} s, {exported['columns']} columns, peak RSS "
        f"{exported['peak_mb']:.0f} MB)"
    )
    print(
        f"bare XlsxWriter constant-memory loop        : {rate_bare:>8,.0f} rows/s "
        f"({bare['seconds']:.1f} s, peak RSS {bare['peak_mb']:.0f} MB)"
    )
    print(f"ratio export / bare loop: {rate_export / rate_bare:.2f}")


def setup_django_existing() -> None:
    """Django on the database the build step made (no new throw-away one)."""
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


if __name__ == "__main__":
    main()
