"""The reach-first filter returns exactly what the former per-row filter returned.

The former ``visible_to`` (a correlated ``EXISTS`` per dossier for members, delegates and
providers) is kept here as the oracle. Random worlds — companies and establishments, memberships
of every profile, status, right and scope, delegations of every status, flag and scope, dossiers
in every state with or without a provider — are generated from fixed seeds, and for every user
of every world the new filter must give the same dossiers, the same provided dossiers and the
same establishments to enter for, with and without a working perimeter.
"""

import random

import pytest
from django.db.models import Exists, OuterRef, Q

from monespace.dossiers import perms
from monespace.dossiers.enums import DossierState
from monespace.dossiers.filters import perimeter_q
from monespace.dossiers.models import Dossier
from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Delegation, DelegationStatus, Establishment, Membership
from tests.factories import (
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    UserFactory,
    siret_from,
)
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db

# --- The former filter, as it was (the oracle), per dispositif --------------------------------
# The former filter knew the training action only; the oracle applies it to each dispositif
# with that dispositif's rights, as the kinds declare them.

KINDS = {
    "training_action": ("can_view_training", "can_edit_training", "can_edit_training"),
    "apprenticeship": (
        "can_view_apprenticeship",
        "can_edit_apprenticeship",
        "apprenticeship_mandate",
    ),
}
NOT_SENT = ["draft", "awaiting_employer"]
# A CFA's delegation covers the contracts naming it only.
OWN_DOSSIERS = {"apprenticeship"}


def _own(kind, outer="provider_establishment__company_id"):
    return {"delegate_id": OuterRef(outer)} if kind in OWN_DOSSIERS else {}


def _flags(view, enter, prefix=""):
    return Q(**{f"{prefix}{view}": True}) | Q(**{f"{prefix}{enter}": True})


def _in_scope(outer):
    return Q(establishments__isnull=True) | Q(establishments=OuterRef(outer))


def _old_visible_q(user, kind):
    view, enter, _transmit = KINDS[kind]
    member = Exists(
        Membership.objects.filter(
            _flags(view, enter),
            user=user,
            status=MembershipStatus.ACTIVE,
            profile=Profile.MEMBER,
            company_id=OuterRef("company_id"),
        ).filter(_in_scope("establishment_id"))
    )
    delegate = Exists(
        Delegation.objects.filter(
            _flags(view, enter),
            _flags(view, enter, "delegate__memberships__")
            | Q(delegate__memberships__is_admin=True),
            status=DelegationStatus.ACTIVE,
            company_id=OuterRef("company_id"),
            delegate__memberships__user=user,
            delegate__memberships__status=MembershipStatus.ACTIVE,
            **_own(kind),
        ).filter(_in_scope("establishment_id"))
    )
    return Q(kind=kind) & (member | delegate | (old_provider(user, kind) & ~Q(state__in=NOT_SENT)))


def old_enters(user, dossier, *, transmit=False):
    """Whether the user enters for (or transmits) an existing dossier: the establishment's
    company scope as for filing, and for a CFA's delegation, the dossier naming the CFA."""
    if not dossier.establishment.is_active:
        return False
    kind = dossier.kind
    _view, enter, transmit_flag = KINDS[kind]
    member = Membership.objects.filter(
        user=user,
        status=MembershipStatus.ACTIVE,
        profile=Profile.MEMBER,
        company_id=dossier.company_id,
        **{enter: True},
    ).filter(Q(establishments__isnull=True) | Q(establishments=dossier.establishment_id))
    own = {}
    if kind in OWN_DOSSIERS:
        if dossier.provider_establishment_id is None:
            own = {"pk__in": []}
        else:
            own = {"delegate_id": dossier.provider_establishment.company_id}
    delegate = Delegation.objects.filter(
        Q(**{f"delegate__memberships__{enter}": True}) | Q(delegate__memberships__is_admin=True),
        status=DelegationStatus.ACTIVE,
        company_id=dossier.company_id,
        delegate__memberships__user=user,
        delegate__memberships__status=MembershipStatus.ACTIVE,
        **{enter: True, **({transmit_flag: True} if transmit else {})},
        **own,
    ).filter(Q(establishments__isnull=True) | Q(establishments=dossier.establishment_id))
    return member.exists() or delegate.exists()


def old_visible_to(user):
    if user.is_staff:
        return Dossier.objects.all()
    return Dossier.objects.filter(
        _old_visible_q(user, "training_action") | _old_visible_q(user, "apprenticeship")
    )


def old_provider(user, kind):
    view, enter, _transmit = KINDS[kind]
    return Exists(
        Membership.objects.filter(
            _flags(view, enter) | Q(is_admin=True),
            user=user,
            status=MembershipStatus.ACTIVE,
            profile=Profile.PROVIDER,
            company_id=OuterRef("provider_establishment__company_id"),
        ).filter(
            Q(establishments__isnull=True) | Q(establishments=OuterRef("provider_establishment_id"))
        )
    )


def old_provided_by(user):
    return Dossier.objects.filter(
        (Q(kind="training_action") & old_provider(user, "training_action"))
        | (Q(kind="apprenticeship") & old_provider(user, "apprenticeship")),
        ~Q(state__in=NOT_SENT),
    )


def old_establishments_user_can_enter(user, kind="training_action", *, transmit=False):
    _view, enter, transmit_flag = KINDS[kind]
    member = Membership.objects.filter(
        user=user,
        status=MembershipStatus.ACTIVE,
        profile=Profile.MEMBER,
        company_id=OuterRef("company_id"),
        **{enter: True},
    ).filter(Q(establishments__isnull=True) | Q(establishments=OuterRef("pk")))
    delegate = Delegation.objects.filter(
        Q(**{f"delegate__memberships__{enter}": True}) | Q(delegate__memberships__is_admin=True),
        status=DelegationStatus.ACTIVE,
        company_id=OuterRef("company_id"),
        delegate__memberships__user=user,
        delegate__memberships__status=MembershipStatus.ACTIVE,
        **{enter: True, **({transmit_flag: True} if transmit else {})},
    ).filter(Q(establishments__isnull=True) | Q(establishments=OuterRef("pk")))
    return Establishment.objects.filter(Exists(member) | Exists(delegate)).active()


def old_perimeter_q(company_id):
    acting_for = Delegation.objects.filter(
        delegate_id=company_id, status=DelegationStatus.ACTIVE, company_id=OuterRef("company_id")
    )
    return (
        Q(company_id=company_id)
        | Q(provider_establishment__company_id=company_id)
        | Q(Exists(acting_for))
    )


# --- Random worlds ----------------------------------------------------------------------------

FLAGS = (
    "can_view_training",
    "can_edit_training",
    "can_view_apprenticeship",
    "can_edit_apprenticeship",
    "is_admin",
)
DELEGATION_FLAGS = (
    "can_view_training",
    "can_edit_training",
    "can_view_apprenticeship",
    "can_edit_apprenticeship",
    "apprenticeship_mandate",
)


def _maybe(rng, p=0.5):
    return rng.random() < p


def build_world(rng):
    companies = [CompanyFactory() for _ in range(4)]
    establishments = {}
    for company in companies:
        establishments[company.pk] = [
            EstablishmentFactory(
                company=company,
                siret=siret_from(company.siren, n + 1),
                state="F" if _maybe(rng, 0.15) else "A",
            )
            for n in range(rng.randint(1, 3))
        ]
    users = [UserFactory() for _ in range(5)]
    for user in users:
        for company in rng.sample(companies, rng.randint(0, 3)):
            membership = MembershipFactory(
                user=user,
                company=company,
                profile=rng.choice([Profile.MEMBER, Profile.MEMBER, Profile.PROVIDER]),
                status=rng.choice(
                    [MembershipStatus.ACTIVE] * 3
                    + [MembershipStatus.PENDING, MembershipStatus.REVOKED]
                ),
                **{flag: _maybe(rng, 0.4) for flag in FLAGS},
            )
            if _maybe(rng, 0.4):
                own = establishments[company.pk]
                membership.establishments.set(rng.sample(own, rng.randint(1, len(own))))
    for company in companies:
        for delegate in rng.sample([c for c in companies if c != company], rng.randint(0, 2)):
            delegation = Delegation.objects.create(
                company=company,
                delegate=delegate,
                kind="training_organisation",
                status=rng.choice(
                    [DelegationStatus.ACTIVE] * 3
                    + [DelegationStatus.PENDING, DelegationStatus.REVOKED]
                ),
                **{flag: _maybe(rng, 0.5) for flag in DELEGATION_FLAGS},
            )
            if _maybe(rng, 0.4):
                own = establishments[company.pk]
                delegation.establishments.set(rng.sample(own, rng.randint(1, len(own))))
    everywhere = [e for own in establishments.values() for e in own]
    for n in range(15):
        company = rng.choice(companies)
        state = rng.choice(list(DossierState))
        create_dossier(
            kind=rng.choice(list(KINDS)),
            company=company,
            establishment=rng.choice(establishments[company.pk]),
            state=state,
            number=None if state == DossierState.DRAFT else f"N-{company.pk}-{n}",
            provider_establishment=rng.choice(everywhere) if _maybe(rng, 0.6) else None,
        )
    return users, companies


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("seed", range(25))
def test_reach_first_filter_equals_the_former_filter(seed):
    users, companies = build_world(random.Random(seed))
    for user in [*users, UserFactory(staff=True)]:
        reach = perms.reach_of(user)
        assert ids(perms.visible_to(user, reach=reach)) == ids(old_visible_to(user)), user
        assert ids(perms.provided_by(user, reach=reach)) == ids(old_provided_by(user)), user
        for kind in KINDS:
            enter = ids(old_establishments_user_can_enter(user, kind))
            assert ids(perms.establishments_user_can_enter(user, reach=reach, kind=kind)) == enter
            for establishment in Establishment.objects.all():
                assert perms.can_enter_for(user, establishment, reach=reach, kind=kind) == (
                    establishment.pk in enter
                ), (user, kind)
        for dossier in Dossier.objects.select_related("establishment", "provider_establishment"):
            assert perms.can_enter(user, dossier, reach=reach) == old_enters(user, dossier), (
                user,
                dossier.pk,
            )
            assert perms.can_transmit(user, dossier, reach=reach) == old_enters(
                user, dossier, transmit=True
            ), (user, dossier.pk)
        for company in companies:
            assert ids(perms.visible_to(user, reach=reach).filter(perimeter_q(company.pk))) == ids(
                old_visible_to(user).filter(old_perimeter_q(company.pk))
            ), (user, company)


def test_the_reach_is_read_in_one_query(django_assert_num_queries):
    """Memberships and delegations in one query, whatever the number of dossiers."""
    users, _companies = build_world(random.Random(7))
    member_only = MembershipFactory(can_view_training=True).user
    staff = UserFactory(staff=True)
    for user in [member_only, *users]:
        with django_assert_num_queries(1):
            perms.reach_of(user)
    with django_assert_num_queries(0):
        perms.reach_of(staff)


def test_a_scope_outside_its_company_covers_nothing():
    """An establishment of another company in a membership's scope opens nothing (the former
    filter also required the dossier's company to be the membership's)."""
    membership = MembershipFactory(can_view_training=True)
    foreign = EstablishmentFactory()
    membership.establishments.set([foreign])
    create_dossier(company=foreign.company, establishment=foreign)
    reach = perms.reach_of(membership.user)
    assert not reach.view
    assert not perms.visible_to(membership.user, reach=reach).exists()
