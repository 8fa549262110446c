"""« Vos interlocuteurs » in Chromium (seed 003): a company user signs in and finds, on the home
page, the regional entity with its address and the four roles of the seed, each with a name and
an e-mail link; the demo's data (accounts/demo.py) is what they see."""

import pytest
from playwright.sync_api import expect

from monespace.accounts.demo import seed_contacts
from monespace.accounts.models import StaffProfile
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_company_sees_its_interlocutors_and_regional_entity(live_server, page):
    establishment = EstablishmentFactory(
        member=True,
        company__name="BOULANGERIE DES LILAS",
        postal_code="75011",
        branch="Boulangerie-pâtisserie",
    )
    user = MembershipFactory(
        company=establishment.company,
        requested_establishment=establishment,
        can_view_training=True,
        user__first_name="Marie",
    ).user
    StaffProfile.objects.create(
        user=UserFactory(
            staff=True,
            email="conseiller@demo.monespace.fr",
            first_name="Ericka",
            last_name="Dubos",
        ),
        role="advisor",
        branches=["Boulangerie-pâtisserie"],
    )
    seed_contacts()

    sign_in(page, live_server, user.email)

    contacts = page.get_by_role("region", name="Vos interlocuteurs")
    expect(
        contacts.get_by_role("heading", name="Délégation régionale Île-de-France")
    ).to_be_visible()
    expect(contacts.locator("address")).to_contain_text("47 rue de la Victoire")
    expect(contacts.locator("address")).to_contain_text("75009 PARIS")
    for role in (
        "Conseiller(ère) plan de développement des compétences",
        "Assistant(e) plan de développement des compétences",
        "Conseiller(ère) professionnalisation / alternance",
        "Assistant(e) professionnalisation / alternance",
    ):
        expect(contacts.get_by_text(role, exact=True)).to_be_visible()
    expect(contacts.get_by_text("Madame Ericka Dubos").first).to_be_visible()
    expect(contacts.get_by_text("Madame Latifa Pharose").first).to_be_visible()
    expect(
        contacts.get_by_role("link", name="conseiller@demo.monespace.fr").first
    ).to_have_attribute("href", "mailto:conseiller@demo.monespace.fr")
    expect(contacts.get_by_text("Nos équipes sont joignables")).to_have_count(0)
    assert_accessible(page)
