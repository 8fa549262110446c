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
        apprenticeship = factory.Trait(can_view_apprenticeship=True, can_edit_apprenticeship=True)
        professionalisation = factory.Trait(
            can_view_professionalisation=True, can_edit_professionalisation=True
        )


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


def nir_for(birth, sex="F", place="75111", order=123):
    """A valid NIR agreeing with a birth date and a sex (key computed)."""
    from stdnum.fr import nir

    body = f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{place}{order:03d}"
    return body + nir.calc_check_digits(body)


def _years_before(day, years, extra_days=0):
    from monespace.dossiers.apprenticeship.pay import add_years

    return add_years(day, -years) - timedelta(days=extra_days)


class ApprenticeshipContractFactory(factory.django.DjangoModelFactory):
    """The contract row of an apprenticeship dossier: every field a transmission requires,
    valid by the law (an apprentice of 19, a two-year contract, a maître of 40), without its
    pay lines and pieces (``ready_to_transmit``)."""

    class Meta:
        model = "dossiers.ApprenticeshipContract"

    dossier = None
    cerfa_version = "10103*14"
    employer_name = factory.LazyAttribute(lambda o: o.dossier.company.name)
    employer_street = "12 RUE DES LILAS"
    employer_postal_code = "75011"
    employer_city = "PARIS"
    employer_email = "rh@exemple.fr"
    employer_type = "12"
    specific_employer = "0"
    naf = "10.71C"
    headcount = 12
    idcc = "0843"
    apprentice_last_name = "MARTIN"
    apprentice_first_name = "Léa"
    apprentice_birth_date = factory.LazyAttribute(
        lambda o: _years_before(o.dossier.start_date, 19, 40)
    )
    apprentice_sex = "F"
    apprentice_nir = factory.LazyAttribute(lambda o: nir_for(o.apprentice_birth_date))
    apprentice_street = "3 RUE DU PONT"
    apprentice_postal_code = "75012"
    apprentice_city = "PARIS"
    apprentice_email = "lea.martin@exemple.fr"
    apprentice_birth_department = "75"
    apprentice_birth_city = "PARIS"
    apprentice_nationality = "1"
    apprentice_social_regime = "2"
    apprentice_situation = "1"
    apprentice_diploma_prepared = "41"
    apprentice_last_class = "01"
    apprentice_highest_diploma = "41"
    master1_last_name = "BERNARD"
    master1_first_name = "Paul"
    master1_birth_date = factory.LazyAttribute(lambda o: _years_before(o.dossier.start_date, 40))
    master1_job = "Chef boulanger"
    master1_diploma = "Brevet de maîtrise"
    master1_diploma_level = "4"
    masters_eligibility_attested = True
    contract_mode = "1"
    contract_type = "11"
    conclusion_date = factory.LazyAttribute(lambda o: o.dossier.start_date - timedelta(days=10))
    practical_training_start = factory.LazyAttribute(lambda o: o.dossier.start_date)
    weekly_hours = 35
    smc = Decimal("1850.00")
    pension_fund = "AG2R"
    cfa_uai = "0751234J"
    cfa_street = "1 AVENUE DU CFA"
    cfa_postal_code = "75013"
    cfa_city = "PARIS"
    diploma_type = "54"
    qualification_title = "BTS Management commercial opérationnel"
    rncp = "RNCP38362"
    training_start = factory.LazyAttribute(lambda o: o.dossier.start_date + timedelta(days=7))
    exams_end = factory.LazyAttribute(lambda o: o.dossier.end_date - timedelta(days=30))
    training_hours = 1350
    signature_place = "PARIS"
    pieces_attested = True

    class Params:
        # 17 at the start and at the signature: a legal representative is required.
        minor = factory.Trait(
            apprentice_birth_date=factory.LazyAttribute(
                lambda o: _years_before(o.dossier.start_date, 17, 40)
            ),
            guardian_name="MARTIN Sophie",
            guardian_same_address=True,
            apprentice_diploma_prepared="33",
            apprentice_highest_diploma="25",
        )


class ContractFactory(DossierFactory):
    """An apprenticeship dossier (« Contrat d'apprentissage »), two years from in 20 days, its
    CFA named; a draft by default, with the same state traits as ``DossierFactory``."""

    class Meta:
        exclude = ("training",)

    kind = "apprenticeship"
    title = "MARTIN Léa — BTS Management commercial opérationnel"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=2 * 365 - 1))
    provider_name = "CFA DES METIERS"
    provider_siret = factory.LazyFunction(lambda: siret_from(siren_from(99999), 1))
    number = factory.LazyAttributeSequence(
        lambda o, n: (
            None if o.state in ("draft", "awaiting_employer") else f"2026-CA-{900000 + n:06d}"
        )
    )
    training = None
    apprenticeship = factory.RelatedFactory(
        ApprenticeshipContractFactory, factory_related_name="dossier"
    )


class ProfessionalisationContractFactory(factory.django.DjangoModelFactory):
    """The contract row of a professionalisation dossier: every field a transmission requires,
    valid by the law (an employee of 22 with a bac, an 11-month CDD, 400 h of training, a tutor
    of 46)."""

    class Meta:
        model = "dossiers.ProfessionalisationContract"

    dossier = None
    employer_name = factory.LazyAttribute(lambda o: o.dossier.company.name)
    employer_street = "12 RUE DES LILAS"
    employer_postal_code = "75011"
    employer_city = "PARIS"
    employer_email = "rh@exemple.fr"
    naf = "10.71C"
    headcount = 12
    idcc = "0843"
    employee_last_name = "DURAND"
    employee_first_name = "Hugo"
    employee_birth_date = factory.LazyAttribute(
        lambda o: _years_before(o.dossier.start_date, 22, 40)
    )
    employee_sex = "M"
    employee_nir = factory.LazyAttribute(lambda o: nir_for(o.employee_birth_date, sex="M"))
    employee_street = "3 RUE DU PONT"
    employee_postal_code = "75012"
    employee_city = "PARIS"
    employee_situation = "student"
    employee_highest_level = "4"
    employment_contract = "cdi"
    employment_start = factory.LazyAttribute(lambda o: o.dossier.start_date - timedelta(days=900))
    tutor_last_name = "BERNARD"
    tutor_first_name = "Paul"
    tutor_birth_date = factory.LazyAttribute(lambda o: _years_before(o.dossier.start_date, 46))
    tutor_job = "Chef d'équipe"
    tutor_experience_years = 10
    contract_type = "1"
    nature = "cdd"
    conclusion_date = factory.LazyAttribute(lambda o: o.dossier.start_date - timedelta(days=5))
    job_title = "Vendeur conseil"
    weekly_hours = Decimal("35")
    pay_rate = Decimal("80")
    hiring_salary = Decimal("1500.00")
    qualification_type = "rncp"
    qualification_title = "Titre professionnel Vendeur conseil en magasin"
    rncp = "RNCP37098"
    training_start = factory.LazyAttribute(lambda o: o.dossier.start_date + timedelta(days=7))
    training_end = factory.LazyAttribute(lambda o: o.dossier.end_date - timedelta(days=14))
    training_hours = 400
    signature_place = "PARIS"
    pieces_attested = True


class ProContractFactory(DossierFactory):
    """A professionalisation dossier: an 11-month CDD from in 20 days, its organisation
    named; a draft by default (``kind="pro_a"`` for a Pro-A)."""

    class Meta:
        exclude = ("training",)

    kind = "professionalisation"
    title = "DURAND Hugo — Titre professionnel Vendeur conseil en magasin"
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))
    end_date = factory.LazyAttribute(lambda o: _add_months(o.start_date, 11) - timedelta(days=1))
    provider_name = "FORMAPRO"
    provider_siret = factory.LazyFunction(lambda: siret_from(siren_from(99998), 1))
    number = factory.LazyAttributeSequence(
        lambda o, n: (
            None if o.state in ("draft", "awaiting_employer") else f"2026-CP-{900000 + n:06d}"
        )
    )
    training = None
    professionalisation = factory.RelatedFactory(
        ProfessionalisationContractFactory, factory_related_name="dossier"
    )


def _add_months(day, months):
    from monespace.dossiers.apprenticeship.pay import add_months

    return add_months(day, months)


def pieces_attached(dossier, actor=None):
    """Attach the pieces the dossier's kind requires (scanned clean)."""
    for required in dossier.spec.required_pieces(dossier):
        DocumentFactory(
            dossier=dossier,
            piece_type=required.piece_type,
            title=str(required.get_piece_type_display()),
            uploaded_by=actor,
            scan_status="clean",
        )
    return dossier


def ready_to_transmit(dossier, actor=None):
    """Compute the contract's pay lines and attach the pieces it requires (signed CERFA,
    convention de formation): the draft can then be transmitted."""
    from monespace.dossiers.apprenticeship.services import pay_lines_save

    pay_lines_save(dossier=dossier, rates=None)
    for required in dossier.spec.required_pieces(dossier):
        DocumentFactory(
            dossier=dossier,
            piece_type=required.piece_type,
            title=str(required.get_piece_type_display()),
            uploaded_by=actor,
            scan_status="clean",
        )
    return dossier


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
        apprenticeship = factory.Trait(can_view_apprenticeship=True, can_edit_apprenticeship=True)
        professionalisation = factory.Trait(
            can_view_professionalisation=True, can_edit_professionalisation=True
        )
        mandate = factory.Trait(
            can_view_apprenticeship=True,
            can_edit_apprenticeship=True,
            apprenticeship_mandate=True,
        )


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
        accountant = factory.Trait(role="accountant")


def npec_for(*, rncp="RNCP38362", idcc="0843", amount="7300.00", cpne="120", applicable=None):
    """An NPEC edition with one branch (``cpne`` ← ``idcc``) and one level: what a contract of
    ``ContractFactory`` (IDCC 0843, RNCP38362) is funded on."""
    from datetime import date

    from monespace.referentials.models import CpneAgreement, NpecEdition, NpecLevel

    edition = NpecEdition.objects.create(
        name=f"Référentiel {NpecEdition.objects.count() + 1}",
        sha256=f"{NpecEdition.objects.count() + 1:064d}",
    )
    CpneAgreement.objects.create(edition=edition, cpne_code=cpne, cpne="Boulangerie", idcc=idcc)
    return NpecLevel.objects.create(
        edition=edition,
        rncp=rncp,
        cpne_code=cpne,
        cpne="Boulangerie",
        amount=Decimal(amount),
        applicable_from=applicable or date(2024, 7, 15),
    )
