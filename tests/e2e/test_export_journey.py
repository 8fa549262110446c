"""« Exporter la liste (Excel) » in Chromium: from « Mes dossiers » filtered, the export page,
the file downloaded and read back, « Mes exports »."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_filtered_list_exported_and_downloaded(live_server, page, tmp_path):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    DossierFactory(establishment=establishment, approved=True, title="FORMATION ACCORDÉE")
    DossierFactory(establishment=establishment, title="BROUILLON")
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/?group=accordes")
    page.get_by_role("button", name="Exporter la liste (Excel)").click()
    expect(page.get_by_role("heading", name="Export Excel de mes dossiers")).to_be_visible()
    expect(page.get_by_text(re.compile("Votre export est prêt : 1 ligne"))).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.startswith("mes-dossiers-")
    sheet = load_workbook(path).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "FORMATION ACCORDÉE"
    ]
    page.get_by_role("link", name="Mes exports").click()
    expect(page.get_by_role("cell", name="Prêt")).to_be_visible()
    assert_accessible(page)


def test_two_thousand_dossiers_with_the_progress_bar(live_server, page, tmp_path, settings):
    """2,000 dossiers: the export waits for the worker, the bar moves as the worker writes, the
    file holds exactly the user's rows (not another company's)."""
    import threading
    import time
    from datetime import date
    from decimal import Decimal

    from django.db import connection

    from monespace.dossiers.models import Dossier, TrainingAction
    from monespace.exports import dossiers as export_module
    from monespace.exports.models import ExportJob
    from monespace.exports.services import export_run

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    establishment = EstablishmentFactory(member=True, company__name="GRANDE ENTREPRISE")
    user = MembershipFactory(company=establishment.company, can_view_training=True).user
    rows = Dossier.objects.bulk_create(
        Dossier(
            number=f"2026-AF-{n:06d}",
            kind="training_action",
            company=establishment.company,
            establishment=establishment,
            state="submitted",
            title=f"FORMATION {n}",
            start_date=date(2026, 3, 2),
            end_date=date(2026, 3, 3),
        )
        for n in range(2000)
    )
    TrainingAction.objects.bulk_create(
        TrainingAction(dossier=d, cost_teaching=Decimal("100")) for d in rows
    )
    DossierFactory(submitted=True, title="AUTRE ENTREPRISE")  # never in the file
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/")
    page.get_by_role("button", name="Exporter la liste (Excel)").click()
    expect(page.get_by_text("Export en attente…")).to_be_visible()
    assert_accessible(page)

    original = export_module.write_workbook

    def slow_writer(path, queryset, *, progress):
        def step(done):
            progress(done)
            time.sleep(0.4)

        return original(path, queryset, progress=step, every=250)

    export_module.write_workbook = slow_writer
    job = ExportJob.objects.get(user=user)

    def work():
        try:
            export_run(job.pk)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        expect(
            page.get_by_text(re.compile(r"Export en cours : [\d\s\u202f]+ lignes sur 2\u202f000"))
        ).to_be_visible(timeout=15_000)
        expect(
            page.get_by_text(re.compile(r"Votre export est prêt : 2\u202f000 lignes\."))
        ).to_be_visible(timeout=30_000)
    finally:
        worker.join(60)
        export_module.write_workbook = original
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le fichier Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    book = load_workbook(path, read_only=True)
    try:
        titles = [row[5] for row in book.active.iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()  # read-only workbooks keep their file open until closed
    assert len(titles) == 2000 and "AUTRE ENTREPRISE" not in titles
