"""Who may see and enter dossiers — the one place that decides, for every door.

- Company users see the dossiers of the establishments in their scope when an administrator
  gave them the right to view (or enter) training actions; they enter (create, edit drafts)
  with the right to enter.
- An organisation attached to the company (delegation) does the same within its scope.
- The training organisation of a transmitted dossier sees it under its provider profile, and may
  attach documents to it.
- OPCO staff see everything.
A dossier outside these is a 404; visible but without the right to act, a 403.
"""

from django.db.models import Exists, OuterRef, Q

from monespace.organizations.enums import MembershipStatus, Profile
from monespace.organizations.models import Delegation, DelegationStatus, Establishment, Membership

from .enums import DossierState
from .models import Dossier

VIEW = Q(can_view_training=True) | Q(can_edit_training=True)
ENTER = Q(can_edit_training=True)


def _in_scope(outer_establishment):
    return Q(establishments__isnull=True) | Q(establishments=OuterRef(outer_establishment))


def _member(user, rights):
    return Exists(
        Membership.objects.filter(
            rights,
            user=user,
            status=MembershipStatus.ACTIVE,
            profile=Profile.MEMBER,
            company_id=OuterRef("company_id"),
        ).filter(_in_scope("establishment_id"))
    )


# Within a delegate organisation, the person also needs a training right (or the administrator
# right) from their own administrator.
DELEGATE_MEMBER = (
    Q(delegate__memberships__can_view_training=True)
    | Q(delegate__memberships__can_edit_training=True)
    | Q(delegate__memberships__is_admin=True)
)


# To enter for the client, the person needs the right to enter (or to administer) in their own
# organisation too.
DELEGATE_ENTER = Q(delegate__memberships__can_edit_training=True) | Q(
    delegate__memberships__is_admin=True
)


def _delegate(user, rights):
    return Exists(
        Delegation.objects.filter(
            rights,
            DELEGATE_MEMBER,
            status=DelegationStatus.ACTIVE,
            company_id=OuterRef("company_id"),
            delegate__memberships__user=user,
            delegate__memberships__status=MembershipStatus.ACTIVE,
        ).filter(_in_scope("establishment_id"))
    )


def _provider(user):
    return Exists(
        Membership.objects.filter(
            Q(can_view_training=True) | Q(can_edit_training=True) | Q(is_admin=True),
            user=user,
            status=MembershipStatus.ACTIVE,
            profile=Profile.PROVIDER,
            company_id=OuterRef("provider_establishment__company_id"),
        ).filter(
            Q(establishments__isnull=True) | Q(establishments=OuterRef("provider_establishment_id"))
        )
    )


def visible_to(user):
    if not user.is_authenticated:
        return Dossier.objects.none()
    if user.is_staff:
        return Dossier.objects.all()
    return Dossier.objects.filter(
        _member(user, VIEW)
        | _delegate(user, VIEW)
        | (_provider(user) & ~Q(state=DossierState.DRAFT))
    )


def provided_by(user):
    """Dossiers where one of the user's training organisations is the provider (provider profile)."""
    return Dossier.objects.filter(_provider(user) & ~Q(state=DossierState.DRAFT))


def establishments_user_can_enter(user):
    """Establishments for which the user may file training-action requests."""
    if not user.is_authenticated:
        return Establishment.objects.none()
    member = Membership.objects.filter(
        ENTER,
        user=user,
        status=MembershipStatus.ACTIVE,
        profile=Profile.MEMBER,
        company_id=OuterRef("company_id"),
    ).filter(Q(establishments__isnull=True) | Q(establishments=OuterRef("pk")))
    delegate = Delegation.objects.filter(
        ENTER,
        DELEGATE_ENTER,
        status=DelegationStatus.ACTIVE,
        company_id=OuterRef("company_id"),
        delegate__memberships__user=user,
        delegate__memberships__status=MembershipStatus.ACTIVE,
    ).filter(Q(establishments__isnull=True) | Q(establishments=OuterRef("pk")))
    return Establishment.objects.filter(Exists(member) | Exists(delegate)).active()


def can_enter_for(user, establishment):
    return establishments_user_can_enter(user).filter(pk=establishment.pk).exists()


def can_edit(user, dossier):
    """Only drafts are edited by users; after transmission only OPCO staff change a dossier."""
    return dossier.is_draft and can_enter_for(user, dossier.establishment)


def can_attach_documents(user, dossier):
    """Documents may be attached after transmission too (seed 003), by those who enter for the
    establishment and by the dossier's training organisation."""
    if can_enter_for(user, dossier.establishment):
        return True
    return provided_by(user).filter(pk=dossier.pk).exists()
