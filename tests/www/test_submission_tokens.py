"""Issue 16: a form posted twice creates once. The first step of a new request and « Joindre
des fichiers » carry a signed token; the same token posted again by the same user answers the
first redirect and creates nothing; a token that is not this user's (another user's, forged,
expired) is no token: the post is a new form. Receipts are kept a day."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monespace.core import retention, submissions
from monespace.core.models import SubmissionReceipt
from monespace.dossiers.models import Document, Dossier
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.helpers import form_values

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def editor_of(establishment):
    return MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user


@pytest.fixture
def scene(client):
    establishment = EstablishmentFactory(member=True)
    user = editor_of(establishment)
    client.force_login(user)
    start = reverse("www:dossier_start", args=["action-de-formation", establishment.pk])
    return {"establishment": establishment, "user": user, "start": start}


def first_step_form(client, start):
    values = form_values(client.get(start).content.decode())
    values.pop("csrfmiddlewaretoken", None)
    return {**values, "title": "GESTION DE PROJET", "validate": "1"}


def messages_of(client, url):
    return client.get(url, follow=True).content.decode()


def test_the_first_step_carries_a_token_and_later_steps_do_not(client, scene):
    page = client.get(scene["start"]).content.decode()
    token = form_values(page)[submissions.FIELD]
    assert (
        token
        and token != form_values(client.get(scene["start"]).content.decode())[submissions.FIELD]
    )  # a new one for each page shown
    response = client.post(scene["start"], first_step_form(client, scene["start"]))
    later = client.get(response.url).content.decode()
    assert submissions.FIELD not in later


def test_the_same_first_step_posted_twice_creates_one_draft(client, scene):
    form = first_step_form(client, scene["start"])
    first = client.post(scene["start"], form)
    assert first.status_code == 302
    dossier = Dossier.objects.get()
    assert first.url == reverse("www:dossier_step", args=[dossier.pk, "modules"])
    again = client.post(scene["start"], form)
    assert again.status_code == 302 and again.url == first.url
    assert Dossier.objects.count() == 1
    assert dossier.events.filter(kind="created").count() == 1
    page = messages_of(client, again.url)
    assert "Ce formulaire avait déjà été envoyé" in page
    receipt = SubmissionReceipt.objects.get()
    assert (receipt.user, receipt.redirect_url) == (scene["user"], first.url)


def test_a_refused_first_step_keeps_its_token_usable(client, scene):
    form = first_step_form(client, scene["start"])
    refused = client.post(
        scene["start"], {**form, "start_date": "31/12/2026", "end_date": "01/01/2026"}
    )
    assert refused.status_code == 200
    assert not Dossier.objects.exists() and not SubmissionReceipt.objects.exists()
    corrected = client.post(scene["start"], form)
    assert corrected.status_code == 302 and Dossier.objects.count() == 1


def test_another_users_token_is_no_token(client, scene):
    form = first_step_form(client, scene["start"])
    first = client.post(scene["start"], form)
    other = editor_of(scene["establishment"])
    client.force_login(other)
    response = client.post(scene["start"], form)
    # Not the first user's answer: a draft of the other user's own, and no receipt for it.
    assert response.status_code == 302 and response.url != first.url
    assert Dossier.objects.filter(created_by=other).count() == 1
    assert not SubmissionReceipt.objects.filter(user=other).exists()


@pytest.mark.parametrize("token", ["forged", "expired", "missing"])
def test_a_token_that_is_not_valid_is_a_new_form(client, scene, token, monkeypatch):
    form = first_step_form(client, scene["start"])
    if token == "forged":
        form[submissions.FIELD] = re.sub(r".$", "x", form[submissions.FIELD])
    elif token == "expired":
        with monkeypatch.context() as patch:
            two_days_ago = time.time() - 2 * 24 * 3600
            patch.setattr(signing.time, "time", lambda: two_days_ago)
            form[submissions.FIELD] = submissions.new_token(scene["user"])
    else:
        del form[submissions.FIELD]
    assert client.post(scene["start"], form).status_code == 302
    # Nothing recorded: the same post again is handled as a new form too (as before tokens).
    assert client.post(scene["start"], form).status_code == 302
    assert Dossier.objects.count() == 2
    assert not SubmissionReceipt.objects.exists()


def test_a_concurrent_post_that_committed_first_wins(client, scene, monkeypatch):
    """Two posts of one form at once: both pass the first check; the unique receipt makes the
    later one roll back everything it did and answer the first one's redirect."""
    form = first_step_form(client, scene["start"])
    first = client.post(scene["start"], form)
    monkeypatch.setattr(submissions, "replay", lambda request: None)  # the check raced
    again = client.post(scene["start"], form)
    assert again.status_code == 302 and again.url == first.url
    assert Dossier.objects.count() == 1
    assert SubmissionReceipt.objects.count() == 1


@pytest.fixture
def draft(client, scene):
    client.post(scene["start"], first_step_form(client, scene["start"]))
    return Dossier.objects.get()


def upload_form(client, dossier):
    page = client.get(reverse("www:dossier_step", args=[dossier.pk, "envoi"])).content.decode()
    action = reverse("www:dossier_document_upload", args=[dossier.pk])
    form = page.split(f'action="{action}"')[1].split("</form>")[0]
    token = re.search(rf'name="{submissions.FIELD}" value="([^"]+)"', form)
    assert token, "the upload form carries a token"
    return {
        submissions.FIELD: token.group(1),
        "piece_type": "programme",
        "title": "Programme",
        "back": "envoi",
    }


def post_upload(client, dossier, values, content=PDF):
    return client.post(
        reverse("www:dossier_document_upload", args=[dossier.pk]),
        {**values, "file": SimpleUploadedFile("programme.pdf", content, "application/pdf")},
    )


def test_the_same_upload_posted_twice_attaches_one_document(client, draft):
    values = upload_form(client, draft)
    first = post_upload(client, draft, values)
    assert first.url == reverse("www:dossier_step", args=[draft.pk, "envoi"])
    again = post_upload(client, draft, values)
    assert again.url == first.url
    assert Document.objects.filter(dossier=draft).count() == 1
    assert "Ce formulaire avait déjà été envoyé" in messages_of(client, again.url)
    # A new page, a new token: a second file is a second document.
    assert post_upload(client, draft, upload_form(client, draft)).status_code == 302
    assert Document.objects.filter(dossier=draft).count() == 2


def test_a_refused_upload_records_nothing(client, draft):
    values = upload_form(client, draft)
    refused = post_upload(client, draft, values, content=b"MZ\x90\x00 not a document")
    assert refused.status_code == 302 and not Document.objects.exists()
    assert not SubmissionReceipt.objects.filter(redirect_url__contains="envoi").exists()
    # The right file with the same form: attached.
    post_upload(client, draft, values)
    assert Document.objects.filter(dossier=draft).count() == 1


def test_receipts_are_deleted_after_a_day(scene):
    old = SubmissionReceipt.objects.create(user=scene["user"], token="a", redirect_url="/")
    SubmissionReceipt.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    recent = SubmissionReceipt.objects.create(user=scene["user"], token="b", redirect_url="/")
    report = {rule.name: count for rule, count in retention.apply()}
    assert report["submission_receipts"] == 1
    assert list(SubmissionReceipt.objects.all()) == [recent]
