"""Uploads are scanned by the real clamd (scripts/clamd: the Debian daemon with the
repository's EICAR signature): an infected file is refused and recorded, a file clamd cannot
analyse whole is refused, clamd down leaves files waiting (never clean) until a task scans
them."""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monespace.accounts.models import SecurityEvent
from monespace.core import antivirus
from monespace.dossiers.models import Document
from monespace.dossiers.services import document_scan
from monespace.dossiers.tasks import scan_pending_documents
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory
from tests.helpers import read_streaming

pytestmark = pytest.mark.django_db

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INFECTED_PDF = PDF + EICAR + b"\n"


def test_clamd_decides(clamd):
    assert antivirus.scan(io.BytesIO(PDF)) == antivirus.Verdict("clean")
    verdict = antivirus.scan(io.BytesIO(INFECTED_PDF))
    assert verdict.status == "infected" and "EICAR" in verdict.signature


@pytest.fixture
def editor(client):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    client.force_login(user)
    return user, DossierFactory(establishment=establishment)


def upload(client, dossier, content, name="programme.pdf"):
    return client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "piece_type": "programme",
            "title": "Programme",
        },
        follow=True,
    )


def test_an_infected_upload_is_refused_and_recorded(client, clamd, editor):
    user, dossier = editor
    page = upload(client, dossier, INFECTED_PDF).content.decode()
    assert "contient un virus" in page
    assert not Document.objects.exists()
    assert SecurityEvent.objects.filter(user=user, kind="upload_refused").exists()


def test_a_clean_upload_is_usable_at_once(client, clamd, editor):
    _user, dossier = editor
    upload(client, dossier, PDF)
    document = Document.objects.get()
    assert document.scan_status == "clean" and document.is_usable
    response = client.get(reverse("www:dossier_document", args=[dossier.pk, document.pk]))
    assert read_streaming(response) == PDF


def test_clamd_down_leaves_the_file_waiting_then_a_task_scans_it(client, clamd, editor, settings):
    _user, dossier = editor
    settings.CLAMAV_SOCKET = "/nonexistent/clamd.sock"
    page = html.unescape(upload(client, dossier, PDF).content.decode())
    assert "en cours d'analyse antivirus" in page
    document = Document.objects.get()
    assert document.scan_status == "pending" and not document.is_usable
    response = client.get(reverse("www:dossier_document", args=[dossier.pk, document.pk]))
    assert response.status_code == 409 and "en cours d'analyse" in response.content.decode()
    # The piece does not count for the transmission while it waits.
    assert any("Programme" in label for *_x, label in dossier.spec.missing_items(dossier))
    settings.CLAMAV_SOCKET = clamd
    assert scan_pending_documents.call() == 0
    document.refresh_from_db()
    assert document.scan_status == "clean" and document.is_usable


def test_a_waiting_file_found_infected_is_deleted_and_its_uploader_told(clamd, editor, settings):
    user, dossier = editor
    settings.CLAMAV_SOCKET = "/nonexistent/clamd.sock"
    from monespace.dossiers import services

    document = services.document_add(
        actor=user,
        dossier=dossier,
        upload=SimpleUploadedFile("x.pdf", INFECTED_PDF),
        content_type="application/pdf",
        piece_type="programme",
        title="Programme",
    )
    assert document.scan_status == "pending"
    settings.CLAMAV_SOCKET = clamd
    assert document_scan(document=document) == "infected"
    document.refresh_from_db()
    assert document.scan_signature.startswith("Local.Test.EICAR")
    assert user.notifications.filter(title="Document refusé par l'antivirus").exists()


def test_a_file_beyond_the_limits_is_never_passed_as_clean(clamd, settings, monkeypatch):
    """« AlertExceedsMax »: clamd reports a file it could not analyse whole; the portal refuses
    it like an infected one."""
    from clamdpy.models import ScanResult

    class Limits:
        def instream(self, stream):
            return ScanResult(
                path="stream", reason="Heuristics.Limits.Exceeded.MaxFileSize", status="FOUND"
            )

    monkeypatch.setattr(antivirus, "_client", Limits)
    verdict = antivirus.scan(io.BytesIO(PDF))
    assert verdict.status == "refused" and verdict.rejects


def test_without_a_scanner_files_are_unscanned_never_clean(settings, editor, client):
    settings.CLAMAV_SOCKET = ""
    settings.CLAMAV_REQUIRED = False
    _user, dossier = editor
    upload(client, dossier, PDF)
    document = Document.objects.get()
    assert document.scan_status == "unscanned"
    page = client.get(reverse("www:dossier", args=[dossier.pk]) + "?onglet=documents")
    assert "non analysé" in page.content.decode()
    settings.CLAMAV_REQUIRED = True
    document.refresh_from_db()
    assert not document.is_usable
