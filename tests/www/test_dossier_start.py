"""Issue 15: « Commencer la saisie » creates nothing; the draft is born with its first saved
step, for every dispositif, and a step shown or refused leaves no untitled draft behind."""

import re

import pytest
from django.urls import reverse

from monespace.dossiers.models import Dossier, DossierEvent
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.helpers import form_values

pytestmark = pytest.mark.django_db

KINDS = ["action-de-formation", "contrat-apprentissage", "contrat-professionnalisation", "pro-a"]


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company,
        can_view_training=True,
        can_edit_training=True,
        apprenticeship=True,
        professionalisation=True,
    ).user
    return {"establishment": establishment, "user": user}


@pytest.mark.parametrize("slug", KINDS)
def test_nothing_is_created_until_the_first_step_is_saved(client, company, slug):
    client.force_login(company["user"])
    response = client.post(
        reverse("www:dossier_new_kind", args=[slug]),
        {"establishment": company["establishment"].pk},
    )
    start = reverse("www:dossier_start", args=[slug, company["establishment"].pk])
    assert response.status_code == 302 and response.url == start
    page = client.get(start).content.decode()
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
    # The page shown links to no draft (there is none).
    assert not re.search(r"/dossiers/\d+/", page), re.search(r"/dossiers/\d+/[^\"]*", page)
    assert company["establishment"].siret in page
    values = form_values(page)
    values.pop("csrfmiddlewaretoken", None)
    response = client.post(start, {**values, "save_quit": "1"})
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.state == "draft" and dossier.establishment == company["establishment"]
    assert dossier.events.filter(kind="created").count() == 1
    # Leaving the first step again creates nothing more.
    client.get(start)
    client.post(start, {"cancel": "1"})
    assert Dossier.objects.count() == 1


def test_a_refused_first_step_keeps_what_was_typed_and_saves_nothing(client, company):
    client.force_login(company["user"])
    start = reverse("www:dossier_start", args=["action-de-formation", company["establishment"].pk])
    response = client.post(
        start,
        {
            "title": "MANAGEMENT D'ÉQUIPE",
            "start_date": "31/12/2026",
            "end_date": "01/01/2026",
            "validate": "1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "MANAGEMENT D" in page
    assert not Dossier.objects.exists()
    assert not re.search(r"/dossiers/\d+/", page)


def test_who_may_start(client, company):
    start = reverse("www:dossier_start", args=["action-de-formation", company["establishment"].pk])
    viewer = MembershipFactory(company=company["establishment"].company, can_view_training=True)
    client.force_login(viewer.user)
    assert client.get(start).status_code == 403
    # An editor of another company: not theirs.
    other = EstablishmentFactory(member=True)
    elsewhere = MembershipFactory(
        company=other.company, can_view_training=True, can_edit_training=True
    ).user
    client.force_login(elsewhere)
    assert client.get(start).status_code == 404
    assert client.post(start, {"title": "X", "save_quit": "1"}).status_code == 404
    client.force_login(company["user"])
    assert client.get(reverse("www:dossier_start", args=["inconnu", 1])).status_code == 404
    assert not Dossier.objects.exists()
