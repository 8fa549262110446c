"""« Déposer un RIB » in Chromium (seed 004: « Mes factures » → « Déposer un RIB »): a wrong
IBAN is answered next to the field and kept; the other administrator is told by e-mail and
follows its link; the advisor checks it against its document and validates it; the company
sees it in force, masked on « Mes factures »."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, last_mail_path, sign_in, sign_out
from tests.factories import EstablishmentFactory, MembershipFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_rib_deposited_validated_and_in_force(live_server, page, tmp_path):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    admin = MembershipFactory(company=establishment.company, is_admin=True).user
    other_admin = MembershipFactory(company=establishment.company, is_admin=True).user
    advisor = StaffProfileFactory().user
    document = tmp_path / "rib.pdf"
    document.write_bytes(PDF)

    sign_in(page, live_server, admin.email)
    page.get_by_role("link", name="Mes factures").first.click()
    page.get_by_role("link", name="Déposer un RIB").click()
    assert_accessible(page)
    page.get_by_label("Titulaire du compte").fill("BOULANGERIE DES LILAS")
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 188")
    page.get_by_label("IBAN").press("Tab")
    expect(page.locator("#iban-bank")).to_contain_text("La clé de l'IBAN ne correspond pas")
    page.get_by_label("BIC").fill("AGRIFRPP")
    page.get_by_label("RIB (document de la banque)").set_input_files(str(document))
    page.get_by_role("button", name="Déposer le RIB").click()
    expect(page.get_by_text("La clé de l'IBAN ne correspond pas").first).to_be_visible()
    expect(page.get_by_label("BIC")).to_have_value("AGRIFRPP")
    assert_accessible(page)
    page.get_by_label("IBAN").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("IBAN").press("Tab")
    expect(page.locator("#iban-bank")).to_contain_text("CREDIT AGRICOLE SA")
    page.get_by_label("RIB (document de la banque)").set_input_files(str(document))
    page.get_by_role("button", name="Déposer le RIB").click()
    expect(page.get_by_text(re.compile("Votre RIB est déposé"))).to_be_visible()
    expect(page.get_by_text("En attente de validation par l'OPCO")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The other administrator is told at once and follows the e-mail's link.
    told = [m for m in mail.outbox if m.to == [other_admin.email]]
    assert told and "FR76 •••• … 0189" in told[-1].body
    sign_in(page, live_server, other_admin.email)
    page.goto(live_server.url + last_mail_path("/factures/rib/"))
    expect(page.get_by_role("heading", name="Coordonnées bancaires (RIB)")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, advisor.email)
    page.goto(f"{live_server.url}/backoffice/")
    page.get_by_role("link", name="RIB à valider").first.click()
    page.get_by_role("link", name=re.compile("BOULANGERIE DES LILAS")).click()
    expect(page.get_by_text("Premier RIB pour cet établissement.")).to_be_visible()
    expect(page.get_by_role("link", name="Ouvrir le RIB déposé")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Valider le RIB").click()
    expect(page.get_by_text("Le RIB est validé")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, admin.email)
    page.get_by_role("link", name="Mes factures").first.click()
    row = page.get_by_role("row", name=re.compile("BOULANGERIE DES LILAS"))
    expect(row).to_contain_text("En vigueur")
    expect(row).to_contain_text("FR76 •••• … 0189")
    assert_accessible(page)
