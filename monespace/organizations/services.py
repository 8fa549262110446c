"""Writes on organizations: attachments (rattachements) and their requests."""

from django.db import transaction

from .enums import MembershipSource, MembershipStatus
from .models import KnownContact, Membership, RegistrationRequest


@transaction.atomic
def registration_request_create(
    *, user, profile, company, establishment, declared_idcc="", number_matched=False
):
    return RegistrationRequest.objects.create(
        user=user,
        profile=profile,
        company=company,
        establishment=establishment,
        declared_idcc=declared_idcc,
        number_matched=number_matched,
    )


@transaction.atomic
def memberships_activate_for_new_user(*, user):
    """Once a new user has verified their address and chosen a password:

    - every establishment where the OPCO knew them as a contact becomes an active attachment,
      with the rights the OPCO's data records for them (none if none);
    - the attachment they asked for at registration becomes a pending request.
    Returns the memberships created.
    """
    created = []
    for contact in KnownContact.objects.filter(email__iexact=user.email).select_related(
        "establishment__company"
    ):
        establishment = contact.establishment
        membership = Membership.objects.filter(
            user=user,
            company=establishment.company,
            profile=contact.profile,
            status=MembershipStatus.ACTIVE,
        ).first()
        if membership is None:
            membership = Membership.objects.create(
                user=user,
                company=establishment.company,
                profile=contact.profile,
                requested_establishment=establishment,
                status=MembershipStatus.ACTIVE,
                source=MembershipSource.KNOWN_CONTACT,
                **contact.rights(),
            )
            created.append(membership)
        else:
            # Rights add up across the establishments of the same company.
            for name, value in contact.rights().items():
                if value:
                    setattr(membership, name, True)
            membership.save()
        membership.establishments.add(establishment)

    request = (
        RegistrationRequest.objects.filter(user=user)
        .select_related("company", "establishment")
        .first()
    )
    if request is not None:
        already = Membership.objects.filter(
            user=user,
            company=request.company,
            profile=request.profile,
            status__in=[MembershipStatus.PENDING, MembershipStatus.ACTIVE],
        ).exists()
        if not already:
            membership = Membership.objects.create(
                user=user,
                company=request.company,
                profile=request.profile,
                requested_establishment=request.establishment,
                declared_idcc=request.declared_idcc,
                status=MembershipStatus.PENDING,
                source=MembershipSource.SIGNUP,
            )
            if request.establishment is not None:
                membership.establishments.add(request.establishment)
            created.append(membership)
        request.delete()
    return created
