"""Fault test (issue 16): the storage refuses the files — the disk full, the object store
refusing the write, the object store down.

- The disk: ``MEDIA_ROOT`` on a real 512 KiB tmpfs, mounted for the test and filled to the last
  byte (root only; skipped otherwise, saying so).
- The object store: the test SeaweedFS (scripts/seaweedfs) with credentials it refuses, and an
  object store that does not answer (nothing listens on its port).

A document added to a draft and an invoice deposited then get a French message next to their
file field (the invoice form again, with what was typed, answered 503), the API a 503 problem:
no row points to a missing file, and nothing is left on the storage — on a full disk, what
was written of the file before the disk refused is removed at once.

Run: ``.venv/bin/pytest -m chaos tests/chaos/test_storage_full.py`` (docs/operations.md).
"""

from __future__ import annotations

import errno
import html
import os
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monespace.core.storage_sweep import sweep
from monespace.dossiers.models import Document
from monespace.invoices.models import Invoice, InvoicePiece
from monespace.organizations.api_keys import api_key_create
from tests.chaos._smtp import free_port
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory
from tests.invoices.scenario import PDF, build, pdf

pytestmark = [pytest.mark.chaos, pytest.mark.django_db]

REFUSED = "l'espace de stockage des documents est momentanément indisponible"
S3_ENDPOINT = os.environ.get("S3_TEST_ENDPOINT", "http://127.0.0.1:18333")


@pytest.fixture(autouse=True)
def _both_apps_serving():
    """These tests need no multi-server topology (the folder's conftest.py starts it for its
    own tests): its fixture is replaced here."""


@dataclass
class Storage:
    """A storage that works until ``fail()``; ``files()`` lists what it holds."""

    fail: Callable[[], None]
    files: Callable[[], set[str]]


def _fill(path) -> None:
    """Write zeros until the disk refuses: it is full."""
    with open(path, "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.fixture
def full_disk(settings, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)]
    try:
        mounted = subprocess.run(mount, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        pytest.skip("no mount command: the full-disk test needs one (and root)")
    if mounted.returncode:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        media = disk / "media"
        media.mkdir()
        settings.MEDIA_ROOT = media
        yield Storage(
            fail=lambda: _fill(disk / "filler"),
            files=lambda: {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()},
        )
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _s3(settings, **options) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                **options,
            },
        },
    }


@pytest.fixture
def s3_refusing(settings):
    """A bucket of the test SeaweedFS; ``fail()``: the portal's credentials are refused."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    bucket = f"monespace-chaos-{uuid.uuid4().hex[:10]}"
    try:
        client.create_bucket(Bucket=bucket)
    except (BotoCoreError, ClientError) as error:
        if os.environ.get("MONESPACE_REQUIRE_S3") == "1":
            pytest.fail(f"SeaweedFS does not answer on {S3_ENDPOINT}: {error}")
        pytest.skip("SeaweedFS is not running (bash scripts/seaweedfs start)")

    def keys() -> set[str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {item["Key"] for item in listed}

    yield Storage(
        fail=lambda: _s3(
            settings,
            bucket_name=bucket,
            endpoint_url=S3_ENDPOINT,
            access_key="test",
            secret_key="not-the-secret",
        ),
        files=keys,
    )
    for key in keys():
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)


@pytest.fixture
def s3_down(settings):
    """``fail()``: the files go to an object store that does not answer."""
    yield Storage(
        fail=lambda: _s3(
            settings,
            bucket_name="monespace",
            endpoint_url=f"http://127.0.0.1:{free_port()}",
            access_key="test",
            secret_key="test",
        ),
        files=set,
    )


@pytest.fixture(params=["full_disk", "s3_refusing", "s3_down"])
def storage(request) -> Storage:
    return request.getfixturevalue(request.param)


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def field_block(page: str, name: str) -> str:
    """The ``<div class="field">`` of the input named ``name``: its label, errors, input."""
    at = page.index(f'name="{name}"')
    return page[page.rindex('<div class="field', 0, at) : page.index("</div>", at)]


def test_a_document_added_to_a_draft_gets_a_french_error_and_nothing_is_saved(client, storage):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    draft = DossierFactory(establishment=establishment)
    client.force_login(user)
    storage.fail()

    response = client.post(
        reverse("www:dossier_document_upload", args=[draft.pk]),
        {
            "file": SimpleUploadedFile("programme.pdf", PDF, content_type="application/pdf"),
            "piece_type": "programme",
            "title": "Programme de la formation",
        },
        follow=True,
    )

    assert response.status_code == 200
    page = text(response)
    assert "Le fichier n'est pas joint : réessayez dans quelques minutes." in page
    assert REFUSED in field_block(page, "file")
    assert 'value="Programme de la formation"' in page
    assert not Document.objects.exists()
    assert storage.files() == set()  # not even what a full disk let be written


def test_an_invoice_deposit_gets_a_french_error_next_to_its_file_and_nothing_is_saved(
    client, storage
):
    case = build()  # its RIB's file is written while the storage works
    before = storage.files()
    client.force_login(case["hr"])
    trainee = case["trainee"]
    storage.fail()

    response = client.post(
        reverse("www:invoice_deposit", args=[case["dossier"].pk]),
        {
            "number": "F-2026-001",
            "issued_on": timezone.localdate().isoformat(),
            f"pay_{trainee.pk}_hourly": "25,50",
            f"pay_{trainee.pk}_hours": "14",
            "line_cost_pay_vat": "0",
            "invoice_file": pdf(),
            "certify": "on",
        },
    )

    assert response.status_code == 503
    page = text(response)
    assert REFUSED in field_block(page, "invoice_file")
    assert 'value="F-2026-001"' in page
    assert not Invoice.objects.exists() and not InvoicePiece.objects.exists()
    assert storage.files() == before


def test_the_api_answers_503_and_saves_nothing(storage):
    establishment = EstablishmentFactory(member=True)
    provider = EstablishmentFactory(provider=True)
    dossier = DossierFactory(
        establishment=establishment, submitted=True, provider_establishment=provider
    )
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    _key, secret = api_key_create(
        actor=admin,
        company=establishment.company,
        profile="member",
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes={"can_deposit_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    storage.fail()

    response = Client(raise_request_exception=False).post(
        reverse("api:dossier_documents", args=[dossier.number]),
        {"type": "programme", "titre": "Programme", "fichier": pdf("programme.pdf")},
        HTTP_X_API_KEY=secret,
        HTTP_EDITEUR="Ymag",
        HTTP_LOGICIEL="YPAREO",
        HTTP_VERSION="7.2",
    )

    assert response.status_code == 503
    assert response["Retry-After"] and "indisponible" in response.json()["detail"]
    assert not Document.objects.exists()
    assert storage.files() == set()


def test_a_file_left_by_a_rolled_back_upload_is_the_sweepers(settings):
    """What a refused write cannot leave, a rollback after the write can: no row, a file the
    daily sweeper removes after the grace period (never before)."""
    from django.db import transaction

    from monespace.core.uploads import store_file

    draft = DossierFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        document = Document(dossier=draft, title="Programme", piece_type="programme", size=3)
        store_file(document.file, "upload", SimpleUploadedFile("p.pdf", PDF))
        document.save()
        raise RuntimeError("the transaction fails after the file was written")
    assert not Document.objects.exists()
    assert (settings.MEDIA_ROOT / document.file.name).exists()
    assert sweep() == []
    later = timezone.now() + timedelta(hours=settings.STORAGE_ORPHAN_GRACE_HOURS, minutes=1)
    assert sweep(now=later) == [document.file.name]
    assert not (settings.MEDIA_ROOT / document.file.name).exists()
