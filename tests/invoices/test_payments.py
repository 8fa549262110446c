"""Payment runs (issue 13): the invoices « à payer » whose payee has a validated RIB, prepared
by one gestionnaire des règlements and approved by another (four eyes), the pain.001 file
valid against its schema, the invoices paid, the ledger's payment rows, the payee told with
its avis de virement — and two runs that cannot pay one invoice twice."""

import html
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from monespace.invoices.billing import LineInput, PieceInput, invoice_accept, invoice_deposit
from monespace.invoices.lines import provider_party
from monespace.invoices.models import (
    Invoice,
    LedgerEntry,
    Payment,
    PaymentRun,
)
from monespace.invoices.payments import PaymentError, run_approve, run_prepare
from tests.factories import StaffProfileFactory
from tests.invoices.scenario import BNP, active_rib, build, pdf

pytestmark = pytest.mark.django_db
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def text(response):
    """The page as read, French spaces (narrow, no-break) as plain ones."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def accepted_invoice(case, number="OF-77", amount="1200.00", accepted="1000.00"):
    invoice = invoice_deposit(
        actor=case["of_admin"],
        dossier=case["dossier"],
        payee=provider_party(case["dossier"]),
        number=number,
        issued_on=timezone.localdate(),
        lines=[LineInput("cost_teaching", Decimal(amount), Decimal("20"))],
        pieces=[PieceInput("invoice", pdf(), "application/pdf")],
    )
    return invoice_accept(
        actor=case["advisor"],
        invoice=invoice,
        accepted={"cost_teaching": (Decimal(accepted), "Une journée non réalisée")},
    )


@pytest.fixture
def case():
    case = build()
    case["rib"] = active_rib(case["provider"].company, "provider", holder="FORMAPRO SAS")
    case["invoice"] = accepted_invoice(case)
    case["preparer"] = StaffProfileFactory(accountant=True).user
    case["approver"] = StaffProfileFactory(accountant=True).user
    return case


def test_a_run_is_prepared_approved_by_another_and_the_of_gets_its_avis(client, case):
    invoice = case["invoice"]
    client.force_login(case["preparer"])
    page = text(client.get(reverse("backoffice:payments")))
    assert "OF-77" in page and "FR76 •••• … 0189" in page
    response = client.post(
        reverse("backoffice:payments"),
        {"invoice": [invoice.pk], "execution_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    run = PaymentRun.objects.get()
    assert (run.state, run.total, run.count) == ("prepared", Decimal("1000.00"), 1)
    invoice.refresh_from_db()
    assert invoice.payment.run == run and invoice.state == "to_pay"
    # Four eyes: the preparer cannot approve (no button, and the service refuses).
    page = text(client.get(reverse("backoffice:payment_run", args=[run.pk])))
    assert "Approuver la campagne" not in page
    client.post(reverse("backoffice:payment_run_decide", args=[run.pk]), {"action": "approve"})
    run.refresh_from_db()
    assert run.state == "prepared"
    # An advisor without the payment role: 403.
    client.force_login(case["advisor"])
    response = client.post(
        reverse("backoffice:payment_run_decide", args=[run.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    mail.outbox.clear()
    from monespace.api.models import WebhookDelivery, WebhookEndpoint

    WebhookEndpoint.objects.create(
        company=case["provider"].company,
        profile="provider",
        url="https://logiciel.exemple.fr/hook",
        events=["facture.payee"],
        secret="whsec_test",
    )
    client.force_login(case["approver"])
    client.post(reverse("backoffice:payment_run_decide", args=[run.pk]), {"action": "approve"})
    # The OF's software is told (a webhook queued for its address).
    sent = WebhookDelivery.objects.get()
    assert sent.event == "facture.payee"
    assert sent.payload["donnees"]["referenceFactureCFA"] == "OF-77"
    assert sent.payload["donnees"]["montantRegle"] == "1000.00"
    run.refresh_from_db()
    assert (run.state, run.approved_by) == ("approved", case["approver"])
    invoice.refresh_from_db()
    assert (invoice.state, invoice.paid_on) == ("paid", run.execution_date)
    # The SEPA file: valid pain.001.001.03, the OF's account, 1 000,00 €.
    response = client.get(reverse("backoffice:payment_run_sepa", args=[run.pk]))
    xml = response.content.decode()
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert "<IBAN>FR7630006000011234567890189</IBAN>" in xml
    assert '<InstdAmt Ccy="EUR">1000.00</InstdAmt>' in xml
    assert "FORMAPRO SAS" in xml and "OF-77" in xml
    # The ledger: engaged 2 000, invoiced 1 000, paid 1 000 on the teaching line.
    paid = LedgerEntry.objects.get(kind="payment")
    assert (paid.line, paid.amount, paid.invoice) == ("cost_teaching", Decimal("1000.00"), invoice)
    # The OF is told and downloads its avis de virement; the invoice reads « Payée ».
    assert any("Avis de virement" in m.subject for m in mail.outbox)
    payment = Payment.objects.get()
    client.force_login(case["of_admin"])
    page = text(client.get(reverse("www:payments")))
    assert payment.end_to_end in page and "1 000,00 €" in page
    notice = client.get(reverse("www:payment_notice", args=[payment.pk]))
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    assert "Payée" in text(client.get(reverse("www:invoice", args=[invoice.pk])))
    # The company's « Synthèse financière » for the dossier's year: engaged 2 500 €, invoiced
    # and paid 1 000 €, 1 500 € remaining — figures and chart from the ledger.
    client.force_login(case["hr"])
    page = text(client.get(reverse("www:financial_summary")))
    row = page[page.index("Montants par dispositif") :]
    assert "Action de formation" in row
    for figure in ("2 500,00 €", "1 000,00 €", "1 500,00 €"):
        assert figure in row
    assert page.count("<rect ") >= 3 + 3  # three bars and the legend's three squares
    # Not the outsider's, nor the company's (paid to the OF).
    for user in (case["outsider"], case["hr"]):
        client.force_login(user)
        assert client.get(reverse("www:payment", args=[payment.pk])).status_code == 404
        assert client.get(reverse("www:payment_notice", args=[payment.pk])).status_code == 404


def test_a_payee_without_a_validated_rib_is_left_out(client, case):
    case["rib"].delete()
    client.force_login(case["preparer"])
    page = text(client.get(reverse("backoffice:payments")))
    assert "Aucun RIB validé" in page
    with pytest.raises(PaymentError, match="RIB validé"):
        run_prepare(
            actor=case["preparer"],
            invoice_ids=[case["invoice"].pk],
            execution_date=timezone.localdate(),
        )
    assert not PaymentRun.objects.exists()


def test_a_rib_changed_after_the_preparation_stops_the_approval(case):
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    case["rib"].state = "replaced"
    case["rib"].save()
    active_rib(case["provider"].company, "provider", iban=BNP, bic="BNPAFRPP")
    with pytest.raises(PaymentError, match="a changé depuis la préparation"):
        run_approve(actor=case["approver"], run=run)
    run.refresh_from_db()
    assert run.state == "prepared" and not run.sepa_xml


def test_a_recent_rib_is_flagged_to_the_approver(client, case):
    case["rib"].decided_at = timezone.now()
    case["rib"].save()
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    assert run.payments.get().rib_recently_changed
    client.force_login(case["approver"])
    assert "moins de 30 jours" in text(client.get(reverse("backoffice:payment_run", args=[run.pk])))


def test_a_cancelled_run_releases_its_invoices(client, case):
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    client.force_login(case["approver"])
    client.post(reverse("backoffice:payment_run_decide", args=[run.pk]), {"action": "cancel"})
    run.refresh_from_db()
    case["invoice"].refresh_from_db()
    assert run.state == "cancelled" and case["invoice"].payment is None
    assert case["invoice"].state == "to_pay"


def test_bad_input(client, case):
    client.force_login(case["preparer"])
    url = reverse("backoffice:payments")
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    response = client.post(url, {"invoice": [case["invoice"].pk], "execution_date": yesterday})
    assert response.status_code == 400 and "ne peut pas être passée" in text(response)
    response = client.post(url, {"execution_date": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "au moins une facture" in text(response)
    response = client.post(
        url, {"invoice": ["abc", "999999"], "execution_date": timezone.localdate().isoformat()}
    )
    assert response.status_code == 400 and "actualisez la liste" in text(response)
    assert not PaymentRun.objects.exists()
    # Outside the back office: 404.
    client.force_login(case["of_admin"])
    assert client.get(url).status_code == 404


def test_the_ledger_refuses_updates_and_deletes(case):
    row = LedgerEntry.objects.filter(dossier=case["dossier"]).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=row.pk).update(amount=Decimal("1.00"))
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry.objects.filter(pk=row.pk).delete()
    row.refresh_from_db()
    assert row.amount != Decimal("1.00")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_cannot_pay_one_invoice_twice():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises whole transactions)")
    case = build()
    active_rib(case["provider"].company, "provider")
    invoice = accepted_invoice(case)
    first, second = (StaffProfileFactory(accountant=True).user for _ in range(2))
    claimed, results = threading.Event(), {}

    def prepare(name, actor, hold):
        try:
            with transaction.atomic():
                run_prepare(
                    actor=actor, invoice_ids=[invoice.pk], execution_date=timezone.localdate()
                )
                if hold:
                    claimed.set()
                    threading.Event().wait(0.5)  # still uncommitted while the other tries
            results[name] = "ok"
        except PaymentError as error:
            results[name] = error.message
        finally:
            connection.close()

    a = threading.Thread(target=prepare, args=("a", first, True))
    a.start()
    claimed.wait(10)
    b = threading.Thread(target=prepare, args=("b", second, False))
    b.start()
    a.join(20)
    b.join(20)
    assert results["a"] == "ok"
    assert "vient de prendre" in results["b"] or "n'est plus à payer" in results["b"]
    assert PaymentRun.objects.count() == 1 and Payment.objects.count() == 1
    assert Invoice.objects.get(pk=invoice.pk).payment.run.created_by == first


def test_the_dossier_export_carries_the_ledger(client, case):
    """« Exporter la liste (Excel) »: per dossier, invoiced, paid and what remains, in total and
    per cost line, from the ledger."""
    from io import BytesIO

    from openpyxl import load_workbook

    from monespace.exports.models import ExportJob
    from tests.helpers import read_streaming

    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    run_approve(actor=case["approver"], run=run)
    client.force_login(case["hr"])
    assert client.post(reverse("www:export_new"), {"query": ""}).status_code == 302
    job = ExportJob.objects.get()
    response = client.get(reverse("www:export_file", args=[job.pk]))
    sheet = load_workbook(BytesIO(read_streaming(response)))["Action de formation"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert (row["Montant accordé / engagé"], row["Facturé (accepté)"], row["Payé"]) == (
        2500,
        1000,
        1000,
    )
    assert row["Reste à facturer"] == 1500
    assert row["Coûts pédagogiques (HT) — facturé"] == 1000
    assert row["Coûts pédagogiques (HT) — payé"] == 1000
    assert row["Coûts pédagogiques (HT) — reste à facturer"] == 1000
    assert row["Rémunération (HT) — reste à facturer"] == 500
    assert row["Rémunération (HT) — payé"] in (None, 0)


def test_a_rib_validated_for_the_establishment_after_the_preparation_stops_the_approval(case):
    """The run was prepared on the company's RIB; the establishment's own RIB validated since
    is where its payments go now: the approval refuses to pay the old one."""
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    active_rib(
        case["provider"].company,
        "provider",
        iban=BNP,
        bic="BNPAFRPP",
        establishment=case["provider"],
    )
    with pytest.raises(PaymentError, match="a changé depuis la préparation"):
        run_approve(actor=case["approver"], run=run)


def test_a_run_whose_execution_date_has_passed_is_not_approved(case):
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    PaymentRun.objects.filter(pk=run.pk).update(
        execution_date=timezone.localdate() - timezone.timedelta(days=1)
    )
    run.refresh_from_db()
    with pytest.raises(PaymentError, match="date d'exécution de cette campagne est passée"):
        run_approve(actor=case["approver"], run=run)


def test_odd_input_never_fails(client, case):
    client.force_login(case["preparer"])
    for value in ("²", "99999999999999999999", "-1", "1e3"):
        response = client.post(
            reverse("backoffice:payments"),
            {"invoice": [value], "execution_date": timezone.localdate().isoformat()},
        )
        assert response.status_code == 400, value
    client.force_login(case["hr"])
    for year in ("0", "10000", "-5", "99999", "abc"):
        response = client.get(reverse("www:financial_summary"), {"annee": year})
        assert response.status_code == 200, year
    # The avis of a run not approved yet is nobody's, staff included.
    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    client.force_login(case["approver"])
    payment = run.payments.get()
    assert client.get(reverse("backoffice:payment_notice", args=[payment.pk])).status_code == 404


def test_payments_and_the_staff_invoice_queue_export_to_excel(client, case):
    from io import BytesIO

    from openpyxl import load_workbook

    from monespace.exports.models import ExportJob
    from tests.helpers import read_streaming

    run, _left = run_prepare(
        actor=case["preparer"],
        invoice_ids=[case["invoice"].pk],
        execution_date=timezone.localdate(),
    )
    run_approve(actor=case["approver"], run=run)

    def book(job):
        response = client.get(reverse("www:export_file", args=[job.pk]))
        return load_workbook(BytesIO(read_streaming(response)))

    client.force_login(case["of_admin"])
    assert (
        client.post(reverse("www:export_new"), {"source": "payments", "query": ""}).status_code
        == 302
    )
    job = ExportJob.objects.get(user=case["of_admin"])
    sheet = book(job)["Règlements"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["Montant"] == 1000 and row["Factures"] == "OF-77"
    assert row["Compte (IBAN masqué)"] == "FR76 •••• … 0189"
    # Another organisation's export of its payments is empty.
    client.force_login(case["outsider"])
    client.post(reverse("www:export_new"), {"source": "payments", "query": ""})
    job = ExportJob.objects.get(user=case["outsider"])
    assert book(job)["Règlements"].max_row == 1
    # Staff export the invoices' queue; users cannot ask for it.
    client.post(reverse("www:export_new"), {"source": "staff_invoices", "query": ""})
    assert not ExportJob.objects.filter(user=case["outsider"], source="staff_invoices").exists()
    client.force_login(case["advisor"])
    client.post(reverse("www:export_new"), {"source": "staff_invoices", "query": "etat=paid"})
    job = ExportJob.objects.get(user=case["advisor"])
    rows = list(book(job)["Factures"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["OF-77"]
