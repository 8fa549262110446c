"""A stand-in manifest for run.py, made from the demo data (the real one comes from the generator).

    createdb -h 127.0.0.1 -U postgres monespace_bench_demo
    .venv/bin/python benchmarks/scale/demo_manifest.py --seed --output var/bench/demo-manifest.json
    .venv/bin/python benchmarks/scale/run.py --manifest var/bench/demo-manifest.json

``--seed`` first runs ``migrate``, ``createcachetable`` and ``seed_demo`` (idempotent) on the
database. The personas are the demo's company administrator, training organisation and OPCO
advisor, with the paths of their pages.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="monespace_bench_demo")
    parser.add_argument("--output", default="var/bench/demo-manifest.json")
    parser.add_argument(
        "--seed", action="store_true", help="migrate and load the demo data into the database"
    )
    args = parser.parse_args()
    os.environ.update(DB="pg", PGDATABASE=args.database, DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.setdefault("PGHOST", "127.0.0.1")
    os.environ.setdefault("PGUSER", "postgres")
    if args.seed:
        for command in (["migrate", "-v0"], ["createcachetable"], ["seed_demo", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse

    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier

    def user(email):
        found = User.objects.filter(email=email).first()
        if found is None:
            raise SystemExit(f"{email} is missing: run with --seed (or manage.py seed_demo)")
        return found

    company = user("entreprise@demo.monespace.fr")
    provider = user("of@demo.monespace.fr")
    advisor = user("conseiller@demo.monespace.fr")
    sent = Dossier.objects.filter(number__isnull=False).order_by("pk").first()
    if sent is None:
        raise SystemExit("no transmitted dossier in the demo data")
    dossiers = reverse("www:dossiers")
    manifest = {
        "database": args.database,
        "personas": [
            {
                "name": "demo_company",
                "user_id": company.pk,
                "label": "Entreprise (démo), administratrice de BOULANGERIE DES LILAS",
                "pages": {
                    "home": reverse("www:home"),
                    "list": dossiers,
                    "list_tab": f"{dossiers}?group=en-cours",
                    "search": f"{dossiers}?q=MARTIN",
                    "deep": f"{dossiers}?page=2",
                    "dossier": reverse("www:dossier", args=[sent.pk]),
                    "notifications": reverse("notifications:list"),
                },
            },
            {
                "name": "demo_provider",
                "user_id": provider.pk,
                "label": "Organisme de formation (démo), FORMAPRO CONSEIL",
                "pages": {
                    "home": reverse("www:home"),
                    "list": dossiers,
                    "dossier": reverse("www:dossier", args=[sent.pk]),
                },
            },
            {
                "name": "demo_advisor",
                "user_id": advisor.pk,
                "label": "Conseillère OPCO (démo)",
                "staff": True,
                "pages": {
                    "bo_home": reverse("backoffice:home"),
                    "queue": reverse("backoffice:queue"),
                    "bo_dossier": reverse("backoffice:dossier", args=[sent.pk]),
                },
            },
        ],
    }
    output = ROOT / args.output if not Path(args.output).is_absolute() else Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(output)


if __name__ == "__main__":
    main()
