"""Factories with valid identifiers (Luhn checksums computed, never hard-coded)."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum import luhn

from monespace.accounts.models import User
from monespace.organizations.enums import MembershipSource, MembershipStatus, Profile
from monespace.organizations.models import Company, Establishment, KnownContact, Membership

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


class TrainingActionFactory(factory.django.DjangoModelFactory):
    """The training-action row of a dossier (``DossierFactory(training__cost_teaching=…)``)."""

    class Meta:
        model = "dossiers.TrainingAction"

    dossier = None
    modality = "in_person"
    duration_hours = Decimal("14")
    cost_teaching = Decimal("1000.00")


class DossierFactory(factory.django.DjangoModelFactory):
    """A training-action dossier: a draft by default; traits give every state of the lifecycle
    (``submitted``, ``under_review``, ``documents_requested``, ``approved``, ``refused``,
    ``closed``, ``cancelled``)."""

    class Meta:
        model = "dossiers.Dossier"
        skip_postgeneration_save = True

    establishment = factory.SubFactory(EstablishmentFactory, member=True)
    company = factory.LazyAttribute(lambda o: o.establishment.company)
    kind = "training_action"
    title = factory.Sequence(lambda n: f"FORMATION {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=40))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=1))
    state = "draft"
    number = factory.LazyAttributeSequence(
        lambda o, n: None if o.state == "draft" else f"2026-AF-{900000 + n:06d}"
    )
    submitted_at = factory.LazyAttribute(lambda o: None if o.state == "draft" else timezone.now())
    training = factory.RelatedFactory(TrainingActionFactory, factory_related_name="dossier")

    class Params:
        submitted = factory.Trait(state="submitted")
        under_review = factory.Trait(state="under_review")
        documents_requested = factory.Trait(state="documents_requested")
        approved = factory.Trait(state="approved")
        refused = factory.Trait(state="refused")
        closed = factory.Trait(state="closed")
        cancelled = factory.Trait(state="cancelled")


class DocumentFactory(factory.django.DjangoModelFactory):
    """A PDF attached to a dossier (stored under MEDIA_ROOT like an upload)."""

    class Meta:
        model = "dossiers.Document"

    dossier = factory.SubFactory(DossierFactory)
    piece_type = "programme"
    title = "Programme détaillé"
    file = factory.django.FileField(data=PDF, filename="upload")
    original_name = "programme.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(PDF).hexdigest())


class DelegationFactory(factory.django.DjangoModelFactory):
    """An active delegation from a client company to an organisation (whole company)."""

    class Meta:
        model = "organizations.Delegation"

    company = factory.SubFactory(CompanyFactory)
    delegate = factory.SubFactory(CompanyFactory)
    kind = "training_organisation"
    status = "active"
    can_view_training = True

    class Params:
        pending = factory.Trait(status="pending")
        entering = factory.Trait(can_edit_training=True)


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """An OPCO staff member (``user``) with a role: advisor by default."""

    class Meta:
        model = "accounts.StaffProfile"

    user = factory.SubFactory(UserFactory, staff=True)
    role = "advisor"
    branches = factory.LazyFunction(list)

    class Params:
        support = factory.Trait(role="support")
        manager = factory.Trait(role="manager")
