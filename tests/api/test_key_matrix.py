"""Every API endpoint × every kind of key (issue 14): company A's key, the key of the CFA named
by A's contract, company B's key, an expired key, a revoked key, a key without the endpoint's
scope, and no key. A key never reads or writes what is not its organisation's: B's key gets
nothing of A (404, an empty list or a refusal), expired and revoked keys a 401, a key without
the scope a 403."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.organizations.api_keys import api_key_create, api_key_revoke
from monespace.organizations.models import ApiKey
from tests.factories import (
    ContractFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
)
from tests.invoices.scenario import pdf

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}
ALL = dict.fromkeys(ApiKey.SCOPES, True)


def make_key(company, profile, scopes=ALL):
    admin = MembershipFactory(company=company, is_admin=True, profile=profile).user
    key, secret = api_key_create(
        actor=admin,
        company=company,
        profile=profile,
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes=scopes,
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return key, secret


@pytest.fixture
def world():
    a = EstablishmentFactory(member=True, company__name="A")
    b = EstablishmentFactory(member=True, company__name="B")
    cfa = EstablishmentFactory(provider=True, uai="0751234J", company__name="CFA")
    contract = ContractFactory(establishment=a, provider_establishment=cfa, submitted=True)
    training = DossierFactory(establishment=a, submitted=True)
    keys = {
        "a": make_key(a.company, "member")[1],
        "cfa": make_key(cfa.company, "provider")[1],
        "b": make_key(b.company, "member")[1],
        # Keys with one scope only (a key has at least one).
        "contracts_only": make_key(a.company, "member", scopes={"can_read_contracts": True})[1],
        "invoices_only": make_key(a.company, "member", scopes={"can_read_invoices": True})[1],
    }
    expired, keys["expired"] = make_key(a.company, "member")
    ApiKey.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    revoked, keys["revoked"] = make_key(a.company, "member")
    api_key_revoke(actor=revoked.created_by, key=revoked)
    return {"contract": contract, "training": training, "keys": keys}


def endpoints(world):
    contract, training = world["contract"].number, world["training"].number
    return [
        ("get", reverse("api:status"), None),
        ("get", reverse("api:contracts"), None),
        ("get", reverse("api:contract", args=[contract]), None),
        ("get", reverse("api:contract_instalments", args=[contract]), None),
        ("get", reverse("api:training_actions"), None),
        ("get", reverse("api:training_action", args=[training]), None),
        ("get", reverse("api:invoice_states"), None),
        (
            "post",
            reverse("api:dossier_documents", args=[training]),
            lambda: {"type": "programme", "titre": "Programme", "fichier": pdf()},
        ),
        (
            "post",
            reverse("api:contracts"),
            lambda: {"cerfa": "{}", "cerfaSigne": pdf(), "conventionFormation": pdf()},
        ),
        (
            "post",
            reverse("api:invoice_deposit"),
            lambda: {
                "numeroDossier": training,
                "numeroFacture": "X",
                "dateFacture": timezone.localdate().isoformat(),
                "lignes": '[{"ligne": "cost_teaching", "montantHT": "1", "tauxTVA": "0"}]',
                "attestationConservationPieces": "true",
                "fichier": pdf(),
            },
        ),
    ]


def call(client, method, url, data, secret):
    extra = {**HEADERS, **({"HTTP_X_API_KEY": secret} if secret else {})}
    if method == "get":
        return client.get(url, **extra)
    return client.post(url, data() if data else {}, **extra)


def test_every_endpoint_for_every_kind_of_key(client, world):
    keys = world["keys"]
    contract, training = world["contract"].number, world["training"].number
    for method, url, data in endpoints(world):
        # No key, an expired one, a revoked one: 401, whatever the endpoint.
        for name in (None, "expired", "revoked"):
            response = call(client, method, url, data, keys.get(name) if name else None)
            assert response.status_code == 401, (url, name)
            assert response["Content-Type"] == "application/problem+json"
        # A key without the endpoint's scope: 403 (the status needs none).
        wrong = "contracts_only" if "/factures/" in url else "invoices_only"
        response = call(client, method, url, data, keys[wrong])
        assert response.status_code == (200 if url.endswith("/status/") else 403), url
        # Company B's key: nothing of A.
        response = call(client, method, url, data, keys["b"])
        if method == "get" and response.status_code == 200 and "results" in response.json():
            assert response.json()["results"] == [], url
        elif method == "get" and not url.endswith("/status/"):
            assert response.status_code == 404, url
        elif method == "post":
            assert response.status_code in (400, 404), url
            assert contract not in response.content.decode()
    # A's key reads its contract and training action; the CFA's key the contract naming it,
    # never A's training action (another provider).
    for url, owner_sees, cfa_sees in [
        (reverse("api:contract", args=[contract]), 200, 200),
        (reverse("api:training_action", args=[training]), 200, 404),
    ]:
        assert call(client, "get", url, None, keys["a"]).status_code == owner_sees
        assert call(client, "get", url, None, keys["cfa"]).status_code == cfa_sees
    # Writes: A's key attaches a document to its dossier; the CFA's key cannot (not named).
    url = reverse("api:dossier_documents", args=[training])

    def data():
        return {"type": "programme", "titre": "Programme", "fichier": pdf()}

    assert call(client, "post", url, data, keys["cfa"]).status_code == 404
    assert call(client, "post", url, data, keys["a"]).status_code == 201
