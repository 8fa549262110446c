"""An accounting firm asks to be attached to a client company, whose administrator grants a
limited scope; both sides see it; the company ends it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in, sign_out
from tests.factories import EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_accounting_firm_with_limited_scope(live_server, page):
    paris = EstablishmentFactory(member=True, company__name="BOULANGERIE CLIENTE", city="PARIS")
    montreuil = EstablishmentFactory(
        company=paris.company, member=True, is_head_office=False, city="MONTREUIL"
    )
    firm = EstablishmentFactory(member=True, company__name="CABINET AURORE").company
    client_admin = MembershipFactory(
        company=paris.company, is_admin=True, user__first_name="Marie"
    ).user
    firm_admin = MembershipFactory(company=firm, is_admin=True, user__first_name="Paul").user

    sign_in(page, live_server, firm_admin.email)
    page.goto(live_server.url + "/rattachements/")
    page.get_by_role("link", name="Organismes rattachés").click()
    assert_accessible(page)
    page.get_by_label("Cabinet comptable").check()
    page.get_by_label("SIREN ou SIRET de l'entreprise cliente").fill(paris.company.siren)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    expect(page.get_by_role("cell", name="En attente", exact=True)).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, client_admin.email)
    page.get_by_role("link", name=re.compile("^Notifications")).click()
    page.get_by_role("button", name=re.compile("Ouvrir CABINET AURORE")).click()
    expect(
        page.get_by_role("heading", name="CABINET AURORE pour BOULANGERIE CLIENTE")
    ).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_text("Mandat de gestion")).to_have_count(0)  # for a CFA only
    page.get_by_label("Les établissements choisis (SIRET)").check()
    page.get_by_label(re.compile(montreuil.siret)).check()
    page.get_by_label("Consulter les factures et règlements").check()
    page.get_by_role("button", name="Accepter le rattachement").click()
    expect(page.get_by_text("Le rattachement est accepté avec ce périmètre.")).to_be_visible()
    sign_out(page)

    sign_in(page, live_server, firm_admin.email)
    page.goto(live_server.url + "/organismes-rattaches/")
    expect(page.get_by_role("cell", name="Active", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Voir le périmètre")).click()
    expect(page.get_by_text("consulter les factures et règlements")).to_be_visible()
    expect(page.get_by_text(montreuil.siret)).to_be_visible()
    expect(page.get_by_text(paris.siret)).to_have_count(0)
    expect(page.get_by_role("button", name="Enregistrer le périmètre")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, client_admin.email)
    page.goto(live_server.url + "/organismes-rattaches/")
    page.get_by_role("link", name=re.compile("Voir le périmètre")).click()
    page.get_by_role("button", name="Mettre fin au rattachement").click()
    expect(page.get_by_text("Le rattachement est terminé.")).to_be_visible()
    expect(page.get_by_role("cell", name="Retirée", exact=True)).to_be_visible()
