"""Company administration: rights, access requests, last administrator, reach (404 / 403)."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from monespace.organizations.models import Membership, MembershipEvent
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RIGHTS_PAYLOAD = {"scope": "company", "can_view_training": "on", "can_edit_training": "on"}


@pytest.fixture
def company_setup():
    establishment = EstablishmentFactory(
        member=True, member_number="12927.001", company__name="SOCIETE A MARQUEUR-A"
    )
    company = establishment.company
    admin = MembershipFactory(company=company, is_admin=True, user__first_name="Marie")
    request = MembershipFactory(
        company=company, pending=True, requested_establishment=establishment
    )
    other = EstablishmentFactory(member=True, company__name="SOCIETE B MARQUEUR-B")
    other_admin = MembershipFactory(company=other.company, is_admin=True)
    other_request = MembershipFactory(
        company=other.company, pending=True, user__last_name="INTRUS-MARQUEUR-B"
    )
    return {
        "company": company,
        "establishment": establishment,
        "admin": admin,
        "request": request,
        "other_admin": other_admin,
        "other_request": other_request,
    }


def login(client, membership):
    client.force_login(membership.user)


class TestReach:
    def test_admin_sees_own_company_and_never_the_other(self, client, company_setup):
        login(client, company_setup["admin"])
        page = client.get(reverse("www:administration")).content.decode()
        assert "MARQUEUR-A" in page and "MARQUEUR-B" not in page
        url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
        page = client.get(url).content.decode()
        assert company_setup["request"].user.email in page
        assert "MARQUEUR-B" not in page

    def test_outsider_gets_404(self, client, company_setup):
        login(client, company_setup["other_admin"])
        assert (
            client.get(
                reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
            ).status_code
            == 404
        )
        assert (
            client.get(
                reverse("www:administration_membership", args=[company_setup["request"].pk])
            ).status_code
            == 404
        )
        response = client.post(
            reverse("www:administration_membership_rights", args=[company_setup["request"].pk]),
            RIGHTS_PAYLOAD,
        )
        assert response.status_code == 404
        company_setup["request"].refresh_from_db()
        assert company_setup["request"].status == "pending"

    def test_insider_without_admin_right_gets_403(self, client, company_setup):
        member = MembershipFactory(company=company_setup["company"], can_view_training=True)
        login(client, member)
        assert (
            client.get(
                reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
            ).status_code
            == 403
        )
        assert (
            client.get(
                reverse("www:administration_membership", args=[company_setup["request"].pk])
            ).status_code
            == 403
        )
        response = client.post(
            reverse("www:administration_membership_refuse", args=[company_setup["request"].pk]),
            {"reason": "x"},
        )
        assert response.status_code == 403
        assert client.get(reverse("www:administration")).status_code == 403

    def test_admin_of_the_other_profile_gets_403(self, client, company_setup):
        provider_admin = MembershipFactory(
            company=company_setup["company"], profile="provider", is_admin=True
        )
        login(client, provider_admin)
        assert (
            client.get(
                reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
            ).status_code
            == 403
        )
        assert (
            client.get(
                reverse("www:administration_company", args=[company_setup["company"].pk, "nope"])
            ).status_code
            == 404
        )

    def test_staff_decides_only_where_there_is_no_admin(self, client, company_setup):
        staff = UserFactory(staff=True)
        client.force_login(staff)
        assert (
            client.get(
                reverse("www:administration_membership", args=[company_setup["request"].pk])
            ).status_code
            == 403
        )
        orphan = MembershipFactory(pending=True)
        assert (
            client.get(reverse("www:administration_membership", args=[orphan.pk])).status_code
            == 200
        )
        page = client.get(reverse("backoffice:requests")).content.decode()
        assert orphan.user.email in page and company_setup["request"].user.email not in page


class TestDecisions:
    def test_accept_with_chosen_establishments(self, client, company_setup):
        login(client, company_setup["admin"])
        request = company_setup["request"]
        response = client.post(
            reverse("www:administration_membership_rights", args=[request.pk]),
            {
                "scope": "establishments",
                "establishments": [company_setup["establishment"].pk],
                "can_edit_training": "on",
            },
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == "active" and request.decided_by == company_setup["admin"].user
        assert request.can_edit_training and request.can_view_training  # entering implies viewing
        assert list(request.establishments.all()) == [company_setup["establishment"]]
        assert "accepté" in mail.outbox[-1].subject
        assert mail.outbox[-1].to == [request.user.email]
        event = MembershipEvent.objects.get(membership=request, kind="accepted")
        assert event.before["status"] == "pending" and event.after["can_edit_training"] is True
        assert event.actor == company_setup["admin"].user

    def test_refuse_needs_a_reason(self, client, company_setup):
        login(client, company_setup["admin"])
        request = company_setup["request"]
        response = client.post(
            reverse("www:administration_membership_refuse", args=[request.pk]), {"reason": "   "}
        )
        assert response.status_code == 200
        assert "Indiquez le motif du refus" in response.content.decode()
        request.refresh_from_db()
        assert request.status == "pending"
        client.post(
            reverse("www:administration_membership_refuse", args=[request.pk]),
            {"reason": "Inconnu chez nous"},
        )
        request.refresh_from_db()
        assert request.status == "refused" and request.refusal_reason == "Inconnu chez nous"
        assert "Inconnu chez nous" in mail.outbox[-1].body
        # a second click on "Refuser" changes nothing
        response = client.post(
            reverse("www:administration_membership_refuse", args=[request.pk]), {"reason": "encore"}
        )
        assert response.status_code == 302
        assert MembershipEvent.objects.filter(membership=request, kind="refused").count() == 1

    def test_scope_establishments_requires_one(self, client, company_setup):
        login(client, company_setup["admin"])
        response = client.post(
            reverse("www:administration_membership_rights", args=[company_setup["request"].pk]),
            {"scope": "establishments"},
        )
        assert "Choisissez au moins un établissement" in response.content.decode()
        company_setup["request"].refresh_from_db()
        assert company_setup["request"].status == "pending"

    def test_forged_establishment_of_another_company_is_refused(self, client, company_setup):
        login(client, company_setup["admin"])
        foreign = EstablishmentFactory()
        response = client.post(
            reverse("www:administration_membership_rights", args=[company_setup["request"].pk]),
            {"scope": "establishments", "establishments": [foreign.pk]},
        )
        assert response.status_code == 200
        company_setup["request"].refresh_from_db()
        assert company_setup["request"].status == "pending"

    def test_rights_change_takes_effect_and_is_recorded(self, client, company_setup):
        member = MembershipFactory(company=company_setup["company"], can_view_training=True)
        login(client, company_setup["admin"])
        client.post(
            reverse("www:administration_membership_rights", args=[member.pk]),
            {"scope": "company", "can_view_invoices": "on"},
        )
        member.refresh_from_db()
        assert member.can_view_invoices and not member.can_view_training
        event = MembershipEvent.objects.get(membership=member, kind="rights_changed")
        assert (
            event.before["can_view_training"] is True and event.after["can_view_training"] is False
        )

    def test_last_admin_cannot_be_removed_or_demoted(self, client, company_setup):
        admin = company_setup["admin"]
        login(client, admin)
        response = client.post(
            reverse("www:administration_membership_rights", args=[admin.pk]), {"scope": "company"}
        )
        assert "au moins un administrateur" in response.content.decode()
        client.post(reverse("www:administration_membership_revoke", args=[admin.pk]))
        client.post(reverse("www:attachment_leave", args=[admin.pk]))
        admin.refresh_from_db()
        assert admin.status == "active" and admin.is_admin
        second = MembershipFactory(company=company_setup["company"], is_admin=True)
        client.post(reverse("www:administration_membership_revoke", args=[second.pk]))
        second.refresh_from_db()
        assert second.status == "revoked"

    def test_single_admin_notice(self, client, company_setup):
        login(client, company_setup["admin"])
        url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
        assert "seul administrateur" in client.get(url).content.decode()
        MembershipFactory(company=company_setup["company"], is_admin=True)
        assert "seul administrateur" not in client.get(url).content.decode()


class TestRequests:
    def test_a_ceased_company_is_told_so_from_my_attachments(self, client):
        from tests.factories import CompanyFactory

        company = CompanyFactory(ceased=True)
        client.force_login(UserFactory())
        response = client.post(
            reverse("www:attachment_request"),
            {"profile": "member", "identifier": company.siren, "number": "12927.001"},
        )
        page = html.unescape(response.content.decode())
        assert "Cette entreprise a cessé son activité" in page and "fermé" not in page
        assert not Membership.objects.exists()

    def test_request_from_my_attachments_notifies_admins(self, client, company_setup):
        user = UserFactory()
        client.force_login(user)
        response = client.post(
            reverse("www:attachment_request"),
            {
                "profile": "member",
                "identifier": company_setup["establishment"].siret,
                "number": "12927.001",
            },
        )
        assert response.url == reverse("www:attachments")
        membership = Membership.objects.get(user=user)
        assert membership.status == "pending"
        assert mail.outbox[-1].to == [company_setup["admin"].user.email]
        assert "Demande de rattachement" in mail.outbox[-1].subject
        # asking twice creates nothing more
        client.post(
            reverse("www:attachment_request"),
            {
                "profile": "member",
                "identifier": company_setup["establishment"].siret,
                "number": "12927.001",
            },
        )
        assert Membership.objects.filter(user=user).count() == 1

    @pytest.mark.parametrize(
        ("identifier", "number", "message"),
        [
            ("1234", "12927.001", "Saisissez un SIRET"),
            ("73282932000075", "12927.001", "clé de contrôle incorrecte"),
            (None, "000", "Ce numéro ne correspond pas"),
        ],
    )
    def test_bad_requests(self, client, company_setup, identifier, number, message):
        client.force_login(UserFactory())
        identifier = identifier or company_setup["establishment"].siret
        response = client.post(
            reverse("www:attachment_request"),
            {"profile": "member", "identifier": identifier, "number": number},
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Membership.objects.filter(user=response.wsgi_request.user).exists()

    def test_user_leaves_an_attachment(self, client, company_setup):
        member = MembershipFactory(company=company_setup["company"])
        login(client, member)
        client.post(reverse("www:attachment_leave", args=[member.pk]))
        member.refresh_from_db()
        assert member.status == "revoked"
        assert MembershipEvent.objects.get(membership=member).kind == "left"
        assert (
            client.post(
                reverse("www:attachment_leave", args=[company_setup["admin"].pk])
            ).status_code
            == 404
        )


def test_company_page_query_count_is_flat(client, company_setup, django_assert_num_queries):
    login(client, company_setup["admin"])
    url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
    client.get(url)
    with django_assert_num_queries(8):
        client.get(url)
    for _ in range(6):
        MembershipFactory(company=company_setup["company"], can_view_training=True)
    EstablishmentFactory(company=company_setup["company"], is_head_office=False)
    with django_assert_num_queries(8):
        client.get(url)


def test_the_company_page_lists_its_establishments_and_who_works_on_each(client, company_setup):
    """Seed 003's « Établissements »: each SIRET with its address, member number, IDCC and
    state, and the users attached to it (scoped to it, or to the whole company); the last
    sign-in of each user."""
    company = company_setup["company"]
    head = company_setup["establishment"]
    branch = EstablishmentFactory(
        company=company, is_head_office=False, city="RENNES", member_number="12927.002"
    )
    scoped = MembershipFactory(company=company, user__last_name="SCOPEE", can_view_training=True)
    scoped.establishments.add(branch)
    login(client, company_setup["admin"])
    page = client.get(
        reverse("www:administration_company", args=[company.pk, "member"])
    ).content.decode()
    assert head.siret in page and branch.siret in page and "12927.002" in page
    assert "RENNES" in page and "Dernière connexion" in page
    table = page.split('id="establishments-title"')[1]
    rows = {
        siret: next(row for row in table.split("<tr>") if siret in row)
        for siret in (head.siret, branch.siret)
    }
    admin_name = company_setup["admin"].user.get_full_name()
    assert "SCOPEE" in rows[branch.siret] and admin_name in rows[branch.siret]
    assert "SCOPEE" not in rows[head.siret] and admin_name in rows[head.siret]


@pytest.mark.second_factor
class TestSecondFactor:
    def test_administrator_without_second_factor_is_sent_to_set_one_up(self, client, company_setup):
        login(client, company_setup["admin"])
        url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("mfa_index")
        response = client.post(
            reverse("www:administration_membership_rights", args=[company_setup["request"].pk]),
            RIGHTS_PAYLOAD,
        )
        assert response.url == reverse("mfa_index")
        company_setup["request"].refresh_from_db()
        assert company_setup["request"].status == "pending"

    def test_with_an_authenticator_the_page_opens(self, client, company_setup):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(
            user=company_setup["admin"].user,
            type=Authenticator.Type.TOTP,
            data={"secret": "JBSWY3DPEHPK3PXP"},
        )
        login(client, company_setup["admin"])
        url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
        assert client.get(url).status_code == 200

    def test_reach_is_checked_before_the_second_factor(self, client, company_setup):
        login(client, company_setup["other_admin"])
        url = reverse("www:administration_company", args=[company_setup["company"].pk, "member"])
        assert client.get(url).status_code == 404


def test_plural_messages_are_translated_for_several(client, company_setup):
    MembershipFactory(company=company_setup["company"], pending=True)
    login(client, company_setup["admin"])
    assert "2 demandes en attente" in client.get(reverse("www:administration")).content.decode()


def test_an_administrator_invites_someone_who_lands_with_the_rights_given(client, company_setup):
    from django.core import mail

    from monespace.organizations.models import KnownContact
    from monespace.organizations.services import memberships_activate_for_new_user

    company = company_setup["company"]
    url = reverse("www:administration_invitation", args=[company.pk, "member"])
    login(client, company_setup["admin"])
    # Bad input: answered next to the fields, what was typed kept, nothing sent.
    response = client.post(
        url,
        {
            "invitation-email": "pas-une-adresse",
            "invitation-last_name": "Roux",
            "invitation-first_name": "Chloé",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide" in page and 'value="Roux"' in page
    assert "Donnez au moins un droit" in page
    assert not KnownContact.objects.exists() and not mail.outbox
    response = client.post(
        url,
        {
            "invitation-email": "Chloe.Roux@Exemple.fr",
            "invitation-last_name": "Roux",
            "invitation-first_name": "Chloé",
            "invitation-can_edit_training": "on",
        },
    )
    assert response.status_code == 302
    contact = KnownContact.objects.get()
    assert contact.email == "chloe.roux@exemple.fr" and contact.can_view_training
    assert mail.outbox[-1].to == ["chloe.roux@exemple.fr"]
    assert "/inscription/" in mail.outbox[-1].body
    page = client.get(reverse("www:administration_company", args=[company.pk, "member"]))
    assert "chloe.roux@exemple.fr" in page.content.decode()
    # She creates her account through the usual journey: attached with the rights given.
    user = UserFactory(email="chloe.roux@exemple.fr")
    memberships_activate_for_new_user(user=user)
    membership = Membership.objects.get(user=user, company=company)
    assert membership.status == "active" and membership.can_edit_training
    # Invited again: she is attached already.
    response = client.post(
        url,
        {
            "invitation-email": "chloe.roux@exemple.fr",
            "invitation-last_name": "Roux",
            "invitation-first_name": "Chloé",
            "invitation-can_view_training": "on",
        },
    )
    assert "déjà rattachée" in response.content.decode()


def test_someone_with_an_account_is_attached_at_once(client, company_setup):
    from django.core import mail

    existing = UserFactory(email="paul@ailleurs.fr")
    login(client, company_setup["admin"])
    company = company_setup["company"]
    client.post(
        reverse("www:administration_invitation", args=[company.pk, "member"]),
        {
            "invitation-email": "paul@ailleurs.fr",
            "invitation-last_name": "Girard",
            "invitation-first_name": "Paul",
            "invitation-can_view_invoices": "on",
        },
    )
    membership = Membership.objects.get(user=existing, company=company)
    assert membership.status == "active" and membership.can_view_invoices
    assert "rattaché" in mail.outbox[-1].subject


def test_only_the_company_administrators_invite(client, company_setup):
    company = company_setup["company"]
    url = reverse("www:administration_invitation", args=[company.pk, "member"])
    data = {
        "invitation-email": "x@exemple.fr",
        "invitation-last_name": "X",
        "invitation-first_name": "Y",
        "invitation-can_view_training": "on",
    }
    login(client, company_setup["other_admin"])
    assert client.post(url, data).status_code == 404
    member = MembershipFactory(company=company, can_view_training=True)
    login(client, member)
    assert client.post(url, data).status_code == 403
    assert client.get(url).status_code in (403, 405)
