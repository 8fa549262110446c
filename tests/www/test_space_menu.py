"""« Mon espace » (seed 003's dashboard menu): the entries the user's rights open, with live
counts, in a fixed number of queries whatever the volume."""

import html

import pytest
from django.urls import reverse

from monespace.organizations.enums import Profile
from tests.factories import (
    ContractFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def test_the_menu_shows_what_the_rights_open_with_counts(client, django_assert_num_queries):
    establishment = EstablishmentFactory(member=True)
    company = establishment.company
    admin = MembershipFactory(
        company=company,
        is_admin=True,
        can_view_training=True,
        can_edit_training=True,
        professionalisation=True,
        can_view_invoices=True,
    ).user
    DossierFactory(establishment=establishment)  # a draft
    DossierFactory(establishment=establishment, submitted=True)
    DossierFactory(establishment=establishment, approved=True)
    ProContractFactory(establishment=establishment, submitted=True)
    ContractFactory(establishment=establishment, submitted=True)  # not in this user's rights
    DossierFactory(approved=True)  # another company's
    client.force_login(admin)
    home = text(client.get(reverse("www:home")))
    assert reverse("www:space_menu") in home
    page = text(client.get(reverse("www:space_menu")))
    assert "Brouillons (1)" in page
    assert "Dossiers AF (3)" in page and "Contrats pro (1)" in page
    assert "Apprentissage" not in page
    assert "Action de formation" in page and "Contrat de professionnalisation" in page
    assert "Factures (0)" in page and "Règlements (0)" in page
    assert "Utilisateurs" in page and "Salariés" in page and "Établissements" in page
    assert "Collecte" in page and "Synthèse financière" in page and "Aide & contact" in page
    for group in ("Mes dossiers", "Mes factures", "Mon entreprise"):
        assert group in page
    for _n in range(3):
        DossierFactory(establishment=establishment, approved=True)
    with django_assert_num_queries(10):
        page = text(client.get(reverse("www:space_menu")))
    assert "Dossiers AF (6)" in page


def test_a_viewer_sees_no_new_request_nor_administration(client):
    establishment = EstablishmentFactory(member=True)
    viewer = MembershipFactory(company=establishment.company, can_view_training=True).user
    client.force_login(viewer)
    page = text(client.get(reverse("www:space_menu")))
    assert "Nouvelle demande" not in page and "Utilisateurs" not in page
    assert "Dossiers AF (0)" in page and "Factures" not in page
    # « Salariés » is the register of those who enter requests: a viewer would meet a 403.
    assert "Salariés" not in page
    # Their establishments are « Mes rattachements ».
    assert reverse("www:attachments") in page
    client.logout()
    assert client.get(reverse("www:space_menu")).status_code == 302


def test_the_menu_is_in_the_navigation_of_every_page_and_a_page_of_its_own(client):
    establishment = EstablishmentFactory(member=True)
    editor = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    client.force_login(editor)
    # Every page's navigation offers « Mon espace »: the menu on first opening, a link to the
    # page without JavaScript.
    for url in (reverse("www:dossiers"), reverse("www:help"), reverse("www:profile")):
        page = text(client.get(url))
        assert f"{reverse('www:space_menu')}?nav=1" in page and reverse("www:space") in page
    in_nav = text(client.get(reverse("www:space_menu"), {"nav": "1"}))
    assert "<h3" not in in_nav and 'id="space-group-1-nav"' in in_nav
    assert "Salariés" in in_nav and reverse("www:employees") in in_nav
    page = text(client.get(reverse("www:space")))
    assert "<h1>Mon espace</h1>" in page and "<h2 " in page
    assert "Action de formation" in page and "Brouillons (0)" in page
    # Not an administrator: their establishments are « Mes rattachements ».
    assert "Utilisateurs" not in page and reverse("www:attachments") in page


def test_collection_and_the_financial_summary_only_for_a_company_reader(client):
    establishment = EstablishmentFactory(member=True)
    reader = MembershipFactory(company=establishment.company, can_view_invoices=True).user
    provider = MembershipFactory(profile=Profile.PROVIDER, can_view_invoices=True).user
    client.force_login(reader)
    page = text(client.get(reverse("www:space_menu")))
    assert "Collecte" in page and "Synthèse financière" in page
    assert client.get(reverse("www:contributions")).status_code == 200
    client.force_login(provider)
    page = text(client.get(reverse("www:space_menu")))
    # A training organisation reads its own invoices, not a company's collection.
    assert "Factures (0)" in page and "Collecte" not in page
    assert client.get(reverse("www:contributions")).status_code == 403
