"""Take-over of the old portal (seed 002, "Cas 1"): rights and administrators validated with the
advisors reach users at their first login, and existing accounts when asked."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from monespace.organizations.models import Membership
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "email;siret;profile;civility;last_name;first_name;job_title;can_view_training;can_edit_training;"
    "can_view_apprenticeship;can_edit_apprenticeship;can_view_professionalisation;"
    "can_edit_professionalisation;can_view_invoices;can_manage_bank_details;is_admin\n"
)


def write_csv(tmp_path, rows):
    path = tmp_path / "reprise.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_existing_accounts_get_the_validated_rights(tmp_path):
    establishment = EstablishmentFactory(member=True)
    admin = UserFactory(email="admin@exemple.fr")
    viewer = UserFactory(email="lecteur@exemple.fr")
    never_activated = UserFactory(email="dormant@exemple.fr", password=None)
    never_activated.set_unusable_password()
    never_activated.save()
    path = write_csv(
        tmp_path,
        [
            f"admin@exemple.fr;{establishment.siret};member;Mme;A;B;;1;1;1;1;1;1;1;1;1\n",
            f"lecteur@exemple.fr;{establishment.siret};member;M.;C;D;;1;0;0;0;0;0;0;0;0\n",
            f"dormant@exemple.fr;{establishment.siret};member;M.;E;F;;1;0;0;0;0;0;0;0;0\n",
        ],
    )
    out = io.StringIO()
    call_command("import_known_contacts", str(path), "--apply-to-existing-accounts", stdout=out)
    assert "2 comptes existants mis à jour" in out.getvalue()
    admin_membership = Membership.objects.get(user=admin)
    assert admin_membership.is_admin and admin_membership.status == "active"
    assert list(admin_membership.establishments.all()) == [establishment]
    reader = Membership.objects.get(user=viewer)
    assert reader.can_view_training and not reader.can_edit_training and not reader.is_admin
    assert not Membership.objects.filter(user=never_activated).exists()

    # Running it again changes nothing.
    call_command(
        "import_known_contacts", str(path), "--apply-to-existing-accounts", stdout=io.StringIO()
    )
    assert Membership.objects.filter(user__in=[admin, viewer]).count() == 2


def test_without_the_option_existing_accounts_are_untouched(tmp_path):
    establishment = EstablishmentFactory(member=True)
    user = UserFactory(email="x@exemple.fr")
    path = write_csv(
        tmp_path, [f"x@exemple.fr;{establishment.siret};member;;;;;1;0;0;0;0;0;0;0;0\n"]
    )
    call_command("import_known_contacts", str(path), stdout=io.StringIO())
    assert not Membership.objects.filter(user=user).exists()


def test_an_administrators_removal_is_respected(tmp_path):
    establishment = EstablishmentFactory(member=True)
    removed = MembershipFactory(
        company=establishment.company,
        status="revoked",
        decided_at=timezone.now(),
        user__email="parti@exemple.fr",
    )
    path = write_csv(
        tmp_path, [f"parti@exemple.fr;{establishment.siret};member;;;;;1;0;0;0;0;0;0;0;0\n"]
    )
    call_command(
        "import_known_contacts", str(path), "--apply-to-existing-accounts", stdout=io.StringIO()
    )
    assert list(Membership.objects.filter(user=removed.user).values_list("status", flat=True)) == [
        "revoked"
    ]


def test_refresh_applies_the_opco_data_again(client, tmp_path):
    from django.urls import reverse

    establishment = EstablishmentFactory(member=True)
    user = UserFactory(email="rafraichir@exemple.fr")
    own = MembershipFactory(user=user, pending=True)
    path = write_csv(
        tmp_path, [f"rafraichir@exemple.fr;{establishment.siret};member;;;;;1;0;0;0;0;0;0;0;0\n"]
    )
    call_command("import_known_contacts", str(path), stdout=io.StringIO())
    client.force_login(user)
    response = client.post(reverse("www:attachment_refresh", args=[own.pk]), follow=True)
    assert "à jour des données de l" in response.content.decode()
    assert Membership.objects.get(user=user, company=establishment.company).can_view_training
