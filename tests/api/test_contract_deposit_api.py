"""POST /api/v1/contrats/ (issue 14): a company's or a CFA's software deposits an apprenticeship
contract from the exchange's ``cerfa`` payload with its pieces, checked by the portal's own
step forms (errors under the payload's paths, nothing saved), transmitted by a company's key
or a CFA's key with the « mandat de gestion », sent to the company for validation without it;
never for a company that did not attach the CFA."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.api.contract_deposit import FIELD_PATHS, PATHS
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.models import Dossier
from monespace.organizations.api_keys import api_key_create
from monespace.organizations.models import Delegation
from tests.factories import ContractFactory, EstablishmentFactory, MembershipFactory
from tests.invoices.scenario import pdf

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def key(company, profile="member"):
    admin = MembershipFactory(company=company, is_admin=True, profile=profile).user
    _key, secret = api_key_create(
        actor=admin,
        company=company,
        profile=profile,
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes={"can_deposit_contracts": True, "can_read_contracts": True},
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return secret


def payload_from(contract_dossier):
    """The ``cerfa`` object of a complete contract (a factory's), as a software sends it."""
    contract = contract_dossier.detail
    cerfa: dict = {"employeur": {"siret": contract_dossier.establishment.siret}}
    for path, name in PATHS.items():
        target = contract_dossier if name in rules.DOSSIER_FIELDS else contract
        value = getattr(target, name)
        if value in (None, ""):
            continue
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        node = cerfa
        parts = path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return cerfa


@pytest.fixture
def world():
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE")
    cfa = EstablishmentFactory(provider=True, uai="0751234J", company__name="CFA")
    model = ContractFactory(establishment=establishment, provider_establishment=cfa)
    cerfa = payload_from(model)
    cerfa["organismeFormation"]["siret"] = cfa.siret
    model.delete()
    return {"establishment": establishment, "cfa": cfa, "cerfa": cerfa}


def post(client, secret, cerfa, **files):
    data = {
        "cerfa": json.dumps(cerfa),
        "cerfaSigne": pdf("cerfa.pdf"),
        "conventionFormation": pdf("convention.pdf"),
        **files,
    }
    return client.post(reverse("api:contracts"), data, HTTP_X_API_KEY=secret, **HEADERS)


def test_a_company_s_software_deposits_and_transmits_a_contract(client, world):
    secret = key(world["establishment"].company)
    bad = json.loads(json.dumps(world["cerfa"]))
    bad["apprenti"]["nir"] = "1234"
    bad["contrat"]["dateFinContrat"] = "2020-01-01"
    bad["apprenti"]["inconnu"] = "x"
    response = post(client, secret, bad)
    assert response.status_code == 400
    assert "cerfa.apprenti.inconnu" in response.json()["errors"]
    del bad["apprenti"]["inconnu"]
    response = post(client, secret, bad)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert "cerfa.apprenti.nir" in errors
    assert not Dossier.objects.exists()  # nothing half-saved
    response = post(client, secret, world["cerfa"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["etat"] == "TRANSMIS" and body["numeroInterne"]
    dossier = Dossier.objects.get()
    assert (dossier.state, dossier.company, dossier.provider_establishment) == (
        "submitted",
        world["establishment"].company,
        world["cfa"],
    )
    assert dossier.detail.apprentice_last_name == world["cerfa"]["apprenti"]["nom"]
    assert dossier.documents.count() == 2 and dossier.detail.pay_lines.exists()
    # It is in the company's lists, like a contract typed on the portal.
    reader = MembershipFactory(
        company=world["establishment"].company, can_view_apprenticeship=True
    ).user
    client.force_login(reader)
    assert body["numeroInterne"] in client.get(reverse("www:dossiers")).content.decode()


def test_a_cfa_deposits_only_for_companies_that_attached_it(client, world):
    secret = key(world["cfa"].company, "provider")
    response = post(client, secret, world["cerfa"])
    assert response.status_code == 400 and "cerfa.employeur.siret" in response.json()["errors"]
    delegation = Delegation.objects.create(
        company=world["establishment"].company,
        delegate=world["cfa"].company,
        kind="cfa",
        status="active",
        can_view_apprenticeship=True,
        can_edit_apprenticeship=True,
    )
    response = post(client, secret, world["cerfa"])
    assert response.status_code == 201, response.content
    # Without the « mandat de gestion »: the company validates it.
    assert Dossier.objects.get().state == "awaiting_employer"
    delegation.apprenticeship_mandate = True
    delegation.save()
    other = json.loads(json.dumps(world["cerfa"]))
    other["apprenti"]["prenom"] = "Jules"
    response = post(client, secret, other)
    assert response.status_code == 201 and response.json()["etat"] == "TRANSMIS"
    # A contract naming another CFA: refused.
    stranger = EstablishmentFactory(provider=True, uai="0759999X")
    other["organismeFormation"]["siret"] = stranger.siret
    response = post(client, secret, other)
    assert response.status_code == 400
    assert "cerfa.organismeFormation.siret" in response.json()["errors"]


def test_missing_pieces_and_bad_files(client, world):
    secret = key(world["establishment"].company)
    response = client.post(
        reverse("api:contracts"),
        {"cerfa": json.dumps(world["cerfa"]), "cerfaSigne": pdf()},
        HTTP_X_API_KEY=secret,
        **HEADERS,
    )
    assert response.status_code == 400 and "conventionFormation" in response.json()["errors"]
    response = post(client, secret, world["cerfa"], cerfaSigne=pdf("x.pdf", b"MZ nope"))
    assert response.status_code == 400 and "cerfaSigne" in response.json()["errors"]
    response = client.post(
        reverse("api:contracts"),
        {"cerfa": "{not json", "cerfaSigne": pdf(), "conventionFormation": pdf()},
        HTTP_X_API_KEY=secret,
        **HEADERS,
    )
    assert response.status_code == 400
    assert not Dossier.objects.exists()
    assert FIELD_PATHS["apprentice_nir"] == "cerfa.apprenti.nir"


def test_a_retried_deposit_with_its_idempotency_key_creates_one_contract(client, world):
    secret = key(world["establishment"].company)

    def send():
        return client.post(
            reverse("api:contracts"),
            {
                "cerfa": json.dumps(world["cerfa"]),
                "cerfaSigne": pdf("cerfa.pdf"),
                "conventionFormation": pdf("convention.pdf"),
            },
            HTTP_X_API_KEY=secret,
            HTTP_IDEMPOTENCY_KEY="contrat-42",
            **HEADERS,
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1
