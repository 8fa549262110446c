"""Holes found in review, each shown closed."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.accounts.models import StaffProfile
from monespace.dossiers.models import Dossier, Employee, SavedView, Trainee
from monespace.organizations.models import Delegation
from monespace.support.models import SupportSession
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return EstablishmentFactory(member=True)


def test_a_delegate_with_view_only_rights_cannot_enter(client, company):
    firm = MembershipFactory(is_admin=True).company
    Delegation.objects.create(
        company=company.company,
        delegate=firm,
        kind="accounting_firm",
        status="active",
        can_edit_training=True,
    )
    viewer = MembershipFactory(company=firm, can_view_training=True).user
    client.force_login(viewer)
    assert client.post(reverse("www:dossier_new"), {"establishment": company.pk}).status_code == 403
    assert not Dossier.objects.exists()


def test_provider_scope_is_respected(client, company):
    first = EstablishmentFactory(provider=True)
    second = EstablishmentFactory(company=first.company, provider=True, is_head_office=False)
    scoped = MembershipFactory(company=first.company, profile="provider", can_view_training=True)
    scoped.establishments.add(second)
    dossier = create_dossier(
        company=company.company,
        establishment=company,
        state="submitted",
        number="2026-AF-000900",
        provider_establishment=first,
    )
    client.force_login(scoped.user)
    assert client.get(reverse("www:dossier", args=[dossier.pk])).status_code == 404


def test_a_typed_siret_links_only_a_training_organisation(client, company):
    editor = MembershipFactory(
        company=company.company, can_edit_training=True, can_view_training=True
    ).user
    other_member = EstablishmentFactory(member=True)
    dossier = create_dossier(company=company.company, establishment=company)
    client.force_login(editor)
    client.post(
        reverse("www:dossier_step", args=[dossier.pk, "formation"]),
        {"provider_siret": other_member.siret, "validate": "1"},
    )
    dossier.refresh_from_db()
    assert dossier.provider_siret == other_member.siret and dossier.provider_establishment is None


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "1e3"])
def test_odd_ids_never_give_a_500(client, company, value):
    editor = MembershipFactory(
        company=company.company, can_edit_training=True, can_view_training=True, is_admin=True
    ).user
    dossier = create_dossier(company=company.company, establishment=company)
    client.force_login(editor)
    SavedView.objects.create(user=editor, name="Bizarre", query=f"establishment={value}")
    assert client.get(reverse("www:home")).status_code == 200
    assert client.get(reverse("www:quick_access")).status_code == 200
    assert client.get(reverse("www:dossiers") + f"?establishment={value}").status_code == 200
    assert (
        client.post(
            reverse("www:dossier_step", args=[dossier.pk, "formation"]), {"choose_provider": value}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("www:dossier_step", args=[dossier.pk, "modules"]), {"delete_module": value}
        ).status_code
        == 404
    )
    assert client.post(reverse("www:set_perimeter"), {"company": value}).status_code == 302
    staff = StaffProfile.objects.create(user=UserFactory(staff=True), role="manager").user
    client.force_login(staff)
    assert client.post(reverse("backoffice:announcements"), {"delete": value}).status_code == 404
    assert (
        client.post(
            reverse("backoffice:designate_admin", args=[company.company_id]), {"membership": value}
        ).status_code
        == 404
    )


def test_a_provider_profile_admin_cannot_end_the_companys_delegations(client, company):
    MembershipFactory(company=company.company, is_admin=True)
    provider_admin = MembershipFactory(
        company=company.company, profile="provider", is_admin=True
    ).user
    delegation = Delegation.objects.create(
        company=company.company,
        delegate=MembershipFactory(is_admin=True).company,
        kind="cfa",
        status="active",
    )
    client.force_login(provider_admin)
    assert client.post(reverse("www:delegation_end", args=[delegation.pk])).status_code == 403
    delegation.refresh_from_db()
    assert delegation.status == "active"


@pytest.fixture
def support_staff(client):
    staff = StaffProfile.objects.create(user=UserFactory(staff=True), role="support").user
    client.force_login(staff)
    return staff


def test_withdrawn_consent_ends_a_session_in_progress(client, support_staff):
    user = UserFactory(support_access_consent_at=timezone.now())
    client.post(reverse("backoffice:support_access", args=[user.pk]), {"reason": "Aide"})
    assert client.get(reverse("www:home")).status_code == 200
    type(user).objects.filter(pk=user.pk).update(support_access_consent_at=None)
    response = client.get(reverse("www:profile"))
    assert response.status_code == 302 and response.url == reverse("account_login")
    assert SupportSession.objects.get().ended_at is not None


def test_no_open_redirect_and_nothing_recorded_for_an_inactive_user(client, support_staff):
    user = UserFactory(support_access_consent_at=timezone.now())
    response = client.post(
        reverse("backoffice:support_access", args=[user.pk]),
        {"reason": "", "back": "https://ailleurs.example/"},
    )
    assert response.url == reverse("backoffice:home")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert (
        client.post(
            reverse("backoffice:support_access", args=[user.pk]), {"reason": "Aide"}
        ).status_code
        == 404
    )
    assert not SupportSession.objects.exists()


def test_a_refused_31st_trainee_is_not_added_to_the_register(client, company):
    editor = MembershipFactory(
        company=company.company, can_edit_training=True, can_view_training=True
    ).user
    dossier = create_dossier(company=company.company, establishment=company)
    for i in range(30):
        employee = Employee.objects.create(
            company=company.company, last_name=f"N{i}", first_name="A", birth_date=date(1990, 1, 1)
        )
        Trainee.objects.create(dossier=dossier, employee=employee)
    client.force_login(editor)
    client.post(
        reverse("www:dossier_step", args=[dossier.pk, "salaries"]),
        {
            "add_new": "1",
            "new-last_name": "EN-TROP",
            "new-first_name": "B",
            "new-birth_date": "1990-01-01",
            "new-hours_on_work_time": "1",
            "new-hours_off_work_time": "0",
        },
    )
    assert not Employee.objects.filter(last_name="EN-TROP").exists()
