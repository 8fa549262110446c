"""Organisations attached to a company: request, scope, refusal, end, reach (404 / 403)."""

import pytest
from django.core import mail
from django.urls import reverse

from monespace.notifications.models import Notification
from monespace.organizations.models import Delegation, DelegationEvent
from tests.factories import EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    client_est = EstablishmentFactory(
        member=True, member_number="501.001", company__name="CLIENTE MARQUEUR-A"
    )
    second_est = EstablishmentFactory(company=client_est.company, member=True, is_head_office=False)
    firm_est = EstablishmentFactory(member=True, company__name="CABINET AURORE")
    client_admin = MembershipFactory(company=client_est.company, is_admin=True).user
    firm_admin = MembershipFactory(company=firm_est.company, is_admin=True).user
    return {
        "client": client_est.company,
        "client_est": client_est,
        "second_est": second_est,
        "firm": firm_est.company,
        "client_admin": client_admin,
        "firm_admin": firm_admin,
    }


def request_delegation(client, setup, kind="accounting_firm"):
    client.force_login(setup["firm_admin"])
    return client.post(
        reverse("www:delegation_request"),
        {"delegate": setup["firm"].pk, "kind": kind, "identifier": setup["client"].siren},
    )


def test_full_cycle_with_limited_scope(client, setup):
    response = request_delegation(client, setup)
    assert response.url == reverse("www:delegations")
    delegation = Delegation.objects.get()
    assert delegation.status == "pending" and delegation.requested_by == setup["firm_admin"]
    assert Notification.objects.filter(recipient=setup["client_admin"]).exists()
    assert mail.outbox[-1].to == [setup["client_admin"].email]

    client.force_login(setup["client_admin"])
    response = client.post(
        reverse("www:delegation_scope", args=[delegation.pk]),
        {
            "scope": "establishments",
            "establishments": [setup["client_est"].pk],
            "can_view_invoices": "on",
        },
    )
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert (
        delegation.status == "active"
        and delegation.can_view_invoices
        and not delegation.can_view_training
    )
    assert list(delegation.establishments.all()) == [setup["client_est"]]
    assert mail.outbox[-1].to == [setup["firm_admin"].email]

    # Both sides see it and its scope.
    client.force_login(setup["firm_admin"])
    page = client.get(reverse("www:delegation", args=[delegation.pk])).content.decode()
    assert "consulter les factures et règlements" in page and setup["client_est"].siret in page
    assert "Accepter le rattachement" not in page and "Modifier le périmètre" not in page

    # The firm cannot change its own scope.
    response = client.post(
        reverse("www:delegation_scope", args=[delegation.pk]),
        {"scope": "company", "can_edit_training": "on"},
    )
    assert response.status_code == 403
    delegation.refresh_from_db()
    assert not delegation.can_edit_training

    # The company ends it.
    client.force_login(setup["client_admin"])
    client.post(reverse("www:delegation_end", args=[delegation.pk]))
    delegation.refresh_from_db()
    assert delegation.status == "revoked"
    kinds = list(
        DelegationEvent.objects.filter(delegation=delegation).values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["accepted", "requested", "revoked"]


def test_mandate_only_for_a_cfa(client, setup):
    request_delegation(client, setup, kind="accounting_firm")
    delegation = Delegation.objects.get()
    client.force_login(setup["client_admin"])
    page = client.get(reverse("www:delegation", args=[delegation.pk])).content.decode()
    assert "mandat de gestion" not in page.lower()
    client.post(
        reverse("www:delegation_scope", args=[delegation.pk]),
        {"scope": "company", "apprenticeship_mandate": "on"},
    )
    delegation.refresh_from_db()
    assert not delegation.apprenticeship_mandate

    cfa = EstablishmentFactory(provider=True, company__name="CFA TEST").company
    cfa_admin = MembershipFactory(company=cfa, profile="provider", is_admin=True).user
    client.force_login(cfa_admin)
    client.post(
        reverse("www:delegation_request"),
        {"delegate": cfa.pk, "kind": "cfa", "identifier": setup["client"].siren},
    )
    cfa_delegation = Delegation.objects.get(delegate=cfa)
    client.force_login(setup["client_admin"])
    client.post(
        reverse("www:delegation_scope", args=[cfa_delegation.pk]),
        {"scope": "company", "apprenticeship_mandate": "on"},
    )
    cfa_delegation.refresh_from_db()
    assert (
        cfa_delegation.apprenticeship_mandate
        and cfa_delegation.can_edit_apprenticeship
        and cfa_delegation.can_view_apprenticeship
    )


def test_refusal_needs_a_reason_and_is_told(client, setup):
    request_delegation(client, setup)
    delegation = Delegation.objects.get()
    client.force_login(setup["client_admin"])
    response = client.post(reverse("www:delegation_refuse", args=[delegation.pk]), {"reason": ""})
    assert "Indiquez le motif du refus" in response.content.decode()
    client.post(
        reverse("www:delegation_refuse", args=[delegation.pk]), {"reason": "Pas notre cabinet"}
    )
    delegation.refresh_from_db()
    assert delegation.status == "refused"
    assert "Pas notre cabinet" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("123", "Saisissez un SIRET"),
        ("404833049", "clé de contrôle incorrecte"),
        ("404833048", "introuvable"),
    ],
)
def test_bad_requests(client, setup, identifier, message):
    client.force_login(setup["firm_admin"])
    response = client.post(
        reverse("www:delegation_request"),
        {"delegate": setup["firm"].pk, "kind": "accounting_firm", "identifier": identifier},
    )
    assert message in response.content.decode()
    assert not Delegation.objects.exists()


def test_cannot_request_for_an_organisation_one_does_not_administer(client, setup):
    client.force_login(setup["client_admin"])
    response = client.post(
        reverse("www:delegation_request"),
        {
            "delegate": setup["firm"].pk,
            "kind": "accounting_firm",
            "identifier": setup["firm"].siren,
        },
    )
    assert response.status_code == 200
    assert not Delegation.objects.exists()


def test_self_and_non_member_companies_are_refused(client, setup):
    client.force_login(setup["firm_admin"])
    response = client.post(
        reverse("www:delegation_request"),
        {
            "delegate": setup["firm"].pk,
            "kind": "accounting_firm",
            "identifier": setup["firm"].siren,
        },
    )
    assert "lui-même" in response.content.decode()
    unknown = EstablishmentFactory()  # not a member of the OPCO
    response = client.post(
        reverse("www:delegation_request"),
        {"delegate": setup["firm"].pk, "kind": "accounting_firm", "identifier": unknown.siret},
    )
    assert "pas adhérente de l" in response.content.decode()
    assert not Delegation.objects.exists()


def test_reach(client, setup):
    request_delegation(client, setup)
    delegation = Delegation.objects.get()
    outsider = MembershipFactory(is_admin=True).user
    client.force_login(outsider)
    assert client.get(reverse("www:delegation", args=[delegation.pk])).status_code == 404
    assert client.post(reverse("www:delegation_end", args=[delegation.pk])).status_code == 404
    page = client.get(reverse("www:delegations")).content.decode()
    assert "MARQUEUR-A" not in page
    insider = MembershipFactory(company=setup["client"], can_view_training=True).user
    client.force_login(insider)
    assert client.get(reverse("www:delegation", args=[delegation.pk])).status_code == 403
    assert (
        client.post(
            reverse("www:delegation_scope", args=[delegation.pk]), {"scope": "company"}
        ).status_code
        == 403
    )
    assert client.get(reverse("www:delegations")).status_code == 403
    delegation.refresh_from_db()
    assert delegation.status == "pending"


def test_list_query_count_is_flat(client, setup, django_assert_num_queries):
    client.force_login(setup["client_admin"])
    for _ in range(2):
        firm = MembershipFactory(is_admin=True).company
        Delegation.objects.create(company=setup["client"], delegate=firm, kind="accounting_firm")
    client.get(reverse("www:delegations"))
    with django_assert_num_queries(9):
        client.get(reverse("www:delegations"))
    for _ in range(4):
        firm = MembershipFactory(is_admin=True).company
        Delegation.objects.create(company=setup["client"], delegate=firm, kind="accounting_firm")
    with django_assert_num_queries(9):
        client.get(reverse("www:delegations"))


def test_a_pending_request_is_withdrawn_not_ended(client):
    """Issue 15: a pending delegation shows no « Mettre fin »: its organisation withdraws it,
    the company refuses it."""
    from monespace.organizations.models import Delegation
    from tests.factories import EstablishmentFactory, MembershipFactory

    company = EstablishmentFactory(member=True).company
    company_admin = MembershipFactory(company=company, is_admin=True).user
    of = EstablishmentFactory(provider=True).company
    of_admin = MembershipFactory(company=of, profile="provider", is_admin=True).user
    delegation = Delegation.objects.create(
        company=company,
        delegate=of,
        kind="training_organisation",
        status="pending",
        can_view_training=True,
    )
    url = reverse("www:delegation", args=[delegation.pk])
    client.force_login(of_admin)
    page = client.get(url).content.decode()
    assert "Retirer la demande" in page and "Mettre fin au rattachement" not in page
    client.force_login(company_admin)
    page = client.get(url).content.decode()
    assert "Retirer la demande" not in page and "Mettre fin au rattachement" not in page
