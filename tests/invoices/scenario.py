"""A training action accorded with subrogation: the company « BOULANGERIE DES LILAS » asked
2 000 € of teaching and 600 € of pay; the OF « FORMAPRO » is paid directly for the teaching.
Shared by the invoice, payment and ledger tests."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from monespace.dossiers.instruction import dossier_approve
from monespace.dossiers.models import Employee, Trainee
from monespace.invoices.models import BankAccount, BankAccountState
from tests.factories import (
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"  # a real 1×1 image
CA = "FR7630006000011234567890189"  # Crédit Agricole, BIC AGRIFRPP
BNP = "FR7630004000030001234567897"  # BNP Paribas, BIC BNPAFRPP


def pdf(name="facture.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def active_rib(company, profile, iban=CA, bic="AGRIFRPP", holder=None, establishment=None):
    from django.utils import timezone

    account = BankAccount(
        company=company,
        establishment=establishment,
        profile=profile,
        holder=holder or company.name,
        iban=iban,
        bic=bic,
        original_name="rib.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        state=BankAccountState.ACTIVE,
        decided_at=timezone.now() - timezone.timedelta(days=90),
    )
    account.file.save("rib", pdf(), save=False)
    account.save()
    return account


def build(direct_payment=True):
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    company = establishment.company
    provider = EstablishmentFactory(provider=True, company__name="FORMAPRO")
    advisor = StaffProfileFactory().user
    dossier = DossierFactory(
        establishment=establishment,
        under_review=True,
        provider_establishment=provider,
        provider_name="FORMAPRO",
        provider_siret=provider.siret,
        training__cost_teaching=Decimal("2000.00"),
        training__cost_pay=Decimal("600.00"),
        training__direct_payment=direct_payment,
    )
    employee = Employee.objects.create(
        company=company, last_name="MARTIN", first_name="Léa", birth_date=date(1990, 5, 4)
    )
    trainee = Trainee.objects.create(
        dossier=dossier, employee=employee, hours_on_work_time=Decimal("14")
    )
    dossier_approve(
        actor=advisor,
        dossier=dossier,
        granted={"cost_teaching": Decimal("2000.00"), "cost_pay": Decimal("500.00")},
    )
    dossier.refresh_from_db()
    return {
        "dossier": dossier,
        "company": company,
        "establishment": establishment,
        "provider": provider,
        "trainee": trainee,
        "advisor": advisor,
        # The company's person with the invoice right (and the right to enter training actions).
        "hr": MembershipFactory(
            company=company,
            can_view_invoices=True,
            can_view_training=True,
            can_edit_training=True,
        ).user,
        # Sees the dossier, not the invoices.
        "viewer": MembershipFactory(company=company, can_view_training=True).user,
        "of_admin": MembershipFactory(
            company=provider.company,
            profile="provider",
            is_admin=True,
            user__notification_themes=["invoices", "payments"],
        ).user,
        "outsider": MembershipFactory(is_admin=True).user,
    }
