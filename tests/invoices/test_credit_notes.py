"""« Avoirs » (issue 13): the issuer deposits a credit note against a line of its accepted or
paid invoice; what was invoiced goes down at once in the ledger, and the amount is deducted
from the next transfer to the same payee (the SEPA file carries the net amount, the avis lists
it). Bad input and double deposits are refused; only the issuer deposits."""

import html
from decimal import Decimal

import pytest
import xmlschema
from django.urls import reverse
from django.utils import timezone

from monespace.invoices import ledger
from monespace.invoices.models import CreditNote, Payment
from monespace.invoices.payments import PaymentError, run_approve, run_prepare
from tests.factories import StaffProfileFactory
from tests.invoices.scenario import PNG, active_rib, build, pdf
from tests.invoices.test_payments import XSD, accepted_invoice

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def case():
    case = build()
    active_rib(case["provider"].company, "provider", holder="FORMAPRO SAS")
    case["invoice"] = accepted_invoice(case)  # 1 200 € invoiced, 1 000 € accepted
    case["preparer"] = StaffProfileFactory(accountant=True).user
    case["approver"] = StaffProfileFactory(accountant=True).user
    return case


def post(client, case, **extra):
    data = {
        "line": "cost_teaching",
        "amount": "200,00",
        "number": "AV-1",
        "issued_on": timezone.localdate().isoformat(),
        "reason": "Journée annulée",
        "file": pdf("avoir.pdf"),
        **extra,
    }
    return client.post(reverse("www:credit_note_new", args=[case["invoice"].pk]), data)


def pay(case, invoices):
    run, left_out = run_prepare(
        actor=case["preparer"],
        invoice_ids=[i.pk for i in invoices],
        execution_date=timezone.localdate(),
    )
    return run_approve(actor=case["approver"], run=run), left_out


def test_a_credit_note_lowers_what_was_invoiced_and_the_next_transfer(client, case):
    client.force_login(case["of_admin"])
    page = text(client.get(reverse("www:invoice", args=[case["invoice"].pk])))
    assert "Déposer un avoir" in page
    response = post(client, case)
    assert response.status_code == 302, text(response)
    note = CreditNote.objects.get()
    balance = ledger.balance_of(case["dossier"])["cost_teaching"]
    assert (balance.engaged, balance.invoiced) == (Decimal("2000.00"), Decimal("800.00"))
    assert "Journée annulée" in text(client.get(reverse("www:invoice", args=[case["invoice"].pk])))
    # Beyond what remains accepted on the line (1 000 − 200), and the same number: refused.
    response = post(client, case, number="AV-2", amount="800,01")
    assert response.status_code == 400 and "800,00 €" in text(response)
    response = post(client, case, number="av-1")
    assert response.status_code == 400 and "déjà déposé un avoir" in text(response)
    assert CreditNote.objects.count() == 1
    # The next run: the first invoice (1 000 €) less the credit note (200 €) = 800 €.
    run, _left = pay(case, [case["invoice"]])
    payment = Payment.objects.get(run=run)
    assert payment.amount == Decimal("800.00") and "moins avoirs AV-1" in payment.remittance
    xmlschema.XMLSchema(str(XSD)).validate(run.sepa_xml)
    assert '<InstdAmt Ccy="EUR">800.00</InstdAmt>' in run.sepa_xml
    note.refresh_from_db()
    assert note.payment == payment
    balance = ledger.balance_of(case["dossier"])["cost_teaching"]
    assert (balance.invoiced, balance.paid) == (Decimal("800.00"), Decimal("800.00"))
    page = text(client.get(reverse("www:payment", args=[payment.pk])))
    assert "Avoirs déduits" in page and "AV-1" in page and "−200,00 €" in page
    # Deducted once: a later invoice is paid in full.
    later = accepted_invoice(case, number="OF-78", amount="300.00", accepted="300.00")
    run, _left = pay(case, [later])
    assert Payment.objects.get(run=run).amount == Decimal("300.00")


def test_a_credit_note_above_the_invoices_leaves_the_payee_out(case):
    case["invoice"].refresh_from_db()
    from monespace.invoices.billing import PieceInput, credit_note_deposit

    pay(case, [case["invoice"]])
    credit_note_deposit(
        actor=case["of_admin"],
        invoice=case["invoice"],
        line="cost_teaching",
        number="AV-9",
        issued_on=timezone.localdate(),
        amount=Decimal("900.00"),
        reason="Formation annulée",
        piece=PieceInput("credit", pdf(), "application/pdf"),
    )
    small = accepted_invoice(case, number="OF-79", amount="100.00", accepted="100.00")
    with pytest.raises(PaymentError, match="avoirs dépassent"):
        run_prepare(
            actor=case["preparer"], invoice_ids=[small.pk], execution_date=timezone.localdate()
        )
    assert CreditNote.objects.get().payment is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount": "0"}, "supérieur à zéro"),
        ({"amount": "-5"}, "ne peut pas être négatif"),
        ({"amount": ""}, "obligatoire"),
        ({"line": "cost_pay"}, "Sélectionnez un choix valide"),
        ({"issued_on": "2099-01-01"}, "dans le futur"),
        ({"file": pdf("avoir.png", PNG)}, "L'avoir se dépose au format PDF"),
        ({"reason": ""}, "obligatoire"),
    ],
)
def test_bad_input_saves_nothing(client, case, extra, message):
    client.force_login(case["of_admin"])
    response = post(client, case, **extra)
    assert response.status_code == 400 and message in text(response)
    assert not CreditNote.objects.exists()
    assert ledger.balance_of(case["dossier"])["cost_teaching"].invoiced == Decimal("1000.00")


def test_only_the_issuer_deposits_one(client, case):
    url = reverse("www:credit_note_new", args=[case["invoice"].pk])
    client.force_login(case["hr"])  # reads the invoice, did not issue it
    assert client.get(url).status_code == 403
    client.force_login(case["outsider"])
    assert client.get(url).status_code == 404
    client.force_login(case["of_admin"])
    post(client, case)
    note = CreditNote.objects.get()
    file_url = reverse("www:credit_note_file", args=[case["invoice"].pk, note.pk])
    from tests.helpers import read_streaming

    assert read_streaming(client.get(file_url)).startswith(b"%PDF")
    client.force_login(case["outsider"])
    assert client.get(file_url).status_code == 404
