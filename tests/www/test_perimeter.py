"""Users attached to several companies choose the perimeter they work in; lists respect it."""

import pytest
from django.urls import reverse

from monespace.organizations.models import Delegation
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def multi(client):
    user = UserFactory()
    first = MembershipFactory(user=user, company__name="PREMIERE MARQUEUR-1", is_admin=True)
    second = MembershipFactory(user=user, company__name="SECONDE MARQUEUR-2", is_admin=True)
    client.force_login(user)
    return user, first, second


def test_choose_a_perimeter_and_lists_follow(client, multi):
    _user, first, second = multi
    home = client.get(reverse("www:home")).content.decode()
    assert "Votre périmètre" in home and "MARQUEUR-1" in home and "MARQUEUR-2" in home
    response = client.post(reverse("www:set_perimeter"), {"company": first.company_id})
    assert response.url == reverse("www:home")
    home = client.get(reverse("www:home")).content.decode()
    assert "Périmètre : PREMIERE MARQUEUR-1" in home
    admin_page = client.get(reverse("www:administration")).content.decode()
    assert (
        "MARQUEUR-1" in admin_page.split("<main")[1]
        and "MARQUEUR-2" not in admin_page.split("<main")[1]
    )
    Delegation.objects.create(
        company=second.company, delegate=MembershipFactory().company, kind="cfa"
    )
    page = client.get(reverse("www:delegations")).content.decode()
    assert "<td>CFA</td>" not in page  # the delegation granted by the other company is not listed
    client.post(reverse("www:set_perimeter"), {"company": second.company_id})
    assert "<td>CFA</td>" in client.get(reverse("www:delegations")).content.decode()
    client.post(reverse("www:set_perimeter"), {"company": ""})
    admin_page = client.get(reverse("www:administration")).content.decode()
    assert "MARQUEUR-2" in admin_page


def test_someone_elses_company_cannot_be_chosen(client, multi):
    foreign = MembershipFactory(company__name="ETRANGERE")
    response = client.post(
        reverse("www:set_perimeter"), {"company": foreign.company_id}, follow=True
    )
    assert "Choisissez une entreprise à laquelle vous êtes rattaché(e)" in response.content.decode()
    assert "perimeter" not in client.session
    client.post(reverse("www:set_perimeter"), {"company": "abc"})
    assert "perimeter" not in client.session


def test_no_open_redirect(client, multi):
    response = client.post(
        reverse("www:set_perimeter"), {"company": "", "next": "https://ailleurs.example/"}
    )
    assert response.url == reverse("www:home")
    response = client.post(
        reverse("www:set_perimeter"), {"company": "", "next": reverse("www:attachments")}
    )
    assert response.url == reverse("www:attachments")


def test_single_company_users_see_no_selector(client):
    user = MembershipFactory().user
    client.force_login(user)
    assert "Votre périmètre" not in client.get(reverse("www:home")).content.decode()
