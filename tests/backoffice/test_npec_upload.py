"""« Référentiel des NPEC » in the back office (issue 12): a manager uploads France compétences'
file, the task worker imports it (rows left out reported with their reason, the same file twice
changes nothing), a file that is not the referential is refused with a clear message; other
staff read only."""

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monespace.referentials import npec_sample
from monespace.referentials.models import NpecEdition, NpecImport
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "Referentiel-des-NPEC.xlsx"
    npec_sample.write(path, certifications=30, branches=4)
    return path.read_bytes()


def upload(client, content, name="Referentiel-des-NPEC.xlsx"):
    return client.post(
        reverse("backoffice:npec"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    )


def test_a_manager_uploads_an_edition_and_reads_its_report(
    client, sample, django_capture_on_commit_callbacks
):
    editions = NpecEdition.objects.count()
    client.force_login(StaffProfileFactory(manager=True).user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, sample)
    assert response.status_code == 302
    done = NpecImport.objects.get()
    assert done.state == "done" and done.levels > 0 and done.rejected_count > 0
    assert NpecEdition.objects.count() == editions + 1
    page = text(client.get(reverse("backoffice:npec")))
    assert (
        "NPEC et" in page
        and "lignes écartées" in page
        and "Lignes écartées (les premières)" in page
    )
    # The same file again: nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, sample)
    assert NpecImport.objects.first().already is True
    assert NpecEdition.objects.count() == editions + 1
    assert "Déjà importé" in text(client.get(reverse("backoffice:npec")))


def test_what_is_not_the_referential_is_refused(client, django_capture_on_commit_callbacks):
    client.force_login(StaffProfileFactory(manager=True).user)
    response = upload(client, b"%PDF-1.4\n%%EOF\n", name="npec.pdf")
    assert response.status_code == 400 and "Déposez le classeur Excel" in text(response)
    # A workbook without the referential's sheets: imported by the worker, refused with why.
    buffer = io.BytesIO()
    import xlsxwriter

    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet("Feuil1").write(0, 0, "rien")
    book.close()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, buffer.getvalue())
    failed = NpecImport.objects.get()
    assert failed.state == "failed" and "introuvable" in failed.error
    assert "introuvable" in text(client.get(reverse("backoffice:npec")))
    # A zip that is not a workbook.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.txt", "x")
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, archive.getvalue())
    assert NpecImport.objects.first().state == "failed"


def test_only_managers_upload(client, sample):
    client.force_login(StaffProfileFactory().user)
    page = text(client.get(reverse("backoffice:npec")))
    assert "Importer une nouvelle édition" not in page
    assert upload(client, sample).status_code == 403
    assert not NpecImport.objects.exists()
