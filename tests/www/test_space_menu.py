"""« Mon espace » (seed 003's dashboard menu): the entries the user's rights open, with live
counts, in a fixed number of queries whatever the volume."""

import html

import pytest
from django.urls import reverse

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
    assert "Dossiers AF (2)" in page and "Contrats pro (1)" in page
    assert "Apprentissage" not in page
    assert "Action de formation" in page and "Contrat de professionnalisation" in page
    assert "Factures (0)" in page and "Règlements (0)" in page
    assert "Utilisateurs et droits" in page and "Salariés" in page
    for _n in range(3):
        DossierFactory(establishment=establishment, approved=True)
    with django_assert_num_queries(11):
        page = text(client.get(reverse("www:space_menu")))
    assert "Dossiers AF (5)" in page


def test_a_viewer_sees_no_new_request_nor_administration(client):
    establishment = EstablishmentFactory(member=True)
    viewer = MembershipFactory(company=establishment.company, can_view_training=True).user
    client.force_login(viewer)
    page = text(client.get(reverse("www:space_menu")))
    assert "Nouvelle demande" not in page and "Utilisateurs et droits" not in page
    assert "Dossiers AF (0)" in page and "Factures" not in page
    client.logout()
    assert client.get(reverse("www:space_menu")).status_code == 302
