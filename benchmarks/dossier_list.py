"""Server time of « Mes dossiers » and of a dossier page with many dossiers (no network).

    .venv/bin/python benchmarks/dossier_list.py --dossiers 5000 --requests 50

The list must stay flat as dossiers grow: a page is 25 rows whatever the total.
"""

import argparse
import statistics
import time

from _setup import setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from stdnum import luhn

    from monespace.accounts.models import User
    from monespace.dossiers.models import Dossier
    from monespace.organizations.models import Company, Establishment, Membership

    siren = "12345678" + luhn.calc_check_digit("12345678")
    company = Company.objects.create(siren=siren, name="BENCH")
    siret = siren + "0001" + luhn.calc_check_digit(siren + "0001")
    establishment = Establishment.objects.create(
        company=company, siret=siret, member_number="1.001"
    )
    user = User.objects.create_user(
        email="bench@exemple.fr", password="x-1234567", first_name="B", last_name="B"
    )
    Membership.objects.create(
        user=user,
        company=company,
        profile="member",
        status="active",
        source="request",
        can_view_training=True,
        can_edit_training=True,
    )
    Dossier.objects.bulk_create(
        Dossier(
            company=company,
            establishment=establishment,
            title=f"Formation {i}",
            state="draft" if i % 3 else "submitted",
            number=None if i % 3 else f"2026-AF-{i:06d}",
        )
        for i in range(args.dossiers)
    )
    client = Client()
    client.force_login(user)
    detail = Dossier.objects.first()
    for label, url in [
        ("Mes dossiers (page 1)", "/dossiers/"),
        ("Mes dossiers, recherche", "/dossiers/?q=Formation+42"),
        ("Mes dossiers, En cours", "/dossiers/?group=en-cours"),
        ("Dossier", f"/dossiers/{detail.pk}/"),
    ]:
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        print(
            f"{label:<28} p50 {statistics.median(timings):6.1f} ms   p95 {timings[int(len(timings) * 0.95) - 1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
