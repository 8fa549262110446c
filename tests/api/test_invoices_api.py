"""/api/v1/factures/etats (issue 14): a CFA's or OF's software reads the states of the invoices
its organisation issued, a company's those of its dossiers, with a key allowed to read invoices;
filters by state and dossier; refusals as problems."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.invoices.billing import LineInput, PieceInput, invoice_accept, invoice_deposit
from monespace.invoices.lines import provider_party
from monespace.invoices.payments import run_approve, run_prepare
from monespace.organizations.api_keys import api_key_create
from tests.factories import StaffProfileFactory
from tests.invoices.scenario import active_rib, build, pdf

pytestmark = pytest.mark.django_db
HEADERS = {"HTTP_EDITEUR": "Ymag", "HTTP_LOGICIEL": "YPAREO", "HTTP_VERSION": "7.2"}


def key(user, company, profile, **scopes):
    _key, secret = api_key_create(
        actor=user,
        company=company,
        profile=profile,
        name="K",
        publisher="Ymag",
        software="YPAREO",
        scopes=scopes,
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return secret


def deposit(case, number, amount="500.00"):
    return invoice_deposit(
        actor=case["of_admin"],
        dossier=case["dossier"],
        payee=provider_party(case["dossier"]),
        number=number,
        issued_on=timezone.localdate(),
        lines=[LineInput("cost_teaching", Decimal(amount), Decimal("20"))],
        pieces=[PieceInput("invoice", pdf(), "application/pdf")],
    )


def test_the_states_of_the_organisation_s_invoices(client):
    case = build()
    active_rib(case["provider"].company, "provider")
    paid = invoice_accept(actor=case["advisor"], invoice=deposit(case, "OF-1"), accepted={})
    deposit(case, "OF-2")
    run, _left = run_prepare(
        actor=StaffProfileFactory(accountant=True).user,
        invoice_ids=[paid.pk],
        execution_date=timezone.localdate(),
    )
    run_approve(actor=StaffProfileFactory(accountant=True).user, run=run)
    of_secret = key(case["of_admin"], case["provider"].company, "provider", can_read_invoices=True)
    url = reverse("api:invoice_states")

    def api(secret, **params):
        return client.get(url, params, HTTP_X_API_KEY=secret, **HEADERS)

    rows = {r["referenceFactureCFA"]: r for r in api(of_secret).json()["results"]}
    assert set(rows) == {"OF-1", "OF-2"}
    assert rows["OF-1"]["etatFacture"] == "REGLE" and rows["OF-2"]["etatFacture"] == "DEPOSEE"
    assert rows["OF-1"]["montantFacture"] == "600.00" and rows["OF-1"]["montantAccepte"] == "500.00"
    assert rows["OF-1"]["referenceVirement"].startswith(run.reference)
    assert rows["OF-1"]["organismeFormation"]["siret"] == case["provider"].siret
    assert rows["OF-1"]["organismeFormation"]["IBAN"] == "FR76 •••• … 0189"
    assert rows["OF-1"]["dossiers"] == [
        {"numeroInterneDossier": case["dossier"].number, "montant": "500.00"}
    ]
    only = api(of_secret, etat="REGLE").json()["results"]
    assert [r["referenceFactureCFA"] for r in only] == ["OF-1"]
    assert api(of_secret, numeroDossier="2026-AF-000000").json()["results"] == []
    # Refusals: an unknown state or parameter (400), a key without the invoice scope (403).
    response = api(of_secret, etat="PAYEE")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert api(of_secret, tri="x").status_code == 400
    contracts_only = key(
        case["of_admin"], case["provider"].company, "provider", can_read_contracts=True
    )
    assert api(contracts_only).status_code == 403
    # The company's key reads the invoices of its dossiers; another company's, none.
    company_admin = case["hr"]
    from tests.factories import MembershipFactory

    admin = MembershipFactory(company=case["company"], is_admin=True).user
    company_secret = key(admin, case["company"], "member", can_read_invoices=True)
    assert {r["referenceFactureCFA"] for r in api(company_secret).json()["results"]} == {
        "OF-1",
        "OF-2",
    }
    other = MembershipFactory(is_admin=True)
    other_secret = key(other.user, other.company, "member", can_read_invoices=True)
    assert api(other_secret).json()["results"] == []
    assert company_admin  # the company's reader exists (scenario)


def test_a_cfa_software_deposits_an_invoice_with_the_web_form_s_rules(client):
    """POST /api/v1/factures/: the same checks as « Déposer une facture » (what remains to
    invoice, the number once, the PDF), errors per field path; an Idempotency-Key replays the
    first answer and refuses another content."""
    from monespace.invoices.models import Invoice

    case = build()
    secret = key(case["of_admin"], case["provider"].company, "provider", can_deposit_invoices=True)
    url = reverse("api:invoice_deposit")

    def post(extra_headers=None, **fields):
        data = {
            "numeroDossier": case["dossier"].number,
            "numeroFacture": "OF-API-1",
            "dateFacture": timezone.localdate().isoformat(),
            "lignes": '[{"ligne": "cost_teaching", "montantHT": "1200.00", "tauxTVA": "20"}]',
            "attestationConservationPieces": "true",
            "fichier": pdf(),
            **fields,
        }
        return client.post(url, data, HTTP_X_API_KEY=secret, **HEADERS, **(extra_headers or {}))

    response = post(lignes='[{"ligne": "cost_teaching", "montantHT": "2500", "tauxTVA": "20"}]')
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert "reste à facturer" in errors["lignes[0].montantHT"][0]
    response = post(lignes='[{"ligne": "cost_pay", "montantHT": "10", "tauxTVA": "0"}]')
    assert response.status_code == 400 and "lignes[0].ligne" in response.json()["errors"]
    response = post(lignes='[{"ligne": "cost_teaching", "montantHT": "10", "tauxTVA": "300"}]')
    assert response.status_code == 400 and "lignes" in str(response.json()["errors"])
    response = post(fichier=pdf("f.pdf", b"MZ not a pdf"))
    assert response.status_code == 400 and "fichier" in response.json()["errors"]
    response = post(numeroDossier="2026-AF-000000")
    assert response.status_code == 400 and "numeroDossier" in response.json()["errors"]
    response = post(attestationConservationPieces="false")
    assert "attestationConservationPieces" in response.json()["errors"]
    assert not Invoice.objects.exists()

    headers = {"HTTP_IDEMPOTENCY_KEY": "depot-42"}
    first = post(headers)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["referenceFactureCFA"], body["etatFacture"], body["montantFacture"]) == (
        "OF-API-1",
        "DEPOSEE",
        "1440.00",
    )
    # The same request again (a retry after a lost answer): the same answer, no second invoice.
    again = post(headers)
    assert again.status_code == 201 and again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1
    # The same key with another content: 409.
    response = post(headers, numeroFacture="OF-API-2")
    assert response.status_code == 409 and response["Content-Type"] == "application/problem+json"
    # Without the key, the number is refused a second time.
    response = post()
    assert response.status_code == 400 and "numeroFacture" in response.json()["errors"]
    invoice = Invoice.objects.get()
    assert (invoice.payee_profile, invoice.deposited_by, invoice.pieces.count()) == (
        "provider",
        None,
        1,
    )
    # A key without the deposit scope, or of another organisation.
    reader = key(case["of_admin"], case["provider"].company, "provider", can_read_invoices=True)
    response = client.post(url, {}, HTTP_X_API_KEY=reader, **HEADERS)
    assert response.status_code == 403
    from tests.factories import MembershipFactory

    other = MembershipFactory(is_admin=True, profile="provider")
    other_secret = key(other.user, other.company, "provider", can_deposit_invoices=True)
    response = client.post(
        url,
        {
            "numeroDossier": case["dossier"].number,
            "numeroFacture": "X-1",
            "dateFacture": timezone.localdate().isoformat(),
            "lignes": '[{"ligne": "cost_teaching", "montantHT": "10", "tauxTVA": "20"}]',
            "attestationConservationPieces": "true",
            "fichier": pdf(),
        },
        HTTP_X_API_KEY=other_secret,
        **HEADERS,
    )
    assert response.status_code == 400 and "numeroDossier" in response.json()["errors"]
    assert Invoice.objects.count() == 1


def test_odd_lines_and_a_key_in_progress(client):
    from monespace.api.models import IdempotencyRecord
    from monespace.organizations.models import ApiKey

    case = build()
    secret = key(case["of_admin"], case["provider"].company, "provider", can_deposit_invoices=True)
    url = reverse("api:invoice_deposit")

    def post(lignes, **extra):
        data = {
            "numeroDossier": case["dossier"].number,
            "numeroFacture": "OF-API-9",
            "dateFacture": timezone.localdate().isoformat(),
            "lignes": lignes,
            "attestationConservationPieces": "true",
            "fichier": pdf(),
        }
        return client.post(url, data, HTTP_X_API_KEY=secret, **HEADERS, **extra)

    response = post("[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    response = post('[{"ligne": "cost_teaching", "montantHT": 1e400, "tauxTVA": "20"}]')
    assert response.status_code == 400 and "lignes[0].montantHT" in response.json()["errors"]
    response = post('[{"ligne": "cost_teaching", "montantHT": "1"}]')
    assert "lignes[0].tauxTVA" in response.json()["errors"]
    # The same key while the first request is still being processed: 409, nothing done.
    IdempotencyRecord.objects.create(
        api_key=ApiKey.objects.get(company=case["provider"].company),
        key="k-1",
        request=f"POST {url}",
        fingerprint="x",
        status=0,
    )
    lines = '[{"ligne": "cost_teaching", "montantHT": "10", "tauxTVA": "20"}]'
    response = post(lines, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 409
