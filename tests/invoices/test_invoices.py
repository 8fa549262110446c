"""« Déposer une facture » and its control (issue 13): the payee decided by subrogation, each
line checked against what remains committed, salaries as hourly cost × hours attended, the
invoice number once per issuer, bad input answered next to the field with nothing saved, the
advisor's partial acceptance with a reason, the rejection, and who may."""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monespace.invoices import ledger
from monespace.invoices.billing import invoice_accept
from monespace.invoices.models import Invoice, InvoiceLine, InvoicePiece, LedgerEntry
from tests.helpers import read_streaming
from tests.invoices.scenario import PDF, PNG, build, pdf

pytestmark = pytest.mark.django_db


def text(response):
    """The page as read, French spaces (narrow, no-break) as plain ones."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def case():
    return build()


def today():
    return timezone.localdate().isoformat()


def company_post(client, case, **extra):
    trainee = case["trainee"]
    data = {
        "number": "F-2026-001",
        "issued_on": today(),
        f"pay_{trainee.pk}_hourly": "25,50",
        f"pay_{trainee.pk}_hours": "14",
        "line_cost_pay_vat": "0",
        "invoice_file": pdf(),
        "certify": "on",
        **extra,
    }
    return client.post(reverse("www:invoice_deposit", args=[case["dossier"].pk]), data)


def of_post(client, case, **extra):
    data = {
        "number": "OF-77",
        "issued_on": today(),
        "line_cost_teaching": "1 200,00",
        "line_cost_teaching_vat": "20",
        "invoice_file": pdf(),
        "completion_file": pdf("certificat.pdf"),
        "certify": "on",
        **extra,
    }
    return client.post(reverse("www:invoice_deposit", args=[case["dossier"].pk]), data)


def test_the_company_invoices_the_salaries_and_the_of_the_teaching(client, case):
    # Subrogation: the company's form has the pay line only, the OF's the teaching only.
    client.force_login(case["hr"])
    page = text(client.get(reverse("www:invoice_deposit", args=[case["dossier"].pk])))
    assert "Rémunération" in page and "line_cost_teaching" not in page
    assert "salaire horaire chargé" in page.lower()
    response = company_post(client, case)
    assert response.status_code == 302, text(response)
    invoice = Invoice.objects.get()
    assert (invoice.payee_company, invoice.payee_profile) == (case["company"], "member")
    line = invoice.lines.get()
    # 25,50 € × 14 h = 357,00 €, the details kept for the advisor.
    assert (line.code, line.amount_ht, line.amount_ttc) == (
        "cost_pay",
        Decimal("357.00"),
        Decimal("357.00"),
    )
    assert line.details[0]["name"] == "MARTIN Léa" and line.details[0]["amount"] == "357.00"
    assert invoice.state == "deposited"
    assert (
        read_streaming(
            client.get(reverse("www:invoice_piece", args=[invoice.pk, invoice.pieces.get().pk]))
        )
        == PDF
    )

    client.force_login(case["of_admin"])
    page = text(client.get(reverse("www:invoice_deposit", args=[case["dossier"].pk])))
    assert "Coûts pédagogiques" in page and "line_cost_pay" not in page
    response = of_post(client, case)
    assert response.status_code == 302, text(response)
    of_invoice = Invoice.objects.get(number="OF-77")
    assert (of_invoice.payee_company, of_invoice.payee_profile) == (
        case["provider"].company,
        "provider",
    )
    assert (of_invoice.total_ht, of_invoice.total_tva, of_invoice.total_ttc) == (
        Decimal("1200.00"),
        Decimal("240.00"),
        Decimal("1440.00"),
    )
    assert of_invoice.pieces.count() == 2
    # The OF sees its invoice only; the company sees both (its dossier's).
    page = text(client.get(reverse("www:invoices")))
    assert "OF-77" in page and "F-2026-001" not in page
    client.force_login(case["hr"])
    page = text(client.get(reverse("www:invoices")))
    assert "OF-77" in page and "F-2026-001" in page
    assert "1 200,00 €" in page
    # Filters: by state tab, dispositif and number (of the invoice or of the dossier).
    page = text(client.get(reverse("www:invoices"), {"dispositif": "apprenticeship"}))
    assert "OF-77" not in page and "Aucune facture à afficher" in page
    page = text(client.get(reverse("www:invoices"), {"q": " of-77 "}))
    assert "OF-77" in page and "F-2026-001" not in page
    page = text(client.get(reverse("www:invoices"), {"q": case["dossier"].number}))
    assert "OF-77" in page and "F-2026-001" in page
    page = text(client.get(reverse("www:invoices"), {"etat": "payees"}))
    assert "OF-77" not in page and "Payées (0)" in page and "En contrôle (2)" in page


def test_without_subrogation_the_company_invoices_the_teaching_with_the_receipted_invoice(client):
    case = build(direct_payment=False)
    client.force_login(case["hr"])
    page = text(client.get(reverse("www:invoice_deposit", args=[case["dossier"].pk])))
    assert "Coûts pédagogiques" in page and "Facture acquittée" in page
    response = company_post(client, case, line_cost_teaching="2000", line_cost_teaching_vat="0")
    assert response.status_code == 400 and "Ce champ est obligatoire" in text(response)
    response = company_post(
        client,
        case,
        line_cost_teaching="2000",
        line_cost_teaching_vat="0",
        receipted_file=pdf("acquittee.pdf"),
    )
    assert response.status_code == 302
    assert Invoice.objects.get().lines.count() == 2
    # The OF invoices nothing on this dossier it sees (as its provider): a 403.
    client.force_login(case["of_admin"])
    assert client.get(reverse("www:invoice_deposit", args=[case["dossier"].pk])).status_code == 403


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"line_cost_teaching": "2 000,01"}, "line_cost_teaching", "reste à facturer"),
        ({"line_cost_teaching": "-5"}, "line_cost_teaching", "ne peut pas être négatif"),
        ({"line_cost_teaching": "12345678901234567890"}, "line_cost_teaching", "trop grand"),
        ({"line_cost_teaching": "abc"}, "line_cost_teaching", "Saisissez un montant"),
        ({"line_cost_teaching_vat": "300"}, "line_cost_teaching_vat", "taux de TVA de la liste"),
        ({"line_cost_teaching": ""}, None, "au moins une ligne"),
        ({"issued_on": "2099-01-01"}, "issued_on", "dans le futur"),
        ({"issued_on": "31/02/2026"}, "issued_on", "date valide"),
        ({"invoice_file": ""}, "invoice_file", "obligatoire"),
        ({"invoice_file": pdf("f.png", PNG)}, "invoice_file", "La facture se dépose au format PDF"),
        ({"invoice_file": pdf("f.pdf", b"MZ\x90\x00 not a pdf")}, "invoice_file", "pas accepté"),
        ({"invoice_file": pdf("f.pdf", b"")}, "invoice_file", "vide"),
        ({"certify": ""}, "certify", "Cochez cette case"),
        ({"number": "   "}, "number", "obligatoire"),
    ],
)
def test_bad_input_is_answered_next_to_the_field_and_nothing_is_saved(
    client, case, extra, field, message
):
    client.force_login(case["of_admin"])
    response = of_post(client, case, **extra)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    if field:
        assert f'id="id_{field}_error' in page or f"id_{field}" in page
    # What was typed is kept.
    assert 'value="OF-77"' in page or extra.get("number")
    assert not Invoice.objects.exists() and not InvoicePiece.objects.exists()


def test_an_invoice_number_is_deposited_once_and_what_remains_counts_invoices_in_control(
    client, case
):
    client.force_login(case["of_admin"])
    assert of_post(client, case).status_code == 302
    response = of_post(client, case)  # the same number again (double submission)
    assert response.status_code == 400
    assert "déjà déposé une facture portant ce numéro" in text(response)
    # 1 200 € are being controlled: 800 € remain.
    response = of_post(client, case, number="OF-78", line_cost_teaching="900")
    assert response.status_code == 400 and "800,00 €" in text(response)
    assert of_post(client, case, number="OF-78", line_cost_teaching="800").status_code == 302
    assert Invoice.objects.count() == 2


def test_the_advisor_accepts_part_with_a_reason_and_the_ledger_records_it(client, case):
    client.force_login(case["of_admin"])
    of_post(client, case)
    invoice = Invoice.objects.get()
    client.force_login(case["advisor"])
    url = reverse("backoffice:invoice", args=[invoice.pk])
    page = text(client.get(url))
    assert "OF-77" in page and "1 200,00 €" in page
    assert client.post(url, {"action": "take"}).status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.controller) == ("under_control", case["advisor"])
    # Less than asked without a reason: refused, nothing changes.
    response = client.post(url, {"action": "accept", "cost_teaching": "1000"})
    assert response.status_code == 400 and "motif de l'écart" in text(response)
    response = client.post(url, {"action": "accept", "cost_teaching": "1300"})
    assert response.status_code == 400 and "compris entre 0 et le montant facturé" in text(response)
    invoice.refresh_from_db()
    assert invoice.state == "under_control" and not LedgerEntry.objects.filter(kind="invoiced")
    mail.outbox.clear()
    response = client.post(
        url,
        {
            "action": "accept",
            "cost_teaching": "1 000,00",
            "cost_teaching_reason": "Une journée non réalisée",
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.accepted_total) == ("to_pay", Decimal("1000.00"))
    line = InvoiceLine.objects.get()
    assert (line.accepted, line.reason) == (Decimal("1000.00"), "Une journée non réalisée")
    balance = ledger.balance_of(case["dossier"])
    assert balance["cost_teaching"].engaged == Decimal("2000.00")
    assert balance["cost_teaching"].invoiced == Decimal("1000.00")
    assert balance["cost_pay"].engaged == Decimal("500.00")
    # The OF's administrator is told (by e-mail: the « invoices » theme is theirs).
    assert any("Facture OF-77 acceptée" in m.subject for m in mail.outbox)
    # The OF sees the accepted amount and the reason; the company the dossier's balance.
    client.force_login(case["of_admin"])
    page = text(client.get(reverse("www:invoice", args=[invoice.pk])))
    assert "Une journée non réalisée" in page and "1 000,00 €" in page
    client.force_login(case["hr"])
    page = text(client.get(reverse("www:dossier", args=[case["dossier"].pk]) + "?onglet=factures"))
    assert "Situation financière du dossier" in page
    assert "2 500,00 €" in page  # engaged in total
    # The accepted amount frees nothing: 2 000 − 1 000 accepted = 1 000 remain.
    client.force_login(case["of_admin"])
    response = of_post(client, case, number="OF-78", line_cost_teaching="1000,01")
    assert response.status_code == 400 and "1 000,00 €" in text(response)
    # A second decision on the same invoice is refused.
    with pytest.raises(Exception, match="déjà été contrôlée"):
        invoice_accept(actor=case["advisor"], invoice=invoice, accepted={})


def test_the_advisor_rejects_with_a_reason_and_the_number_may_be_used_again(client, case):
    client.force_login(case["of_admin"])
    of_post(client, case)
    invoice = Invoice.objects.get()
    client.force_login(case["advisor"])
    url = reverse("backoffice:invoice", args=[invoice.pk])
    response = client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"action": "reject", "reason": "Facture non signée"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.state, invoice.reason) == ("rejected", "Facture non signée")
    assert not LedgerEntry.objects.filter(kind="invoiced").exists()
    client.force_login(case["of_admin"])
    assert "Facture non signée" in text(client.get(reverse("www:invoice", args=[invoice.pk])))
    # Corrected, the same number may be deposited again; the whole amount is free again.
    assert of_post(client, case, line_cost_teaching="2000").status_code == 302


def test_who_may(client, case):
    client.force_login(case["of_admin"])
    of_post(client, case)
    invoice = Invoice.objects.get()
    piece = invoice.pieces.first()
    urls = [
        reverse("www:invoice", args=[invoice.pk]),
        reverse("www:invoice_piece", args=[invoice.pk, piece.pk]),
    ]
    deposit = reverse("www:invoice_deposit", args=[case["dossier"].pk])
    # An outsider: 404 everywhere, the deposit included.
    client.force_login(case["outsider"])
    for url in [*urls, deposit]:
        assert client.get(url).status_code == 404, url
    assert "OF-77" not in text(client.get(reverse("www:invoices")))
    # A company user who sees the dossier without the invoice right: no amounts, 404 on the
    # invoice, 403 on the deposit, and the tab says why.
    client.force_login(case["viewer"])
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get(deposit).status_code == 403
    page = text(client.get(reverse("www:dossier", args=[case["dossier"].pk]) + "?onglet=factures"))
    assert "Consulter les factures et règlements" in page and "2 500,00" not in page
    assert client.get(reverse("www:invoice_new")).status_code == 403
    # The back office is staff's only.
    assert client.get(reverse("backoffice:invoice", args=[invoice.pk])).status_code == 404
    # A support agent reads but does not decide.
    from tests.factories import StaffProfileFactory

    client.force_login(StaffProfileFactory(support=True).user)
    url = reverse("backoffice:invoice", args=[invoice.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "take"}).status_code == 403


def test_a_dossier_is_found_by_its_number(client, case):
    client.force_login(case["of_admin"])
    url = reverse("www:invoice_new")
    response = client.get(url, {"number": case["dossier"].number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("www:invoice_deposit", args=[case["dossier"].pk])
    response = client.get(url, {"number": "2026-AF-999999"})
    assert response.status_code == 400 and "Aucun dossier accordé" in text(response)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_query_counts_are_locked_and_do_not_grow_with_the_rows(client, case):
    """The lists and pages of the money path: a fixed number of queries, whatever the rows."""
    from tests.factories import StaffProfileFactory
    from tests.invoices.scenario import active_rib

    active_rib(case["provider"].company, "provider")
    staff = StaffProfileFactory(manager=True).user
    pages = {
        "hr": [reverse("www:invoices"), reverse("www:payments"), reverse("www:financial_summary")],
        "staff": [reverse("backoffice:invoices"), reverse("backoffice:payments")],
    }

    active_rib(case["company"], "member")
    trainee = case["trainee"]

    def deposit(numbers):
        # Two payees (the OF and the company), each with invoices to pay.
        client.force_login(case["of_admin"])
        for number in numbers:
            of_post(client, case, number=number, line_cost_teaching="100")
        client.force_login(case["hr"])
        for number in numbers:
            company_post(
                client,
                case,
                number=f"C-{number}",
                line_cost_pay="50",
                **{f"pay_{trainee.pk}_hourly": "", f"pay_{trainee.pk}_hours": ""},
            )
        for invoice in Invoice.objects.filter(state="deposited"):
            invoice_accept(actor=case["advisor"], invoice=invoice, accepted={})

    def measure():
        counts = {}
        for who, user in (("hr", case["hr"]), ("staff", staff)):
            client.force_login(user)
            for url in pages[who]:
                counts[url] = _queries(client, url)
        client.force_login(case["hr"])
        counts["detail"] = _queries(
            client, reverse("www:invoice", args=[Invoice.objects.first().pk])
        )
        return counts

    deposit(["OF-1", "OF-2"])
    assert set(Invoice.objects.values_list("payee_profile", flat=True)) == {"member", "provider"}
    few = measure()
    deposit(["OF-3", "OF-4", "OF-5", "OF-6"])
    many = measure()
    assert few == many
    assert few == {
        reverse("www:invoices"): 10,
        reverse("www:payments"): 7,
        reverse("www:financial_summary"): 8,
        reverse("backoffice:invoices"): 3,
        reverse("backoffice:payments"): 7,
        "detail": 13,
    }


def test_the_invoice_list_exports_to_excel_with_its_filters(client, case):
    from io import BytesIO

    from openpyxl import load_workbook

    from monespace.exports.models import ExportJob

    client.force_login(case["of_admin"])
    of_post(client, case)
    of_post(client, case, number="OF-78", line_cost_teaching="300")
    client.force_login(case["hr"])
    company_post(client, case)
    response = client.post(
        reverse("www:export_new"), {"source": "invoices", "query": "etat=a-traiter&q="}
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == "done" and job.rows_done == 3
    page = text(client.get(reverse("www:export", args=[job.pk])))
    assert "Export Excel de mes factures" in page
    book = load_workbook(
        BytesIO(read_streaming(client.get(reverse("www:export_file", args=[job.pk]))))
    )
    sheet = book["Factures"]
    header = [cell.value for cell in sheet[1]]
    rows = {
        r[0]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == {"OF-77", "OF-78", "F-2026-001"}
    assert rows["OF-77"]["Total TTC"] == 1440 and rows["OF-77"]["Émetteur"] == "FORMAPRO"
    assert rows["OF-77"]["SIRET de l'émetteur"] == case["provider"].siret
    # The OF's export holds its own invoices only; the filters apply.
    client.force_login(case["of_admin"])
    client.post(reverse("www:export_new"), {"source": "invoices", "query": "q=OF-78"})
    job = ExportJob.objects.filter(user=case["of_admin"]).get()
    book = load_workbook(
        BytesIO(read_streaming(client.get(reverse("www:export_file", args=[job.pk]))))
    )
    assert [r[0] for r in book["Factures"].iter_rows(min_row=2, values_only=True)] == ["OF-78"]


def test_a_user_of_both_organisations_chooses_the_issuer(client, case):
    from tests.factories import MembershipFactory

    both = MembershipFactory(company=case["company"], is_admin=True).user
    MembershipFactory(
        user=both, company=case["provider"].company, profile="provider", is_admin=True
    )
    client.force_login(both)
    url = reverse("www:invoice_deposit", args=[case["dossier"].pk])
    page = text(client.get(url))
    assert "line_cost_teaching" in page and "line_cost_pay" not in page
    assert "Facturer en tant que : Adhérent" in page
    page = text(client.get(url, {"emetteur": "member"}))
    assert "line_cost_pay" in page and "line_cost_teaching" not in page
    response = client.post(
        url + "?emetteur=member",
        {
            "number": "C-1",
            "issued_on": today(),
            "line_cost_pay": "100",
            "line_cost_pay_vat": "0",
            "invoice_file": pdf(),
            "certify": "on",
        },
    )
    assert response.status_code == 302
    assert Invoice.objects.get().payee_profile == "member"


def test_the_modules_costs_are_asked_granted_and_invoiced_like_a_line(client):
    """Issue 15: the complementary modules' costs are one more cost line: in the total asked,
    on the advisor's accord form, engaged, and invoiced by the OF under subrogation."""
    from monespace.dossiers.instruction import dossier_approve
    from monespace.dossiers.models import Module
    from monespace.invoices.lines import billables, provider_party
    from tests.factories import DossierFactory, EstablishmentFactory, StaffProfileFactory

    provider = EstablishmentFactory(provider=True)
    dossier = DossierFactory(
        under_review=True,
        provider_establishment=provider,
        training__cost_teaching=Decimal("1000"),
        training__direct_payment=True,
    )
    Module.objects.create(
        dossier=dossier, title="Module HACCP", hours=Decimal("7"), cost=Decimal("300")
    )
    assert dossier.total_requested == Decimal("1300")
    advisor = StaffProfileFactory().user
    client.force_login(advisor)
    page = text(client.get(reverse("backoffice:dossier", args=[dossier.pk])))
    assert "Modules complémentaires (HT)" in page
    dossier_approve(
        actor=advisor,
        dossier=dossier,
        granted={"cost_teaching": Decimal("1000"), "cost_modules": Decimal("250")},
    )
    dossier.refresh_from_db()
    assert dossier.granted_total == Decimal("1250")
    lines = {b.code: b for b in billables(dossier, payee=provider_party(dossier))}
    assert lines["cost_modules"].remaining == Decimal("250")


def test_the_pieces_after_the_training_are_listed_and_ticked(client, case):
    """Issue 15 (seed 003): an accorded training action lists what is expected once it is over
    — the company's salaries invoice, the OF's pedagogic invoice under subrogation, the
    attendance sheets and the certificat de réalisation — and ticks what was deposited."""
    url = reverse("www:dossier", args=[case["dossier"].pk]) + "?onglet=factures"
    client.force_login(case["hr"])
    page = text(client.get(url))
    assert "Après la formation" in page and page.count("à déposer") == 4
    client.force_login(case["of_admin"])
    of_post(client, case)  # with its certificat de réalisation
    client.force_login(case["hr"])
    page = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(url))).split())
    assert "Facture des coûts pédagogiques de l'organisme de formation — déposé" in page
    assert "Certificat de réalisation — déposé" in page
    assert page.count("à déposer") == 2


def test_the_modules_line_is_in_the_estimate_the_export_and_the_api(client):
    from io import BytesIO

    from openpyxl import load_workbook

    from monespace.dossiers.funding.training_action import Inputs
    from monespace.dossiers.models import Module
    from monespace.exports.models import ExportJob
    from tests.factories import DossierFactory, MembershipFactory

    dossier = DossierFactory(submitted=True, training__cost_teaching=Decimal("1000"))
    Module.objects.create(dossier=dossier, title="Module", hours=Decimal("7"), cost=Decimal("300"))
    assert Inputs.of(dossier).costs["cost_modules"] == Decimal("300")
    reader = MembershipFactory(company=dossier.company, can_view_training=True).user
    client.force_login(reader)
    client.post(reverse("www:export_new"), {"query": ""})
    job = ExportJob.objects.get()
    response = client.get(reverse("www:export_file", args=[job.pk]))
    sheet = load_workbook(BytesIO(read_streaming(response)))["Action de formation"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["Montant demandé"] == 1300
    assert row["Modules complémentaires (HT) — demandé"] == 300


def test_closure_checks_the_pieces_expected_after_the_training(client, case):
    """Issue 15 (seed 003): the back office shows the pieces expected once the training is
    over; closing while some are missing needs a reason, recorded; with all of them it does
    not."""
    from datetime import date

    from monespace.dossiers.models import Decision, Dossier, DossierEvent
    from monespace.invoices.after_training import awaiting

    dossier = case["dossier"]
    later = date(2100, 1, 1)
    [(listed, missing)] = awaiting(Dossier.objects.filter(pk=dossier.pk), today=later)
    # Under subrogation the organisation's invoice is its own to-do, not the company's.
    assert listed == dossier and len(missing) == 3
    url = reverse("backoffice:dossier", args=[dossier.pk])
    close = reverse("backoffice:dossier_close", args=[dossier.pk])
    client.force_login(case["advisor"])
    page = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(url))).split())
    assert "Pièces attendues après la formation" in page
    assert page.count("manquante") == 4
    response = client.post(close, {"reason": "  "})
    assert response.status_code == 200
    answer = text(response)
    assert "Des pièces attendues après la formation manquent" in answer
    assert "Certificat de réalisation" in answer
    dossier.refresh_from_db()
    assert dossier.state == "approved"
    response = client.post(close, {"reason": "x" * 2001})
    assert response.status_code == 200 and "2000" in text(response)
    dossier.refresh_from_db()
    assert dossier.state == "approved"
    # Every piece deposited: the OF's invoice with its certificate, the company's with the
    # attendance sheets.
    client.force_login(case["of_admin"])
    assert of_post(client, case).status_code == 302
    [(_d, missing)] = awaiting(Dossier.objects.filter(pk=dossier.pk), today=later)
    assert missing == [
        "Facture des salaires et des frais annexes (entreprise)",
        "Feuilles d'émargement",
    ]
    client.force_login(case["hr"])
    assert company_post(client, case, attendance_file=pdf("emargement.pdf")).status_code == 302
    client.force_login(case["advisor"])
    page = " ".join(re.sub(r"<[^>]+>", " ", text(client.get(url))).split())
    assert page.count("manquante") == 0 and page.count(" : déposée") == 4
    # The home page's to-do no longer lists it.
    assert awaiting(Dossier.objects.filter(pk=dossier.pk), today=later) == []
    assert client.post(close, {"reason": ""}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "closed"
    assert Decision.objects.get(dossier=dossier, kind="closure").reason == ""
    assert DossierEvent.objects.filter(dossier=dossier, to_state="closed").exists()


def test_a_closure_without_the_pieces_records_its_reason(client, case):
    from monespace.dossiers.models import Decision

    dossier = case["dossier"]
    client.force_login(case["advisor"])
    response = client.post(
        reverse("backoffice:dossier_close", args=[dossier.pk]),
        {"reason": "Formation abandonnée par le salarié"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "closed"
    decision = Decision.objects.get(dossier=dossier, kind="closure")
    assert decision.reason == "Formation abandonnée par le salarié"


def test_the_after_training_to_do_is_for_those_who_invoice_for_the_company(client, case):
    """The company's people with the invoices' right and the training entry right see it; a
    reader without the invoices' right, or the organisation, do not; a taken-over dossier
    (its invoices stayed in the old portal) expects nothing."""
    from django.utils import timezone

    from monespace.dossiers.models import Dossier
    from monespace.invoices.after_training import awaiting

    dossier = case["dossier"]
    Dossier.objects.filter(pk=dossier.pk).update(
        start_date=timezone.localdate() - timezone.timedelta(days=9),
        end_date=timezone.localdate() - timezone.timedelta(days=2),
    )
    for user, shown in ((case["hr"], True), (case["viewer"], False), (case["of_admin"], False)):
        client.force_login(user)
        page = text(client.get(reverse("www:home")))
        assert (f"Formation terminée {dossier.number}" in page) is shown, user
    Dossier.objects.filter(pk=dossier.pk).update(taken_over_at=timezone.now())
    client.force_login(case["hr"])
    assert f"Formation terminée {dossier.number}" not in text(client.get(reverse("www:home")))
    assert awaiting(Dossier.objects.filter(pk=dossier.pk), today=timezone.localdate()) == []
