"""API keys (issue 14): created by an administrator (secret shown once, hash kept), revoked at
once, checked on every call (headers of the calling software, validity, scopes), their use and
refusals counted and recorded; the contracts API reads only the organisation's contracts."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monespace.core.models import ActivityEvent
from monespace.dossiers.funding.services import commitment_freeze
from monespace.organizations.api_keys import api_key_create, expiry_notices
from monespace.organizations.models import ApiKey
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    npec_for,
)

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    return {"establishment": establishment, "company": establishment.company, "admin": admin}


def keys_url(company, profile="member"):
    return reverse("www:api_keys", args=[company["company"].pk, profile])


def form(**extra):
    data = {
        "name": "YPAREO — Rennes",
        "publisher": "Ymag",
        "software": "YPAREO",
        "can_read_contracts": "on",
        "expires_on": (timezone.localdate() + timedelta(days=365)).isoformat(),
    }
    data.update(extra)
    return data


def test_an_administrator_creates_a_key_shown_once_and_revokes_it(client, company):
    client.force_login(company["admin"])
    response = client.post(keys_url(company), form())
    assert response.status_code == 302  # then shown once on the page it leads to
    response = client.get(keys_url(company))
    assert response["Cache-Control"] == "no-store"
    key = ApiKey.objects.get()
    page = text(response)
    secret = page.split('id="new-key" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith(f"mesp_{key.prefix}_") and key.secret_hash not in page
    assert secret not in key.secret_hash and len(key.secret_hash) == 64
    again = text(client.get(keys_url(company)))
    assert secret not in again and key.prefix in again and "Active" in again
    # Usable at once…
    assert client.get(reverse("api:contracts"), HTTP_X_API_KEY=secret, **HEADERS).status_code == 200
    # …until revoked.
    client.post(reverse("www:api_key_revoke", args=[company["company"].pk, "member", key.pk]))
    response = client.get(reverse("api:contracts"), HTTP_X_API_KEY=secret, **HEADERS)
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401 and "révoquée" in problem["detail"]
    assert problem["title"] == "Authentification requise"
    actions = set(
        ActivityEvent.objects.filter(object_type="api_key").values_list("action", flat=True)
    )
    assert actions == {"created", "revoked", "refused"}
    key.refresh_from_db()
    assert (key.use_count, key.failure_count) == (1, 1)


def test_the_form_refuses_bad_input(client, company):
    client.force_login(company["admin"])
    today = timezone.localdate()
    cases = [
        (form(expires_on=(today + timedelta(days=400)).isoformat()), "un an au plus"),
        (form(expires_on=today.isoformat()), "doit être à venir"),
        (form(expires_on="9999-12-31"), "Saisissez une date"),
        (form(can_read_contracts=""), "au moins un droit"),
        (form(name=""), "obligatoire"),
    ]
    for data, message in cases:
        response = client.post(keys_url(company), data)
        assert response.status_code == 400 and message in text(response), data
    assert not ApiKey.objects.exists()


def test_who_may_manage_keys(client, company):
    member = MembershipFactory(company=company["company"], can_view_training=True).user
    client.force_login(member)
    assert client.get(keys_url(company)).status_code == 403
    outsider = MembershipFactory(company=EstablishmentFactory(member=True).company, is_admin=True)
    client.force_login(outsider.user)
    assert client.get(keys_url(company)).status_code == 404
    key, _secret = api_key_create(
        actor=company["admin"],
        company=company["company"],
        profile="member",
        name="K",
        publisher="P",
        software="S",
        scopes={"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=10),
    )
    revoke = reverse("www:api_key_revoke", args=[company["company"].pk, "member", key.pk])
    assert client.post(revoke).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def _key(company, profile="member", **scopes):
    return api_key_create(
        actor=company["admin"],
        company=company["company"],
        profile=profile,
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes=scopes or {"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )


def test_the_contracts_api_reads_the_organisation_s_contracts_only(client, company):
    npec_for()
    cfa = EstablishmentFactory(provider=True, uai="0751234J")
    cfa_admin = MembershipFactory(company=cfa.company, profile="provider", is_admin=True).user
    mine = ContractFactory(
        establishment=company["establishment"], submitted=True, provider_establishment=cfa
    )
    approved = ContractFactory(establishment=company["establishment"], submitted=True)
    commitment_freeze(actor=None, dossier=approved, reason="approval")
    type(approved).objects.filter(pk=approved.pk).update(state="approved")
    ContractFactory(establishment=company["establishment"])  # a draft: never
    other = ContractFactory(submitted=True)  # another company
    _key_obj, secret = _key(company)

    def api(url, **kw):
        return client.get(url, HTTP_X_API_KEY=secret, **HEADERS, **kw)

    listed = api(reverse("api:contracts")).json()
    numbers = {row["numeroInterne"] for row in listed["results"]}
    assert numbers == {mine.number, approved.number}
    detail = api(reverse("api:contract", args=[approved.number])).json()
    assert detail["etat"] == "ENGAGE" and detail["montantEngage"] == "14600.00"
    assert detail["cerfa"]["employeur"]["siret"] == company["establishment"].siret
    assert api(reverse("api:contract", args=[other.number])).status_code == 404
    echeances = api(reverse("api:contract_instalments", args=[approved.number])).json()
    assert echeances[0]["numero"] == "E1" and Decimal(echeances[0]["montant"]) == Decimal("2920.00")
    assert [
        r["numeroInterne"]
        for r in api(reverse("api:contracts"), data={"etat": "ENGAGE"}).json()["results"]
    ] == [approved.number]
    bad = api(reverse("api:contracts"), data={"etat": "PERDU", "dateMajDepuis": "hier"})
    assert bad.status_code == 400 and "État inconnu" in bad.json()["errors"]["etat"][0]
    bad = api(reverse("api:contracts"), data={"dateMajDepuis": "2026-13-45T99:00"})
    assert bad.status_code == 400 and "ISO 8601" in text(bad)
    # The CFA's key sees the contract naming it, not the others.
    _cfa_key, cfa_secret = api_key_create(
        actor=cfa_admin,
        company=cfa.company,
        profile="provider",
        name="K",
        publisher="P",
        software="S",
        scopes={"can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    listed = client.get(reverse("api:contracts"), HTTP_X_API_KEY=cfa_secret, **HEADERS).json()
    assert [row["numeroInterne"] for row in listed["results"]] == [mine.number]


def test_refusals(client, company):
    key, secret = _key(company, can_read_invoices=True)
    url = reverse("api:contracts")
    assert client.get(url).status_code in (401, 403)  # no key, no session
    response = client.get(url, HTTP_X_API_KEY=secret)
    assert response.status_code == 401 and "EDITEUR, LOGICIEL, VERSION" in text(response)
    for presented in ("", "abc", "mesp_000000000000_x", secret[:-2] + "xx"):
        assert client.get(url, HTTP_X_API_KEY=presented, **HEADERS).status_code == 401, presented
    response = client.get(url, HTTP_X_API_KEY=secret, **HEADERS)
    assert response.status_code == 403 and "n'a pas ce droit" in text(response)
    ApiKey.objects.filter(pk=key.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    ApiKey.objects.filter(pk=key.pk).update(can_read_contracts=True)
    response = client.get(url, HTTP_X_API_KEY=secret, **HEADERS)
    assert response.status_code == 401 and "expiré" in text(response)
    key.refresh_from_db()
    assert key.failure_count == 2 and key.use_count == 0


def test_query_count_of_the_list_does_not_grow(client, company, django_assert_max_num_queries):
    _key_obj, secret = _key(company)
    for _ in range(3):
        ContractFactory(establishment=company["establishment"], submitted=True)
    with django_assert_max_num_queries(6):
        client.get(reverse("api:contracts"), HTTP_X_API_KEY=secret, **HEADERS)
    for _ in range(10):
        ContractFactory(establishment=company["establishment"], submitted=True)
    with django_assert_max_num_queries(6):
        client.get(reverse("api:contracts"), HTTP_X_API_KEY=secret, **HEADERS)


def test_expiry_notices_30_and_7_days_before_once(company, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    key, _secret = _key(company)
    ApiKey.objects.filter(pk=key.pk).update(expires_on=today + timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_notices(today=today) == 1
        assert expiry_notices(today=today) == 0  # run twice: once
    assert len(mail.outbox) == 1 and "expire dans 30 jours" in mail.outbox[0].subject
    ApiKey.objects.filter(pk=key.pk).update(expires_on=today + timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("api_key_notices")
    assert len(mail.outbox) == 2 and "7 jours" in mail.outbox[1].subject


def test_the_schema_and_its_documentation_are_served_locally(client, company):
    client.force_login(company["admin"])
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200 and b"/api/v1/contrats/" in schema.content
    docs = text(client.get(reverse("api:docs")))
    assert "cdn" not in docs.lower() and "swagger-ui" in docs
