"""Activation codes: issued by staff in a postal letter, redeemed once, within 3 months, per profile."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from monespace.organizations.activation import (
    CodeError,
    activation_code_issue,
    activation_code_redeem,
    code_hash,
)
from monespace.organizations.models import ActivationCode, Membership, MembershipEvent
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return EstablishmentFactory(
        member=True, is_head_office=True, address="3 RUE DU FOUR", city="PARIS"
    ).company


@pytest.fixture
def issued(monkeypatch, company):
    captured = {}
    real_render = render_to_string

    def spy(template, context=None, *args, **kwargs):
        if template == "letters/activation_code.html":
            captured.update(context)
        return real_render(template, context, *args, **kwargs)

    monkeypatch.setattr("monespace.core.pdf.render_to_string", spy)
    staff = UserFactory(staff=True)
    activation, letter = activation_code_issue(actor=staff, company=company, profile="member")
    return activation, letter, captured["code"], captured


def test_issue_stores_only_a_hash_and_renders_the_letter(issued, company):
    activation, letter, code, context = issued
    assert letter.startswith(b"%PDF")
    assert activation.code_hash == code_hash(code) and code not in activation.code_hash
    assert activation.expires_at - activation.created_at >= timedelta(days=89)
    html = render_to_string("letters/activation_code.html", context)
    assert code in html and "3 RUE DU FOUR" in html and f"SIREN {company.siren}" in html


def test_redeem_makes_the_user_administrator_once(issued, company):
    _, _, code, _ = issued
    user = UserFactory()
    membership = activation_code_redeem(
        user=user, code=code.lower().replace("-", " "), profile="member"
    )
    assert (
        membership.is_admin and membership.status == "active" and membership.can_manage_bank_details
    )
    assert MembershipEvent.objects.get(membership=membership).kind == "activated_by_code"
    with pytest.raises(CodeError) as error:
        activation_code_redeem(user=UserFactory(), code=code, profile="member")
    assert error.value.reason == "used"


def test_existing_pending_request_becomes_administrator(issued, company):
    _, _, code, _ = issued
    pending = MembershipFactory(company=company, pending=True)
    activation_code_redeem(user=pending.user, code=code, profile="member")
    pending.refresh_from_db()
    assert pending.status == "active" and pending.is_admin
    assert Membership.objects.filter(user=pending.user).count() == 1


@pytest.mark.parametrize("reason", ["expired", "wrong_profile", "unknown", "renewed"])
def test_refused_codes(issued, company, reason):
    activation, _, code, _ = issued
    profile = "member"
    if reason == "expired":
        ActivationCode.objects.filter(pk=activation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif reason == "wrong_profile":
        profile = "provider"
    elif reason == "unknown":
        code = "AAAA-BBBB-CCCC"
    elif reason == "renewed":
        activation_code_issue(actor=None, company=company, profile="member")
    with pytest.raises(CodeError) as error:
        activation_code_redeem(user=UserFactory(), code=code, profile=profile)
    assert error.value.reason == {"renewed": "unknown"}.get(reason, reason)
    assert not Membership.objects.filter(is_admin=True).exists()


class TestViews:
    def test_user_enters_the_code(self, client, issued, company):
        _, _, code, _ = issued
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("www:activation_code"), {"profile": "member", "code": code})
        assert response.url == reverse("www:administration_company", args=[company.pk, "member"])
        assert client.get(response.url).status_code == 200

    def test_wrong_profile_and_expired_say_so(self, client, issued):
        activation, _, code, _ = issued
        client.force_login(UserFactory())
        page = client.post(
            reverse("www:activation_code"), {"profile": "provider", "code": code}
        ).content.decode()
        assert "Ce code correspond au profil « Adhérent »" in page
        ActivationCode.objects.filter(pk=activation.pk).update(expires_at=timezone.now())
        page = client.post(
            reverse("www:activation_code"), {"profile": "member", "code": code}
        ).content.decode()
        assert "Ce code a expiré" in page and "conseiller" in page

    def test_attempts_are_limited(self, client, issued, settings):
        settings.SIGNUP_NUMBER_MAX_ATTEMPTS = 2
        _, _, code, _ = issued
        client.force_login(UserFactory())
        for _ in range(2):
            client.post(
                reverse("www:activation_code"), {"profile": "member", "code": "ZZZZ-ZZZZ-ZZZZ"}
            )
        page = client.post(
            reverse("www:activation_code"), {"profile": "member", "code": code}
        ).content.decode()
        assert "Trop de tentatives" in page
        assert not Membership.objects.filter(is_admin=True).exists()

    def test_staff_issues_the_letter_and_designates_admins(self, client, company):
        member = MembershipFactory(company=company)
        client.force_login(UserFactory(staff=True))
        response = client.post(reverse("backoffice:issue_code", args=[company.pk, "member"]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert ActivationCode.objects.filter(company=company).open().count() == 1
        client.post(reverse("backoffice:issue_code", args=[company.pk, "member"]))
        assert ActivationCode.objects.filter(company=company).open().count() == 1
        assert (
            client.post(reverse("backoffice:issue_code", args=[company.pk, "nope"])).status_code
            == 404
        )

        client.post(
            reverse("backoffice:designate_admin", args=[company.pk]), {"membership": member.pk}
        )
        member.refresh_from_db()
        assert member.is_admin
        assert MembershipEvent.objects.get(membership=member).kind == "designated_by_staff"
        response = client.post(
            reverse("backoffice:remove_admin", args=[company.pk]), {"membership": member.pk}
        )
        member.refresh_from_db()
        assert member.is_admin, "the last administrator stays"
        assert (
            client.post(
                reverse("backoffice:designate_admin", args=[company.pk]), {"membership": "x"}
            ).status_code
            == 404
        )
        page = client.get(reverse("backoffice:company", args=[company.pk])).content.decode()
        assert "Remplacé" in page and "En cours de validité" in page

    def test_company_users_never_reach_staff_pages(self, client, company):
        admin = MembershipFactory(company=company, is_admin=True)
        client.force_login(admin.user)
        assert (
            client.post(reverse("backoffice:issue_code", args=[company.pk, "member"])).status_code
            == 404
        )
        assert client.get(reverse("backoffice:company", args=[company.pk])).status_code == 404
        assert not ActivationCode.objects.exists()
