"""Server time of the journey pages through the full middleware stack (no network).

.venv/bin/python benchmarks/pages.py --requests 300
"""

import argparse
import statistics
import time

from _setup import setup_django


def measure(client, method, path, data, n):
    timings = []
    for _ in range(n):
        start = time.perf_counter()
        response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 500, response.status_code
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from monespace.organizations.importers import (
        import_sirene_establishments,
        import_sirene_legal_units,
    )
    from monespace.organizations.models import Establishment

    data = (
        __import__("pathlib").Path(__file__).resolve().parent.parent
        / "monespace/organizations/data"
    )
    import_sirene_legal_units(data / "sirene-sample-unites-legales.csv")
    import_sirene_establishments(data / "sirene-sample-etablissements.csv")
    siret = Establishment.objects.first().siret
    client = Client()
    identity = {
        "civility": "mme",
        "last_name": "Durand",
        "first_name": "Claire",
        "email": "bench@exemple.fr",
    }
    cases = [
        ("GET login page", "get", "/accounts/login/", None),
        ("GET sign-up step 1", "get", "/inscription/", None),
        ("POST sign-up step 1", "post", "/inscription/", identity),
        (
            "POST step 3 (directory lookup)",
            "post",
            "/inscription/rattachement/",
            {"profile": "member", "identifier": siret},
        ),
    ]
    for label, method, path, payload in cases:
        p50, p95 = measure(client, method, path, payload, args.requests)
        print(f"{label:<34} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")


if __name__ == "__main__":
    main()
