"""Factories with valid identifiers (Luhn checksums computed, never hard-coded)."""

import factory
from stdnum import luhn

from monespace.accounts.models import User
from monespace.organizations.enums import MembershipSource, MembershipStatus, Profile
from monespace.organizations.models import Company, Establishment, KnownContact, Membership


def siren_from(seq):
    prefix = f"{7000000 + seq:08d}"
    return prefix + luhn.calc_check_digit(prefix)


def siret_from(siren, nic_seq):
    prefix = f"{siren}{nic_seq:04d}"
    return prefix + luhn.calc_check_digit(prefix)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@exemple.fr")
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    civility = "mme"
    notification_themes = factory.LazyFunction(list)
    password = factory.django.Password("Motdepasse-solide-42")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if not create:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(
            user=obj, email=obj.email, primary=True, verified=extracted is not False
        )

    class Params:
        staff = factory.Trait(is_staff=True)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    siren = factory.Sequence(siren_from)
    name = factory.Sequence(lambda n: f"ENTREPRISE FICTIVE {n}")
    naf = "10.71C"
    headcount_band = "03"

    class Params:
        ceased = factory.Trait(state="C")


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    company = factory.SubFactory(CompanyFactory)
    siret = factory.LazyAttributeSequence(lambda o, n: siret_from(o.company.siren, n % 9000 + 1))
    address = "12 RUE DES LILAS"
    postal_code = "75011"
    city = "PARIS"
    is_head_office = True

    class Params:
        closed = factory.Trait(state="F")
        member = factory.Trait(
            member_number=factory.Sequence(lambda n: f"{10000 + n}.001"), idcc="0843"
        )
        provider = factory.Trait(
            provider_number=factory.Sequence(lambda n: f"OF{50000 + n}"), nda="11755353175"
        )


class KnownContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnownContact

    email = factory.Sequence(lambda n: f"contact{n}@exemple.fr")
    establishment = factory.SubFactory(EstablishmentFactory, member=True)
    profile = Profile.MEMBER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    profile = Profile.MEMBER
    status = MembershipStatus.ACTIVE
    source = MembershipSource.REQUEST

    class Params:
        pending = factory.Trait(status=MembershipStatus.PENDING)
