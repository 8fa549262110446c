"""Files on an S3-compatible object store (issue 16): the real SeaweedFS the test command
starts (scripts/seaweedfs; required in CI). Uploads land under opaque keys in a private
bucket, downloads are streamed through the permission-checked views (never a bucket URL), a
deleted draft takes its files with it, and the sweeper removes what no row references."""

import os
import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monespace.core.storage_sweep import sweep
from monespace.dossiers.models import Document
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def s3(settings):
    """The default storage on a fresh private bucket of the test SeaweedFS."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    endpoint = os.environ.get("S3_TEST_ENDPOINT", "http://127.0.0.1:18333")
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    bucket = f"monespace-{uuid.uuid4().hex[:12]}"
    try:
        client.create_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as error:
        if os.environ.get("MONESPACE_REQUIRE_S3") == "1":
            pytest.fail(f"SeaweedFS does not answer on {endpoint}: {error}")
        pytest.skip("SeaweedFS is not running (bash scripts/seaweedfs start)")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client, bucket
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


def keys(s3):
    client, bucket = s3
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_upload_is_stored_privately_and_downloaded_through_the_portal(client, s3, clamd):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = DossierFactory(establishment=establishment)
    client.force_login(user)
    response = client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {
            "file": SimpleUploadedFile("programme.pdf", PDF, content_type="application/pdf"),
            "piece_type": "programme",
            "title": "Programme",
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert keys(s3) == [document.file.name]
    assert document.file.name.startswith("documents/") and "programme" not in document.file.name
    # The object is private: no anonymous read from the store itself.
    import urllib.error
    import urllib.request

    endpoint, bucket = os.environ.get("S3_TEST_ENDPOINT", "http://127.0.0.1:18333"), s3[1]
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{endpoint}/{bucket}/{document.file.name}", timeout=5)
    url = reverse("www:dossier_document", args=[dossier.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    page = client.get(reverse("www:dossier", args=[dossier.pk]) + "?onglet=documents")
    assert bucket not in page.content.decode()
    outsider = MembershipFactory(company=EstablishmentFactory(member=True).company).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    # Deleting the draft removes its file once committed.
    client.force_login(user)
    client.post(reverse("www:dossier_delete", args=[dossier.pk]))
    assert keys(s3) == []


def test_a_missing_object_is_a_clear_410_not_a_500(client, s3):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = DossierFactory(establishment=establishment)
    document = Document(
        dossier=dossier,
        piece_type="programme",
        title="Programme",
        original_name="programme.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        scan_status="clean",
    )
    document.file.save("x", ContentFile(PDF), save=False)
    document.save()
    default_storage.delete(document.file.name)
    client.force_login(user)
    response = client.get(reverse("www:dossier_document", args=[dossier.pk, document.pk]))
    assert response.status_code == 410
    assert "plus disponible" in response.content.decode()


def test_the_sweeper_removes_old_orphans_only(s3, settings):
    settings.STORAGE_ORPHAN_GRACE_HOURS = 1
    client, bucket = s3
    dossier = DossierFactory()
    kept = Document(
        dossier=dossier,
        piece_type="programme",
        title="Programme",
        original_name="p.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    kept.file.save("x", ContentFile(PDF), save=False)
    kept.save()
    client.put_object(Bucket=bucket, Key="documents/2026/12/orphelin", Body=PDF)
    assert sweep(dry_run=True) == []  # everything is younger than the grace period
    later = timezone.now() + timedelta(hours=2)
    assert sweep(dry_run=True, now=later) == ["documents/2026/12/orphelin"]
    assert len(keys(s3)) == 2  # a dry run removes nothing
    assert sweep(now=later) == ["documents/2026/12/orphelin"]
    assert keys(s3) == [kept.file.name]


def test_the_sweeper_on_the_local_disk(settings):
    settings.STORAGE_ORPHAN_GRACE_HOURS = 0
    name = default_storage.save("documents/2026/12/orphelin", ContentFile(b"x"))
    assert sweep(now=timezone.now() + timedelta(seconds=5)) == [name]
    assert not default_storage.exists(name)
