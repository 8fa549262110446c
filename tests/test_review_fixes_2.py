"""The defects a review found in the bank details, exports and API (session of 2026-12-02),
each with the test that shows it fixed."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monespace.exports.models import ExportJob
from monespace.exports.services import export_request, exports_purge
from monespace.invoices.models import BankAccount
from monespace.organizations.api_keys import api_key_create, expiry_notices
from monespace.organizations.models import ApiKey, Membership
from tests.factories import (
    ContractFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CA = "FR7630006000011234567890189"
BNP = "FR7630004000030001234567897"
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def text(response):
    return html.unescape(response.content.decode())


def deposit(client, company_id, iban, bic, establishment=0):
    return client.post(
        reverse("www:bank_details_deposit"),
        {
            "target": f"{company_id}:member:{establishment}",
            "holder": "BOULANGERIE",
            "iban": iban,
            "bic": bic,
            "file": SimpleUploadedFile("rib.pdf", PDF, content_type="application/pdf"),
        },
    )


def test_an_administrator_scoped_to_establishments_manages_no_key(client):
    establishment = EstablishmentFactory(member=True)
    scoped = MembershipFactory(company=establishment.company, is_admin=True)
    scoped.establishments.set([establishment])
    client.force_login(scoped.user)
    url = reverse("www:api_keys", args=[establishment.company.pk, "member"])
    assert client.get(url).status_code == 403


def test_staff_without_second_factor_export_and_read_no_rib(client, settings):
    settings.STAFF_REQUIRE_MFA = True
    establishment = EstablishmentFactory(member=True)
    BankAccount.objects.create(
        company=establishment.company,
        profile="member",
        holder="X",
        iban=CA,
        bic="AGRIFRPP",
        original_name="rib.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        file="rib/x",
    )
    staff = StaffProfileFactory().user
    client.force_login(staff)
    assert CA[:8] not in text(client.get(reverse("www:bank_details")))
    client.post(reverse("www:export_new"), {"query": ""})
    assert not ExportJob.objects.exists()


def test_a_staff_export_of_dossiers_holds_no_draft(django_capture_on_commit_callbacks):
    DossierFactory()  # a company's draft
    submitted = DossierFactory(submitted=True)
    staff = StaffProfileFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=staff, params={}, perimeter=None)
    job.refresh_from_db()
    assert job.rows_done == 1 and submitted.number


def test_the_api_answers_nul_characters_and_old_dates_without_a_500(client):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    _key, secret = api_key_create(
        actor=admin,
        company=establishment.company,
        profile="member",
        name="K",
        publisher="P",
        software="S",
        scopes={"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    api = {"HTTP_X_API_KEY": secret, **HEADERS}
    assert client.get("/api/v1/contrats/2026%00/", **api).status_code == 404
    assert client.get("/api/v1/contrats/2026%00/echeances/", **api).status_code == 404
    old = client.get("/api/v1/contrats/", {"dateMajDepuis": "0001-01-01T00:00:00+01:00"}, **api)
    assert old.status_code == 200  # before 2000: every contract, never an overflow
    assert (
        client.get("/api/v1/contrats/", HTTP_X_API_KEY="mesp_\x00_x", **HEADERS).status_code == 401
    )


def test_a_member_removed_no_longer_downloads_the_export(
    client, django_capture_on_commit_callbacks
):
    establishment = EstablishmentFactory(member=True)
    membership = MembershipFactory(company=establishment.company, can_view_training=True)
    DossierFactory(establishment=establishment)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=membership.user, params={}, perimeter=None)
    Membership.objects.filter(pk=membership.pk).update(status="revoked")
    client.force_login(membership.user)
    assert client.get(reverse("www:export_file", args=[job.pk])).status_code == 410


def test_stuck_exports_stop_counting_and_are_marked_failed(client):
    user = MembershipFactory(can_view_training=True).user
    old = timezone.now() - timedelta(days=2)
    for _ in range(3):
        ExportJob.objects.create(user=user, state="running", created_at=old)
    client.force_login(user)
    client.post(reverse("www:export_new"), {"query": ""})
    assert ExportJob.objects.filter(user=user).count() == 4
    exports_purge()
    assert ExportJob.objects.filter(state="failed").count() == 3


def test_a_missing_file_is_a_410_not_a_500(client, django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=admin, params={}, perimeter=None)
    job.refresh_from_db()
    job.file.storage.delete(job.file.name)
    client.force_login(admin)
    assert client.get(reverse("www:export_file", args=[job.pk])).status_code == 410
    deposit(client, establishment.company.pk, CA, "AGRIFRPP")
    account = BankAccount.objects.get()
    account.file.storage.delete(account.file.name)
    assert client.get(reverse("www:bank_details_document", args=[account.pk])).status_code == 410


def test_an_establishment_rib_over_the_company_s_is_a_change(client):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    advisor = StaffProfileFactory().user
    client.force_login(admin)
    deposit(client, establishment.company.pk, CA, "AGRIFRPP")
    company_rib = BankAccount.objects.get()
    client.force_login(advisor)
    client.post(reverse("backoffice:bank_account", args=[company_rib.pk]), {"validate": "1"})
    client.force_login(admin)
    mail.outbox.clear()
    deposit(client, establishment.company.pk, BNP, "BNPAFRPP", establishment=establishment.pk)
    assert any("Changement de coordonnées" in m.subject for m in mail.outbox)
    client.force_login(advisor)
    page = text(
        client.get(reverse("backoffice:bank_account", args=[BankAccount.objects.latest("pk").pk]))
    )
    assert "Changement de coordonnées bancaires" in page and "Premier RIB" not in page


def test_a_removed_depositor_is_not_told_the_decision(client):
    establishment = EstablishmentFactory(member=True)
    MembershipFactory(company=establishment.company, is_admin=True)
    depositor = MembershipFactory(company=establishment.company, can_manage_bank_details=True)
    client.force_login(depositor.user)
    deposit(client, establishment.company.pk, CA, "AGRIFRPP")
    Membership.objects.filter(pk=depositor.pk).update(status="revoked")
    mail.outbox.clear()
    client.force_login(StaffProfileFactory().user)
    client.post(
        reverse("backoffice:bank_account", args=[BankAccount.objects.get().pk]),
        {"reject": "1", "reason": "Fraude suspectée"},
    )
    assert mail.outbox and all(m.to != [depositor.user.email] for m in mail.outbox)


def test_a_missed_day_still_sends_the_expiry_notice_once(django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    key, _secret = api_key_create(
        actor=admin,
        company=establishment.company,
        profile="member",
        name="K",
        publisher="P",
        software="S",
        scopes={"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    today = timezone.localdate()
    ApiKey.objects.filter(pk=key.pk).update(expires_on=today + timedelta(days=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_notices(today=today) == 1
        assert expiry_notices(today=today + timedelta(days=1)) == 0
        assert expiry_notices(today=today + timedelta(days=20)) == 1  # 5 days left
        assert expiry_notices(today=today + timedelta(days=21)) == 0
    assert len(mail.outbox) == 2 and "25 jours" in mail.outbox[0].subject


def test_a_first_run_within_7_days_sends_one_notice(django_capture_on_commit_callbacks):
    establishment = EstablishmentFactory(member=True)
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    key, _secret = api_key_create(
        actor=admin,
        company=establishment.company,
        profile="member",
        name="K",
        publisher="P",
        software="S",
        scopes={"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_notices() == 1
    assert len(mail.outbox) == 1 and key.pk
    ContractFactory
