"""The money path in Chromium (issue 13; seeds 003 and 004: « Mes factures » → « Déposer une
facture », « Règlements »): the training organisation paid directly (subrogation) deposits its
invoice on the accorded dossier, a wrong amount answered next to the field; the advisor
accepts part of it with a reason; a gestionnaire des règlements prepares the payment run and a
second person approves it; the OF follows the e-mail to its avis de virement, downloads it and
sees its invoice « Payée ». A company user without the financial right sees no amounts and gets
a 404 on the invoice."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from monespace.invoices.models import Invoice
from tests.e2e.conftest import assert_accessible, last_mail_path, sign_in, sign_out
from tests.factories import StaffProfileFactory
from tests.invoices.scenario import PDF, active_rib, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_of_invoice_controlled_paid_and_its_avis_downloaded(live_server, page, tmp_path):
    case = build()
    active_rib(case["provider"].company, "provider", holder="FORMAPRO SAS")
    accountant = StaffProfileFactory(accountant=True).user
    manager = StaffProfileFactory(manager=True).user
    document = tmp_path / "facture.pdf"
    document.write_bytes(PDF)
    number = case["dossier"].number

    # The OF deposits its invoice, from « Mes factures ».
    sign_in(page, live_server, case["of_admin"].email)
    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Déposer une facture").click()
    page.get_by_label("Numéro du dossier ou du contrat").fill(number)
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Déposer une facture")).to_be_visible()
    expect(page.get_by_text("reste à facturer : 2 000,00 €")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Numéro de facture").fill("OF-2026-77")
    page.get_by_label("Date de la facture").fill(timezone.localdate().isoformat())
    amount = page.get_by_label("Coûts pédagogiques (HT) — montant HT")
    amount.fill("2 500,00")
    page.get_by_label("Taux de TVA (Coûts pédagogiques (HT))").select_option("20")
    page.get_by_label("Facture (PDF)").set_input_files(str(document))
    page.get_by_label(re.compile("Je certifie sincères et exactes")).check()
    page.get_by_role("button", name="Déposer la facture").click()
    expect(page.get_by_text(re.compile("dépasse ce qui reste à facturer"))).to_be_visible()
    expect(page.get_by_label("Numéro de facture")).to_have_value("OF-2026-77")
    assert_accessible(page)
    amount.fill("1 200,00")
    page.get_by_label("Facture (PDF)").set_input_files(str(document))
    page.get_by_role("button", name="Déposer la facture").click()
    expect(page.get_by_text(re.compile("La facture OF-2026-77 est déposée"))).to_be_visible()
    expect(page.get_by_text("Déposée", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="1 440,00 €").first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The advisor accepts 1 000 € of it, with the reason.
    sign_in(page, live_server, case["advisor"].email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Factures à contrôler").click()
    page.get_by_role("link", name="OF-2026-77").click()
    page.get_by_role("button", name="Prendre en contrôle").click()
    expect(page.get_by_text("La facture est en contrôle à votre nom.")).to_be_visible()
    page.get_by_label("Accepté — Coûts pédagogiques (HT)").fill("1 000,00")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(page.get_by_text("Indiquez le motif de l'écart")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Motif de l'écart — Coûts pédagogiques (HT)").fill("Une journée non réalisée")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(page.get_by_text("La facture est acceptée")).to_be_visible()
    sign_out(page)

    # A gestionnaire des règlements prepares the run; they cannot approve it themselves.
    sign_in(page, live_server, accountant.email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="Paiements").click()
    expect(page.get_by_label("OF-2026-77")).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Préparer la campagne de paiement").click()
    expect(page.get_by_text(re.compile("une autre personne doit l'approuver"))).to_be_visible()
    expect(page.get_by_role("button", name="Approuver la campagne")).to_have_count(0)
    reference = Invoice.objects.get().payment.run.reference
    assert_accessible(page)
    sign_out(page)

    # A second person approves: the SEPA file is ready.
    mail.outbox.clear()
    sign_in(page, live_server, manager.email)
    page.goto(f"{live_server.url}/backoffice/paiements/")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Approuver la campagne").click()
    expect(page.get_by_text("Campagne approuvée")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("fichier de virements SEPA")).click()
    assert download.value.suggested_filename == f"{reference}.xml"
    sign_out(page)

    # The OF follows the e-mail to its avis de virement and downloads it.
    sign_in(page, live_server, case["of_admin"].email)
    page.goto(live_server.url + last_mail_path("/reglements/"))
    expect(page.get_by_role("heading", name="Avis de virement")).to_be_visible()
    expect(page.get_by_text("1 000,00 €").first).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger l'avis de virement")).click()
    assert download.value.suggested_filename.startswith("avis-")
    page.get_by_role("link", name="Mes factures").first.click()
    expect(page.get_by_role("row", name=re.compile("OF-2026-77"))).to_contain_text("Payée")
    assert_accessible(page)
    # A day was cancelled after all: the OF deposits an avoir against its paid invoice.
    page.get_by_role("link", name="OF-2026-77").click()
    page.get_by_role("link", name="Déposer un avoir").click()
    assert_accessible(page)
    page.get_by_label("Montant HT de l'avoir").fill("150,00")
    page.get_by_label("Numéro de l'avoir").fill("AV-2026-3")
    page.get_by_label("Date de l'avoir").fill(timezone.localdate().isoformat())
    page.get_by_label("Motif").fill("Demi-journée annulée")
    page.get_by_label("Avoir (PDF)").set_input_files(str(document))
    page.get_by_role("button", name="Déposer l'avoir").click()
    expect(page.get_by_text(re.compile("L'avoir AV-2026-3 est déposé"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("AV-2026-3"))).to_contain_text(
        "du prochain virement"
    )
    assert_accessible(page)
    sign_out(page)

    # The company's « Synthèse financière »: the figures and their chart.
    sign_in(page, live_server, case["hr"].email)
    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Synthèse financière").click()
    row = page.get_by_role("row", name=re.compile("Action de formation"))
    expect(row).to_contain_text("2 500,00 €")
    expect(row).to_contain_text("1 650,00 €")  # 2 500 − (1 000 − 150 of the avoir)
    expect(page.get_by_role("img", name="Engagé, facturé et payé par dispositif")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Collecte").click()
    expect(page.get_by_role("heading", name="Collecte")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Without the financial right: no amounts on the dossier, a 404 on the invoice.
    sign_in(page, live_server, case["viewer"].email)
    page.goto(f"{live_server.url}/dossiers/{case['dossier'].pk}/?onglet=factures")
    expect(page.get_by_text(re.compile("Consulter les factures et règlements"))).to_be_visible()
    expect(page.get_by_text("1 000,00 €")).to_have_count(0)
    response = page.goto(f"{live_server.url}/factures/{Invoice.objects.get().pk}/")
    assert response.status == 404
