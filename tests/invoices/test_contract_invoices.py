"""A CFA invoices its apprenticeship contract's échéances (issue 13): each échéance of the
frozen commitment is engaged in the ledger, invoiced once due by the CFA only, never above its
amount; the company reads the invoice, not the CFA's other clients."""

import html
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.models import ApprenticeshipContract, FundingCommitment, Instalment
from monespace.invoices import ledger
from monespace.invoices.models import Invoice
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
    npec_for,
    ready_to_transmit,
)
from tests.invoices.scenario import pdf

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def contract(client):
    npec_for(amount="7300.00")
    establishment = EstablishmentFactory(member=True)
    cfa = EstablishmentFactory(provider=True, uai="0751234J")
    dossier = ContractFactory(
        establishment=establishment, submitted=True, provider_establishment=cfa
    )
    ready_to_transmit(dossier)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(complete_on=timezone.localdate())
    client.force_login(StaffProfileFactory().user)
    response = client.post(reverse("backoffice:dossier_approve", args=[dossier.pk]), {})
    assert response.status_code == 302
    commitment = FundingCommitment.objects.get(dossier=dossier)
    # E1 is due (the advance), the others later.
    instalments = list(commitment.instalments.order_by("due_on", "code"))
    Instalment.objects.filter(pk=instalments[0].pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    Instalment.objects.filter(pk__in=[i.pk for i in instalments[1:]]).update(
        due_on=timezone.localdate() + timedelta(days=30)
    )
    return {
        "dossier": dossier,
        "first": instalments[0],
        "cfa_user": MembershipFactory(
            company=cfa.company, profile="provider", can_view_invoices=True, apprenticeship=True
        ).user,
        "company_user": MembershipFactory(
            company=establishment.company, can_view_invoices=True, apprenticeship=True
        ).user,
    }


def post(client, contract, amount, number="CFA-2026-1"):
    return client.post(
        reverse("www:invoice_deposit", args=[contract["dossier"].pk]),
        {
            "number": number,
            "issued_on": timezone.localdate().isoformat(),
            f"line_{contract['first'].code}": amount,
            f"line_{contract['first'].code}_vat": "0",
            "invoice_file": pdf(),
            "certify": "on",
        },
    )


def test_the_cfa_invoices_a_due_echeance_within_its_amount(client, contract):
    first = contract["first"]
    balance = ledger.balance_of(contract["dossier"])
    # Every échéance is engaged in the ledger; the total is the commitment's.
    assert balance[first.code].engaged == first.amount
    assert ledger.total(balance).engaged == FundingCommitment.objects.get().total
    client.force_login(contract["cfa_user"])
    page = text(client.get(reverse("www:invoice_deposit", args=[contract["dossier"].pk])))
    assert f"line_{first.code}" in page and "line_E2" not in page  # E2 is not due yet
    response = post(client, contract, str(first.amount + Decimal("0.01")))
    assert response.status_code == 400 and "reste à facturer" in text(response)
    response = post(client, contract, str(first.amount))
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert (invoice.payee_profile, invoice.kind, invoice.total_ht) == (
        "provider",
        "apprenticeship",
        first.amount,
    )
    # The company reads it on its contract's « Factures » tab; it invoices nothing itself.
    client.force_login(contract["company_user"])
    page = text(
        client.get(reverse("www:dossier", args=[contract["dossier"].pk]) + "?onglet=factures")
    )
    assert "CFA-2026-1" in page and "Situation financière du dossier" in page
    assert (
        client.get(reverse("www:invoice_deposit", args=[contract["dossier"].pk])).status_code == 403
    )


def test_an_echeance_keeps_its_code_through_an_avenant_and_a_rupture(client):
    """Invoices and the ledger refer to an échéance by its code: a new version of the
    commitment never gives a kept échéance's code to another one (no amount slides from one
    code to another, nothing can be invoiced twice)."""
    from monespace.dossiers.funding.services import commitment_on_rupture
    from monespace.dossiers.models import ContractRupture, Dossier
    from tests.www.test_funding import approve
    from tests.www.test_funding import scene as funding_scene

    scene = funding_scene.__wrapped__()
    dossier = scene["dossier"]
    approve(client, scene)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    client.force_login(scene["company_user"])
    client.post(
        reverse("www:contract_amendment", args=[dossier.pk]), {"avenant-contract_type": "35"}
    )
    avenant = Dossier.objects.latest("pk")
    ApprenticeshipContract.objects.filter(dossier=avenant).update(
        meals=200, amendment_effect_date=dossier.start_date + timedelta(days=500)
    )
    Dossier.objects.filter(pk=avenant.pk).update(state="submitted", number="2026-CA-999001")
    client.force_login(scene["advisor"])
    response = client.post(reverse("backoffice:dossier_approve", args=[avenant.pk]), {})
    assert response.status_code == 302
    ContractRupture.objects.create(
        dossier=dossier,
        rupture_date=dossier.start_date + timedelta(days=620),
        reason="agreement",
        initiated_by="both",
    )
    commitment_on_rupture(actor=scene["advisor"], dossier=dossier)
    versions = list(FundingCommitment.objects.filter(dossier=dossier).order_by("version"))
    assert len(versions) == 3
    for older, newer in pairwise(versions):
        before = {i.code: (i.due_on, i.amount) for i in older.instalments.all()}
        after = {i.code: (i.due_on, i.amount) for i in newer.instalments.all()}
        assert len(after) == newer.instalments.count()  # codes unique within a version
        for code, (due_on, amount) in after.items():
            if code in before and before[code][0] <= dossier.start_date + timedelta(days=500):
                assert (due_on, amount) == before[code], code
    # The ledger's engaged amount per code is the last version's.
    last = {i.code: i.amount for i in versions[-1].instalments.all()}
    engaged = {code: b.engaged for code, b in ledger.balance_of(dossier).items() if b.engaged}
    assert engaged == {code: amount for code, amount in last.items() if amount}


def test_a_professionalisation_contract_is_invoiced_by_the_organisation_and_the_employer(
    client,
):
    """The training échéance (F1) by the training organisation, the tutoring (T1) by the
    employer, each once due and within its amount."""
    from monespace.dossiers.professionalisation.services import contract_approve
    from tests.factories import ProContractFactory, pieces_attached

    establishment = EstablishmentFactory(member=True)
    provider = EstablishmentFactory(provider=True)
    dossier = ProContractFactory(
        establishment=establishment, submitted=True, provider_establishment=provider
    )
    pieces_attached(dossier)
    contract_approve(actor=StaffProfileFactory().user, dossier=dossier)
    commitment = FundingCommitment.objects.get(dossier=dossier)
    codes = {i.code: i for i in commitment.instalments.all()}
    assert set(codes) == {"F1", "T1"}
    assert ledger.balance_of(dossier)["F1"].engaged == codes["F1"].amount == Decimal("3660.00")
    Instalment.objects.filter(commitment=commitment).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    of_user = MembershipFactory(
        company=provider.company,
        profile="provider",
        can_view_invoices=True,
        professionalisation=True,
    ).user
    company_user = MembershipFactory(
        company=establishment.company, can_view_invoices=True, professionalisation=True
    ).user
    url = reverse("www:invoice_deposit", args=[dossier.pk])
    client.force_login(of_user)
    page = text(client.get(url))
    assert "line_F1" in page and "line_T1" not in page
    response = client.post(
        url,
        {
            "number": "OF-2026-7",
            "issued_on": timezone.localdate().isoformat(),
            "line_F1": "3660,00",
            "line_F1_vat": "0",
            "invoice_file": pdf(),
            "certify": "on",
        },
    )
    assert response.status_code == 302, text(response)
    invoice = Invoice.objects.get()
    assert (invoice.payee_profile, invoice.kind) == ("provider", "professionalisation")
    client.force_login(company_user)
    page = text(client.get(url))
    assert "line_T1" in page and "line_F1" not in page
