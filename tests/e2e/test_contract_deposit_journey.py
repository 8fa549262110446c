"""The API for CFA software, end to end in Chromium (issue 14): the CFA's administrator
creates a key allowed to deposit contracts (shown once), the CFA's software deposits a contract
of a company that attached it with the « mandat de gestion » (test client), and the contract
appears, transmitted, in the company's « Mes dossiers »."""

import json
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from monespace.organizations.models import Delegation
from tests.api.test_contract_deposit_api import payload_from
from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import ContractFactory, EstablishmentFactory, MembershipFactory
from tests.invoices.scenario import pdf

pytestmark = pytest.mark.django_db(transaction=True)
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def test_a_contract_deposited_by_the_cfa_software_is_in_the_company_s_lists(live_server, page):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    cfa = EstablishmentFactory(provider=True, uai="0751234J", company__name="CFA DES METIERS")
    Delegation.objects.create(
        company=establishment.company,
        delegate=cfa.company,
        kind="cfa",
        status="active",
        can_view_apprenticeship=True,
        can_edit_apprenticeship=True,
        apprenticeship_mandate=True,
    )
    model = ContractFactory(establishment=establishment, provider_establishment=cfa)
    cerfa = payload_from(model)
    cerfa["organismeFormation"]["siret"] = cfa.siret
    cerfa["apprenti"]["nom"] = "DEPOSEPARAPI"
    model.delete()
    cfa_admin = MembershipFactory(company=cfa.company, profile="provider", is_admin=True).user
    company_user = MembershipFactory(
        company=establishment.company, can_view_apprenticeship=True
    ).user

    sign_in(page, live_server, cfa_admin.email)
    page.goto(f"{live_server.url}/administration/")
    page.get_by_role("link", name=re.compile("CFA DES METIERS")).first.click()
    page.get_by_role("link", name="Clés API").click()
    page.get_by_label("Nom de la clé").fill("YPAREO")
    page.get_by_label("Éditeur du logiciel").fill("Ymag")
    page.get_by_label("Logiciel", exact=True).fill("YPAREO")
    page.get_by_label("Déposer des contrats et des documents").check()
    page.get_by_role("button", name="Créer la clé").click()
    secret = page.get_by_label("Clé à saisir dans le logiciel").input_value()
    assert_accessible(page)
    sign_out(page)

    response = Client().post(
        "/api/v1/contrats/",
        {
            "cerfa": json.dumps(cerfa),
            "cerfaSigne": pdf("cerfa.pdf"),
            "conventionFormation": pdf("convention.pdf"),
        },
        HTTP_X_API_KEY=secret,
        HTTP_IDEMPOTENCY_KEY="contrat-1",
        **HEADERS,
    )
    assert response.status_code == 201, response.content
    number = response.json()["numeroInterne"]
    assert response.json()["etat"] == "TRANSMIS"

    sign_in(page, live_server, company_user.email)
    page.goto(f"{live_server.url}/dossiers/")
    row = page.get_by_role("row", name=re.compile(number))
    expect(row).to_contain_text("Transmis")
    row.get_by_role("link").first.click()
    expect(page.get_by_text("DEPOSEPARAPI").first).to_be_visible()
    assert_accessible(page)
