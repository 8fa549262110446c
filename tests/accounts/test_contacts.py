"""« Vos interlocuteurs » (issue 15): contact roles per dispositif, regional entities by
department, the grouping read from the process's copy, and their editing by OPCO managers."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monespace.accounts.departments import department_of
from monespace.accounts.models import RegionalEntity, RegionalEntityDepartment, StaffProfile
from monespace.accounts.selectors import contacts_for
from tests.factories import EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def entity(name, *departments, **fields):
    created = RegionalEntity.objects.create(
        name=name, address="47 rue de la Victoire", postal_code="75009", city="PARIS", **fields
    )
    for code in departments:
        RegionalEntityDepartment.objects.create(entity=created, code=code)
    return created


def staff(name, contact_roles, *, branches=("Boulangerie",), entity=None, **user):
    return StaffProfile.objects.create(
        user=UserFactory(staff=True, last_name=name, **user),
        role="advisor",
        branches=list(branches),
        contact_roles=contact_roles,
        entity=entity,
    )


def shown(contacts):
    return [
        (group.role.value, [p.user.last_name for p in group.people]) for group in contacts.groups
    ]


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [
        ("75011", "75"),
        ("01000", "01"),
        (" 75 011", "75"),
        ("20090", "2A"),
        ("20200", "2B"),
        ("97110", "971"),
        ("98800", "988"),
        ("98000", None),
        ("00100", None),
        ("7501", None),
        ("7501A", None),
        ("", None),
    ],
)
def test_department_of_a_postal_code(postal_code, department):
    assert department_of(postal_code) == department


def test_people_of_the_entity_serving_the_department_grouped_by_role_in_the_seed_order():
    paris = entity("Délégation Île-de-France", "75", "92")
    lyon = entity("Délégation Auvergne-Rhône-Alpes", "69")
    staff("DUBOS", ["plan_advisor", "pro_advisor"], entity=paris)
    staff("PHAROSE", ["plan_assistant"], entity=paris)
    staff("SIEGE", ["plan_assistant", "pro_assistant"])  # head office, no entity
    staff("LYONNAIS", ["plan_advisor", "pro_assistant"], entity=lyon)
    staff("HOTELLERIE", ["plan_advisor"], entity=paris, branches=["Hôtellerie"])
    staff("PARTI", ["plan_advisor"], entity=paris, is_active=False)
    staff("AUCUN", [], entity=paris)
    establishment = EstablishmentFactory(postal_code="75011", branch="Boulangerie")

    contacts = contacts_for(establishment)

    assert contacts.entity == paris
    # Per role: the entity's people; the head office only for the role the entity leaves empty.
    assert shown(contacts) == [
        ("plan_advisor", ["DUBOS"]),
        ("plan_assistant", ["PHAROSE"]),
        ("pro_advisor", ["DUBOS"]),
        ("pro_assistant", ["SIEGE"]),
    ]
    assert [g.label for g in contacts.groups][:2] == [
        "Conseiller(ère) plan de développement des compétences",
        "Assistant(e) plan de développement des compétences",
    ]


def test_without_an_entity_for_the_department_only_the_head_office_is_shown():
    paris = entity("Délégation Île-de-France", "75")
    staff("DUBOS", ["plan_advisor"], entity=paris)
    staff("SIEGE", ["pro_advisor"])
    establishment = EstablishmentFactory(postal_code="35000", branch="Boulangerie")

    contacts = contacts_for(establishment)

    assert contacts.entity is None
    assert shown(contacts) == [("pro_advisor", ["SIEGE"])]


def test_nobody_assigned_leaves_the_entity_and_no_group():
    paris = entity("Délégation Île-de-France", "75")
    staff("DUBOS", ["plan_advisor"], entity=paris, branches=["Hôtellerie"])
    for branch in ("Boulangerie", ""):
        contacts = contacts_for(EstablishmentFactory(postal_code="75011", branch=branch))
        assert (contacts.entity, contacts.groups) == (paris, ())


def test_contacts_are_read_from_the_process_copy(django_assert_num_queries):
    staff("DUBOS", ["plan_advisor"])
    establishment = EstablishmentFactory(postal_code="75011", branch="Boulangerie")
    contacts_for(establishment)
    staff("NOUVEAU", ["plan_advisor"])
    with django_assert_num_queries(0):
        assert shown(contacts_for(establishment)) == [("plan_advisor", ["DUBOS"])]


def test_a_department_is_served_by_one_entity_and_codes_are_checked():
    paris = entity("Délégation Île-de-France", "75")
    other = entity("Délégation Normandie")
    with pytest.raises(ValidationError) as taken:
        RegionalEntityDepartment(entity=other, code="75").full_clean()
    assert "déjà servi par une délégation régionale" in str(taken.value)
    for code in ("20", "7", "96", "2a"):
        with pytest.raises(ValidationError) as wrong:
            RegionalEntityDepartment(entity=paris, code=code).full_clean()
        assert "Saisissez le code d'un département" in str(wrong.value)
    with pytest.raises(ValidationError) as roles:
        StaffProfile(
            user=UserFactory(staff=True), role="advisor", contact_roles=["advisor"]
        ).full_clean()
    assert "rôles d'interlocuteur" in str(roles.value)


# --- Editing by OPCO managers (Django admin) ------------------------------------------------


@pytest.fixture
def manager(client):
    user = StaffProfile.objects.create(user=UserFactory(staff=True), role="manager").user
    client.force_login(user)
    return user


def test_a_manager_creates_an_entity_with_its_departments(client, manager):
    entity("Délégation Normandie", "14")
    url = reverse("admin:accounts_regionalentity_add")
    form = {
        "name": "Délégation Île-de-France",
        "address": "47 rue de la Victoire",
        "address_complement": "",
        "postal_code": "75009",
        "city": "PARIS",
        "phone": "01 88 13 10 10",
        "email": "idf@opco-demo.fr",
        "departments-TOTAL_FORMS": "2",
        "departments-INITIAL_FORMS": "0",
        "departments-MIN_NUM_FORMS": "0",
        "departments-MAX_NUM_FORMS": "1000",
        "departments-0-code": "75",
        "departments-1-code": "14",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "Ce département est déjà servi par une délégation régionale." in refused.content.decode()
    assert not RegionalEntity.objects.filter(name="Délégation Île-de-France").exists()

    form["departments-1-code"] = "92"
    assert client.post(url, form).status_code == 302
    created = RegionalEntity.objects.get(name="Délégation Île-de-France")
    assert sorted(created.departments.values_list("code", flat=True)) == ["75", "92"]
    listing = client.get(reverse("admin:accounts_regionalentity_changelist"), {"q": "92"})
    assert "Délégation Île-de-France" in listing.content.decode()
    assert "Délégation Normandie" not in listing.content.decode()


def test_a_manager_sets_contact_roles_and_entity_but_not_the_role(client, manager):
    paris = entity("Délégation Île-de-France", "75")
    advisor = staff("DUBOS", ["plan_advisor"])
    establishment = EstablishmentFactory(postal_code="75011", branch="Boulangerie")
    assert contacts_for(establishment).entity == paris  # the copy is warm
    url = reverse("admin:accounts_staffprofile_change", args=[advisor.pk])
    assert 'name="role"' not in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "role": "manager",  # read only for a manager: ignored
            "entity": paris.pk,
            "contact_roles": ["pro_advisor", "plan_advisor"],
            "branches": "Boulangerie\n\nHôtellerie\nBoulangerie",
            "phone": "01 02 03 04 05",
        },
    )

    assert response.status_code == 302
    advisor.refresh_from_db()
    assert (advisor.role, advisor.entity, advisor.contact_roles, advisor.branches) == (
        "advisor",
        paris,
        ["plan_advisor", "pro_advisor"],
        ["Boulangerie", "Hôtellerie"],
    )
    # The admin cleared the process's copy: the change shows at once.
    assert shown(contacts_for(establishment)) == [
        ("plan_advisor", ["DUBOS"]),
        ("pro_advisor", ["DUBOS"]),
    ]
    listing = client.get(reverse("admin:accounts_staffprofile_changelist"), {"q": "DUBOS"})
    assert "Conseiller(ère) professionnalisation / alternance" in listing.content.decode()
    # Adding a profile (a role, that is rights) stays with the superusers.
    assert client.get(reverse("admin:accounts_staffprofile_add")).status_code == 403


def test_the_django_permission_changes_the_role(client):
    from django.contrib.auth.models import Permission

    advisor = staff("DUBOS", ["plan_advisor"])
    administrator = UserFactory(staff=True)
    administrator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_staffprofile", "change_staffprofile"])
    )
    client.force_login(administrator)
    url = reverse("admin:accounts_staffprofile_change", args=[advisor.pk])
    assert 'name="role"' in client.get(url).content.decode()
    response = client.post(
        url, {"role": "training_assistant", "entity": "", "branches": "Boulangerie", "phone": ""}
    )
    assert response.status_code == 302
    advisor.refresh_from_db()
    assert (advisor.role, advisor.contact_roles) == ("training_assistant", [])


def test_other_staff_cannot_edit_contacts(client):
    advisor = staff("DUBOS", ["plan_advisor"])
    client.force_login(advisor.user)
    for name in (
        "admin:accounts_regionalentity_changelist",
        "admin:accounts_staffprofile_changelist",
    ):
        assert client.get(reverse(name)).status_code == 403
    assert (
        client.post(
            reverse("admin:accounts_staffprofile_change", args=[advisor.pk]),
            {"contact_roles": ["pro_advisor"], "branches": "Boulangerie", "phone": ""},
        ).status_code
        == 403
    )
    advisor.refresh_from_db()
    assert advisor.contact_roles == ["plan_advisor"]


def test_demo_contacts_are_idempotent_and_shown_to_the_demo_bakery():
    from monespace.accounts.demo import seed_contacts

    StaffProfile.objects.create(
        user=UserFactory(staff=True, email="conseiller@demo.monespace.fr", last_name="Dubos"),
        role="advisor",
        branches=["Boulangerie-pâtisserie", "Hôtels, cafés, restaurants"],
    )
    seed_contacts()
    seed_contacts()

    assert RegionalEntity.objects.count() == 1
    assert StaffProfile.objects.count() == 2
    bakery = EstablishmentFactory(postal_code="75011", branch="Boulangerie-pâtisserie")
    contacts = contacts_for(bakery)
    assert contacts.entity.name == "Délégation régionale Île-de-France"
    assert shown(contacts) == [
        ("plan_advisor", ["Dubos"]),
        ("plan_assistant", ["Pharose"]),
        ("pro_advisor", ["Dubos"]),
        ("pro_assistant", ["Pharose"]),
    ]
    # The advisor keeps the role and branches seed_demo gave her.
    advisor = StaffProfile.objects.get(user__email="conseiller@demo.monespace.fr")
    assert (advisor.role, advisor.branches[1]) == ("advisor", "Hôtels, cafés, restaurants")
