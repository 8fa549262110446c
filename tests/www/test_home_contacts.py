"""The home page's « Vos interlocuteurs » (issue 15, seed 003): the regional entity's name and
address, the people grouped by role with phone and e-mail, otherwise the OPCO's phone."""

import html
import re

import pytest
from django.urls import reverse

from monespace.accounts.models import RegionalEntity, RegionalEntityDepartment, StaffProfile
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def establishment(client):
    establishment = EstablishmentFactory(member=True, postal_code="75011", branch="Boulangerie")
    membership = MembershipFactory(
        company=establishment.company,
        requested_establishment=establishment,
        can_view_training=True,
    )
    client.force_login(membership.user)
    return establishment


@pytest.fixture
def paris():
    entity = RegionalEntity.objects.create(
        name="AKTO - RÉSEAU OPCALIA SIÈGE",
        address="47 rue de la Victoire",
        address_complement="Bâtiment B",
        postal_code="75009",
        city="PARIS",
        phone="01 88 13 10 10",
    )
    RegionalEntityDepartment.objects.create(entity=entity, code="75")
    return entity


def contact(first_name, last_name, contact_roles, *, entity=None, phone=""):
    return StaffProfile.objects.create(
        user=UserFactory(
            staff=True,
            first_name=first_name,
            last_name=last_name,
            email=f"{first_name.lower()}.{last_name.lower()}@opco.fr",
        ),
        role="advisor",
        branches=["Boulangerie"],
        contact_roles=contact_roles,
        entity=entity,
        phone=phone,
    )


def contacts_section(client):
    page = client.get(reverse("www:home")).content.decode()
    section = re.search(r'aria-labelledby="contacts-title">(.*?)</section>', page, re.S)
    assert section, page
    return section.group(1), " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", section.group(1))).split()
    )


def test_the_regional_entity_and_the_people_by_role(client, establishment, paris):
    contact(
        "Ericka", "DUBOS", ["plan_advisor", "pro_advisor"], entity=paris, phone="01 40 00 00 01"
    )
    contact("Latifa", "PHAROSE", ["plan_assistant", "pro_assistant"], entity=paris)

    markup, text = contacts_section(client)

    assert "AKTO - RÉSEAU OPCALIA SIÈGE 47 rue de la Victoire Bâtiment B 75009 PARIS" in text
    assert "Téléphone : 01 88 13 10 10" in text
    assert (
        "Conseiller(ère) plan de développement des compétences "
        "Madame Ericka DUBOS Téléphone : 01 40 00 00 01 ericka.dubos@opco.fr "
        "Assistant(e) plan de développement des compétences "
        "Madame Latifa PHAROSE latifa.pharose@opco.fr "
        "Conseiller(ère) professionnalisation / alternance Madame Ericka DUBOS"
    ) in text
    assert "Assistant(e) professionnalisation / alternance Madame Latifa PHAROSE" in text
    assert markup.count('href="mailto:ericka.dubos@opco.fr"') == 2
    assert "joignables au" not in text


def test_nobody_assigned_points_to_the_opco_phone(client, establishment, paris, settings):
    contact(
        "Autre",
        "REGION",
        ["plan_advisor"],
        entity=RegionalEntity.objects.create(
            name="Délégation Bretagne", address="1 rue", postal_code="35000", city="RENNES"
        ),
    )

    _, text = contacts_section(client)

    assert "AKTO - RÉSEAU OPCALIA SIÈGE" in text and "REGION" not in text
    assert f"Nos équipes sont joignables au {settings.OPCO_PHONE}." in text


def test_outside_every_entity_the_head_office_staff(client, establishment):
    contact("Service", "RELANCE", ["plan_advisor"])

    markup, text = contacts_section(client)

    assert "Conseiller(ère) plan de développement des compétences Madame Service RELANCE" in text
    assert "<address>" not in markup


def test_home_query_count_unchanged_with_contacts(
    client, establishment, paris, django_assert_num_queries
):
    for n in range(4):
        contact(f"Personne{n}", "NOM", ["plan_advisor", "pro_assistant"], entity=paris)
    client.get(reverse("www:home"))
    # 8 for whoever invoices for the company (tests/www/test_home.py); this user does not,
    # so the after-training to-do is not read: 7, contacts included.
    with django_assert_num_queries(7):
        client.get(reverse("www:home"))
