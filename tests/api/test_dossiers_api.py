"""The key's status, the training actions read-only, and documents attached by the software
(issue 14): within the key's organisation only, checked like the portal's upload."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.models import Document
from monespace.organizations.api_keys import api_key_create
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory
from tests.invoices.scenario import PDF, pdf

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def key(company, profile="member", **scopes):
    admin = MembershipFactory(company=company, is_admin=True, profile=profile).user
    _key, secret = api_key_create(
        actor=admin,
        company=company,
        profile=profile,
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes=scopes,
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return secret


@pytest.fixture
def world():
    mine = EstablishmentFactory(member=True, company__name="A")
    provider = EstablishmentFactory(provider=True, company__name="FORMAPRO")
    theirs = EstablishmentFactory(member=True, company__name="B")
    return {
        "mine": mine,
        "provider": provider,
        "sent": DossierFactory(
            establishment=mine,
            submitted=True,
            provider_establishment=provider,
            training__direct_payment=True,
        ),
        "draft": DossierFactory(establishment=mine),
        "theirs": DossierFactory(establishment=theirs, submitted=True),
    }


def test_status_and_training_actions(client, world):
    secret = key(world["mine"].company, can_read_contracts=True)

    def api(url):
        return client.get(url, HTTP_X_API_KEY=secret, **HEADERS)

    status = api(reverse("api:status")).json()
    assert status["statut"] == "OK" and status["cle"]["droits"] == ["can_read_contracts"]
    assert status["organisation"]["siren"] == world["mine"].company.siren
    rows = api(reverse("api:training_actions")).json()["results"]
    assert [r["numeroInterne"] for r in rows] == [world["sent"].number]  # not the draft, not B's
    row = rows[0]
    assert row["etat"] == "TRANSMIS" and row["subrogation"] is True
    assert row["lignes"] == [
        {
            "ligne": "cost_teaching",
            "libelle": "Coûts pédagogiques (HT)",
            "montantDemande": "1000.00",
        }
    ]
    assert api(reverse("api:training_action", args=[world["sent"].number])).status_code == 200
    for other in (world["theirs"], world["draft"]):
        url = reverse("api:training_action", args=[other.number or "x"])
        assert api(url).status_code == 404
    # The training organisation's key reads the dossiers naming it.
    provider_secret = key(world["provider"].company, "provider", can_read_contracts=True)
    listed = client.get(
        reverse("api:training_actions"), HTTP_X_API_KEY=provider_secret, **HEADERS
    ).json()
    assert [r["numeroInterne"] for r in listed["results"]] == [world["sent"].number]
    # Without a key: 401; a key without the scope: 403.
    assert client.get(reverse("api:status"), **HEADERS).status_code == 401
    no_scope = key(world["mine"].company, can_read_invoices=True)
    assert (
        client.get(reverse("api:training_actions"), HTTP_X_API_KEY=no_scope, **HEADERS).status_code
        == 403
    )


def test_the_software_attaches_a_document(client, world):
    secret = key(world["mine"].company, can_deposit_contracts=True)
    url = reverse("api:dossier_documents", args=[world["sent"].number])

    def post(target=url, **fields):
        data = {"type": "programme", "titre": "Programme", "fichier": pdf(), **fields}
        return client.post(target, data, HTTP_X_API_KEY=secret, **HEADERS)

    response = post()
    assert response.status_code == 201, response.content
    assert response.json()["titre"] == "Programme"
    document = Document.objects.get()
    assert (document.dossier, document.piece_type) == (world["sent"], "programme")
    with document.file.open("rb") as stream:
        assert stream.read() == PDF
    # Bad input, answered per field; nothing saved.
    response = post(fichier=pdf("x.pdf", b"MZ not allowed"))
    assert response.status_code == 400 and "fichier" in response.json()["errors"]
    response = post(type="letter")
    assert response.status_code == 400 and "type" in response.json()["errors"]
    response = post(titre="")
    assert response.status_code == 400 and "titre" in response.json()["errors"]
    # Another company's dossier, a draft: 404.
    for other in (world["theirs"].number, "2026-AF-000000"):
        response = post(reverse("api:dossier_documents", args=[other]))
        assert response.status_code == 404
    assert Document.objects.count() == 1
    # A key that may only read: 403.
    reader = key(world["mine"].company, can_read_contracts=True)
    response = client.post(
        url, {"type": "programme", "titre": "X", "fichier": pdf()}, HTTP_X_API_KEY=reader, **HEADERS
    )
    assert response.status_code == 403
