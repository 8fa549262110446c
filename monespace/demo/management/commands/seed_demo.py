"""Demo data for every persona. Idempotent: running it again changes nothing."""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from monespace.accounts.demo import seed_contacts
from monespace.accounts.models import User
from monespace.organizations import importers
from monespace.organizations.enums import MembershipSource, MembershipStatus, Profile
from monespace.organizations.models import Establishment, Membership

DATA = Path(importers.__file__).resolve().parent / "data"
DEMO_PASSWORD = "Demo-Mon-Espace-2026"

ALL_RIGHTS = {
    "can_view_training": True,
    "can_edit_training": True,
    "can_view_apprenticeship": True,
    "can_edit_apprenticeship": True,
    "can_view_professionalisation": True,
    "can_edit_professionalisation": True,
    "can_view_invoices": True,
    "can_manage_bank_details": True,
}

# (e-mail, first name, last name, role shown in the printed list, staff, superuser)
PERSONAS = [
    (
        "entreprise@demo.monespace.fr",
        "Marie",
        "Lefebvre",
        "Entreprise — administratrice de BOULANGERIE DES LILAS",
        False,
        False,
    ),
    (
        "salarie@demo.monespace.fr",
        "Hugo",
        "Bernard",
        "Entreprise — consultation des actions de formation",
        False,
        False,
    ),
    (
        "demande@demo.monespace.fr",
        "Inès",
        "Moreau",
        "Entreprise — demande de rattachement en attente",
        False,
        False,
    ),
    (
        "of@demo.monespace.fr",
        "Paul",
        "Girard",
        "Organisme de formation — FORMAPRO CONSEIL",
        False,
        False,
    ),
    (
        "cfa@demo.monespace.fr",
        "Sophie",
        "Lambert",
        "CFA — CFA DES METIERS DE BOUCHE (pré-saisit les contrats de la boulangerie, sans mandat)",
        False,
        False,
    ),
    (
        "conseiller@demo.monespace.fr",
        "Ericka",
        "Dubos",
        "Personnel OPCO — conseillère (branche boulangerie : dossiers à instruire)",
        True,
        False,
    ),
    (
        "reglements@demo.monespace.fr",
        "Claire",
        "Fontaine",
        "Personnel OPCO — gestionnaire des règlements (prépare les campagnes de paiement ; "
        "admin@ les approuve)",
        True,
        False,
    ),
    (
        "support@demo.monespace.fr",
        "Sam",
        "Martin",
        "Personnel OPCO — support (connexion « en tant que »)",
        True,
        False,
    ),
    (
        "admin@demo.monespace.fr",
        "Alex",
        "Admin",
        "Personnel OPCO — administrateur technique et manager (approuve les campagnes de paiement)",
        True,
        True,
    ),
]


def _establishment(name):
    return (
        Establishment.objects.select_related("company")
        .filter(company__name=name)
        .order_by("-is_head_office")
        .first()
    )


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (répertoire, données OPCO, comptes de chaque persona)."
    )

    def add_arguments(self, parser):
        from monespace.demo.volume import DEFAULT_DOSSIERS

        parser.add_argument(
            "--volume",
            type=int,
            default=DEFAULT_DOSSIERS,
            help="Dossiers générés en plus des personas (entreprises, états, deux ans ; 0 : aucun).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Les données de démonstration (mot de passe publié) sont interdites en production."
            )
        importers.import_sirene_legal_units(DATA / "sirene-sample-unites-legales.csv")
        importers.import_sirene_establishments(DATA / "sirene-sample-etablissements.csv")
        importers.import_opco_data(DATA / "opco-sample.csv")
        importers.import_known_contacts(DATA / "known-contacts-sample.csv")
        from monespace.invoices.contributions import import_contributions

        import_contributions(
            Path(__file__).resolve().parents[3] / "invoices" / "data" / "contributions-sample.csv"
        )
        self._funding_referentials()
        with transaction.atomic():
            users = {
                email: self._user(email, first, last, staff, superuser)
                for email, first, last, _, staff, superuser in PERSONAS
            }
            bakery = _establishment("BOULANGERIE DES LILAS")
            self._membership(
                users["entreprise@demo.monespace.fr"],
                bakery,
                Profile.MEMBER,
                is_admin=True,
                **ALL_RIGHTS,
            )
            self._membership(
                users["salarie@demo.monespace.fr"], bakery, Profile.MEMBER, can_view_training=True
            )
            self._membership(
                users["demande@demo.monespace.fr"],
                bakery,
                Profile.MEMBER,
                status=MembershipStatus.PENDING,
            )
            formapro = _establishment("FORMAPRO CONSEIL")
            self._membership(
                users["of@demo.monespace.fr"],
                formapro,
                Profile.PROVIDER,
                is_admin=True,
                **ALL_RIGHTS,
            )
            cfa = _establishment("CFA DES METIERS DE BOUCHE")
            self._membership(
                users["cfa@demo.monespace.fr"], cfa, Profile.PROVIDER, is_admin=True, **ALL_RIGHTS
            )
            self._bank_details(users["entreprise@demo.monespace.fr"], bakery)
            self._dossiers(users["entreprise@demo.monespace.fr"], bakery, formapro)
            self._staff(users)
            seed_contacts()  # « Vos interlocuteurs »: roles and the regional entity
            self._money(
                users["entreprise@demo.monespace.fr"],
                users["of@demo.monespace.fr"],
                users["conseiller@demo.monespace.fr"],
                bakery,
                formapro,
            )
            self._contracts(
                users["entreprise@demo.monespace.fr"],
                users["cfa@demo.monespace.fr"],
                users["conseiller@demo.monespace.fr"],
                bakery,
                cfa,
            )
            self._pro_contracts(
                users["entreprise@demo.monespace.fr"],
                users["of@demo.monespace.fr"],
                users["conseiller@demo.monespace.fr"],
                bakery,
                formapro,
            )
            self._volume(users, options["volume"])
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.print_logins()

    def _volume(self, users, dossiers):
        """After the personas' own data: the companies and dossiers that make the portal look
        in use (monespace/demo/volume.py), once."""
        from monespace.demo import volume

        loaded = volume.load(users=users, dossiers=dossiers)
        if loaded.dossiers:
            self.stdout.write(
                f"Volume : {loaded.companies} entreprises de plus, {loaded.dossiers} dossiers "
                "sur deux ans."
            )

    def _bank_details(self, user, establishment):
        """The bakery's RIB, deposited and waiting for the advisor (« RIB à valider »)."""
        from django.core.files.base import ContentFile

        from monespace.core import antivirus
        from monespace.invoices.models import BankAccount
        from monespace.invoices.perms import Target
        from monespace.invoices.services import bank_account_deposit

        if BankAccount.objects.filter(company=establishment.company).exists():
            return
        bank_account_deposit(
            actor=user,
            target=Target(establishment.company_id, Profile.MEMBER),
            holder=establishment.company.name,
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            bank_name="CREDIT AGRICOLE SA",
            upload=ContentFile(
                b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name="rib.pdf"
            ),
            content_type="application/pdf",
            verdict=antivirus.Verdict(antivirus.UNSCANNED),
        )

    def _money(self, company_user, of_user, advisor, establishment, provider):
        """A training action accorded with subrogation, the OF's validated RIB, one OF invoice
        accepted (« à payer », for a payment run) and one to control."""
        from datetime import date, timedelta
        from decimal import Decimal

        from django.core.files.base import ContentFile

        from monespace.core import antivirus
        from monespace.dossiers import instruction, services
        from monespace.invoices.billing import (
            LineInput,
            PieceInput,
            invoice_accept,
            invoice_deposit,
        )
        from monespace.invoices.lines import provider_party
        from monespace.invoices.models import BankAccount, Invoice
        from monespace.invoices.perms import Target
        from monespace.invoices.services import bank_account_deposit, bank_account_validate

        if Invoice.objects.filter(company=establishment.company).exists():
            return
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        # Asked for before the training (a finished one is not transmitted), which then took
        # place a month ago: its dates are moved back once accorded.
        start = timezone.localdate()
        dossier = services.dossier_create(actor=company_user, establishment=establishment)
        services.dossier_update(
            actor=company_user,
            dossier=dossier,
            values={
                "provider_establishment": provider,
                "provider_name": provider.display_name,
                "provider_type": "training_organisation",
                "provider_address": provider.address,
                "provider_postal_code": provider.postal_code,
                "provider_city": provider.city,
                "provider_siret": provider.siret,
                "provider_nda": provider.nda,
                "direct_payment": True,
                "title": "GESTION DES ALLERGÈNES",
                "duration_hours": Decimal("21"),
                "start_date": start,
                "end_date": start + timedelta(days=2),
                "modality": "in_person",
                "cost_teaching": Decimal("2100.00"),
                "cost_pay": Decimal("840.00"),
            },
        )
        employee = services.employee_register(
            actor=company_user,
            company=establishment.company,
            last_name="ROUSSEAU",
            first_name="Jade",
            birth_date=date(1994, 3, 8),
        )
        services.trainee_add(
            actor=company_user,
            dossier=dossier,
            employee=employee,
            hours_on_work_time=Decimal("21"),
        )
        for piece_type, title in [
            ("programme", "Programme détaillé"),
            ("convention", "Convention signée"),
        ]:
            services.document_add(
                actor=company_user,
                dossier=dossier,
                upload=ContentFile(pdf, name=f"{piece_type}.pdf"),
                content_type="application/pdf",
                piece_type=piece_type,
                title=title,
            )
        services.dossier_submit(actor=company_user, dossier=dossier, certified=True)
        instruction.dossier_assign(actor=advisor, dossier=dossier)
        dossier = type(dossier).objects.get(pk=dossier.pk)  # its costs as saved
        instruction.dossier_approve(
            actor=advisor,
            dossier=dossier,
            granted={"cost_teaching": Decimal("2100.00"), "cost_pay": Decimal("840.00")},
        )
        past = timezone.localdate() - timedelta(days=30)
        type(dossier).objects.filter(pk=dossier.pk).update(
            start_date=past, end_date=past + timedelta(days=2)
        )
        dossier = type(dossier).objects.get(pk=dossier.pk)
        if not BankAccount.objects.filter(company=provider.company).exists():
            account = bank_account_deposit(
                actor=of_user,
                target=Target(provider.company_id, Profile.PROVIDER),
                holder=provider.company.name,
                iban="FR7630004000030001234567897",
                bic="BNPAFRPP",
                bank_name="BNP PARIBAS",
                upload=ContentFile(pdf, name="rib.pdf"),
                content_type="application/pdf",
                verdict=antivirus.Verdict(antivirus.UNSCANNED),
            )
            bank_account_validate(actor=advisor, account=account)
        payee = provider_party(dossier)
        for number, amount, accepted in [
            ("FP-2026-0141", Decimal("1050.00"), Decimal("1050.00")),
            ("FP-2026-0142", Decimal("700.00"), None),
        ]:
            invoice = invoice_deposit(
                actor=of_user,
                dossier=dossier,
                payee=payee,
                number=number,
                issued_on=timezone.localdate(),
                lines=[LineInput("cost_teaching", amount, Decimal("20"))],
                pieces=[
                    PieceInput(
                        "invoice",
                        ContentFile(pdf, name=f"{number}.pdf"),
                        "application/pdf",
                        antivirus.Verdict(antivirus.UNSCANNED),
                    )
                ],
            )
            if accepted is not None:
                invoice_accept(
                    actor=advisor, invoice=invoice, accepted={"cost_teaching": (accepted, "")}
                )

    def _funding_referentials(self):
        """The NPEC referential in France compétences' shape (a small edition covering the
        demo's certifications and branches); the national rates come with the migrations."""
        import tempfile
        from pathlib import Path

        from monespace.referentials import npec, npec_sample

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "Referentiel-des-NPEC-demo.xlsx"
            npec_sample.write(path)
            npec.import_file(path, name="Référentiel des NPEC (démonstration)")
        # The bakery's branch (IDCC 0843): its training-action ceilings, and valeurs
        # d'amorçage, so that the estimates show in the demo.
        from datetime import date
        from decimal import Decimal

        from monespace.referentials.models import FundingRate

        demo_rates = [
            ("training_hourly", "0843", "", "40"),
            ("training_trainee_cap", "0843", "", "3000"),
            ("training_salary", "0843", "", "1"),
            *(
                (("starting_value", "", str(level), value))
                for level, value in (
                    (3, "6000"),
                    (4, "6500"),
                    (5, "7000"),
                    (6, "7500"),
                    (7, "8000"),
                )
            ),
        ]
        for parameter, idcc, level, value in demo_rates:
            FundingRate.objects.get_or_create(
                parameter=parameter,
                idcc=idcc,
                level=level,
                effective_from=date(2024, 1, 1),
                defaults={"value": Decimal(value), "note": "Démonstration"},
            )

    def _dossiers(self, user, establishment, provider):
        """One transmitted training action with three trainees, and one draft."""
        from datetime import date, timedelta
        from decimal import Decimal

        from django.core.files.base import ContentFile

        from monespace.dossiers import services
        from monespace.dossiers.models import Dossier

        if Dossier.objects.filter(company=establishment.company).exists():
            return
        start = timezone.localdate() + timedelta(days=45)
        dossier = services.dossier_create(actor=user, establishment=establishment)
        services.dossier_update(
            actor=user,
            dossier=dossier,
            values={
                "provider_establishment": provider,
                "provider_name": provider.display_name,
                "provider_type": "training_organisation",
                "provider_address": provider.address,
                "provider_postal_code": provider.postal_code,
                "provider_city": provider.city,
                "provider_siret": provider.siret,
                "provider_nda": provider.nda,
                "direct_payment": True,
                "title": "HYGIÈNE ALIMENTAIRE EN BOULANGERIE",
                "duration_hours": Decimal("14"),
                "start_date": start,
                "end_date": start + timedelta(days=1),
                "modality": "in_person",
                "cost_teaching": Decimal("1450.00"),
            },
        )
        for last_name, first_name in [
            ("MARTIN", "Lucas"),
            ("BERNARD", "Emma"),
            ("PETIT", "Louise"),
        ]:
            employee = services.employee_register(
                actor=user,
                company=establishment.company,
                last_name=last_name,
                first_name=first_name,
                birth_date=date(1992, 4, 2),
            )
            services.trainee_add(
                actor=user, dossier=dossier, employee=employee, hours_on_work_time=Decimal("14")
            )
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        for piece_type, title in [
            ("programme", "Programme détaillé"),
            ("convention", "Convention signée"),
        ]:
            services.document_add(
                actor=user,
                dossier=dossier,
                upload=ContentFile(pdf, name=f"{piece_type}.pdf"),
                content_type="application/pdf",
                piece_type=piece_type,
                title=title,
            )
        services.dossier_submit(actor=user, dossier=dossier, certified=True)
        draft = services.dossier_create(actor=user, establishment=establishment)
        services.dossier_update(
            actor=user, dossier=draft, values={"title": "SÉCURITÉ INCENDIE (brouillon)"}
        )

    def _contracts(self, company_user, cfa_user, advisor, establishment, cfa):
        """Apprenticeship contracts: the CFA attached to the bakery without « mandat de
        gestion »; one contract accepted with its deposit number (rupture, avenant), one
        transmitted for the advisor, one pre-entered by the CFA for the company to validate."""
        from datetime import date, timedelta
        from decimal import Decimal

        from django.core.files.base import ContentFile

        from monespace.dossiers import services
        from monespace.dossiers.apprenticeship import services as contracts
        from monespace.dossiers.enums import DossierKind
        from monespace.dossiers.models import Dossier
        from monespace.organizations.models import DelegateKind, Delegation, DelegationStatus

        Delegation.objects.get_or_create(
            company=establishment.company,
            delegate=cfa.company,
            defaults={
                "kind": DelegateKind.CFA,
                "status": DelegationStatus.ACTIVE,
                "can_view_apprenticeship": True,
                "can_edit_apprenticeship": True,
            },
        )
        if Dossier.objects.filter(
            company=establishment.company, kind=DossierKind.APPRENTICESHIP
        ).exists():
            return
        today = timezone.localdate()
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        people = [
            ("MARTIN", "Léa", date(2008, 3, 14), "F", today - timedelta(days=60)),
            ("PETIT", "Noah", date(2006, 11, 2), "M", today + timedelta(days=20)),
            ("ROUX", "Chloé", date(2007, 6, 21), "F", today + timedelta(days=35)),
        ]
        made = []
        for index, (last, first, birth, sex, start) in enumerate(people):
            actor = cfa_user if index == 2 else company_user
            dossier = services.dossier_create(
                actor=actor, establishment=establishment, kind=DossierKind.APPRENTICESHIP
            )
            end = start.replace(year=start.year + 2) - timedelta(days=1)
            values = {
                "employer_type": "11",
                "specific_employer": "0",
                "employer_email": "rh@boulangerie-des-lilas.fr",
                "headcount": 12,
                "apprentice_last_name": last,
                "apprentice_first_name": first,
                "apprentice_birth_date": birth,
                "apprentice_sex": sex,
                "apprentice_street": "3 RUE DU PONT",
                "apprentice_postal_code": "35000",
                "apprentice_city": "RENNES",
                "apprentice_email": f"{first.lower()}.{last.lower()}@exemple.fr",
                "apprentice_birth_department": "35",
                "apprentice_birth_city": "RENNES",
                "apprentice_nationality": "1",
                "apprentice_social_regime": "2",
                "apprentice_situation": "1",
                "apprentice_diploma_prepared": "33",
                "apprentice_last_class": "01",
                "apprentice_highest_diploma": "25",
                "master1_last_name": "LEFEBVRE",
                "master1_first_name": "Marie",
                "master1_birth_date": date(1979, 5, 4),
                "master1_job": "Cheffe boulangère",
                "master1_diploma": "Brevet de maîtrise boulanger",
                "master1_diploma_level": "4",
                "masters_eligibility_attested": True,
                "contract_mode": "1",
                "contract_type": "11",
                "conclusion_date": start - timedelta(days=10),
                "start_date": start,
                "practical_training_start": start,
                "end_date": end,
                "weekly_hours": 35,
                "smc": Decimal("1850.00"),
                "pension_fund": "AG2R LA MONDIALE",
                **contracts.cfa_values(cfa),
                "diploma_type": "33",
                "qualification_title": "CAP Boulanger",
                "diploma_code": "50022137",
                "rncp": "RNCP37606",
                "training_start": start + timedelta(days=7),
                "exams_end": end - timedelta(days=30),
                "training_hours": 820,
                "meals": 120,
                "nights": 20,
                "first_equipment": Decimal("300.00"),
                "signature_place": "RENNES",
                "pieces_attested": True,
            }
            contracts.contract_update(actor=actor, dossier=dossier, values=values)
            for piece_type, title in [
                ("signed_cerfa", "CERFA signé"),
                ("training_agreement", "Convention de formation"),
            ]:
                services.document_add(
                    actor=actor,
                    dossier=dossier,
                    upload=ContentFile(pdf, name=f"{piece_type}.pdf"),
                    content_type="application/pdf",
                    piece_type=piece_type,
                    title=title,
                )
            made.append(Dossier.objects.get(pk=dossier.pk))
        accepted, transmitted, pre_entered = made
        for dossier in (accepted, transmitted):
            missing = dossier.spec.missing_items(dossier)
            if missing:  # the demo's contract no longer passes the rules: say which
                raise CommandError(f"Contrat de démonstration incomplet : {missing}")
            contracts.contract_transmit(actor=company_user, dossier=dossier, certified=True)
        contracts.contract_approve(
            actor=advisor, dossier=accepted, deca_number="035" + f"{today:%Y%m}" + "NC0042"
        )
        contracts.contract_send_to_employer(actor=cfa_user, dossier=pre_entered)

    def _pro_contracts(self, company_user, of_user, advisor, establishment, provider):
        """Professionalisation contracts and Pro-A: the training organisation attached to the
        bakery for them; one contract accepted (its commitment: the branch forfait and the
        tutor aid), one transmitted for the advisor, one entered by the organisation for the
        company to validate, one Pro-A draft towards a certification of the branch's list."""
        from datetime import date, timedelta
        from decimal import Decimal

        from django.core.files.base import ContentFile

        from monespace.dossiers import services
        from monespace.dossiers.enums import DossierKind
        from monespace.dossiers.models import Dossier
        from monespace.dossiers.professionalisation import services as pro
        from monespace.organizations.models import DelegateKind, Delegation, DelegationStatus
        from monespace.referentials.models import ProACertification

        ProACertification.objects.get_or_create(
            idcc="0843",
            rncp="RNCP37606",
            valid_from=date(2024, 1, 1),
            defaults={"title": "CAP Boulanger"},
        )
        delegation, _created = Delegation.objects.get_or_create(
            company=establishment.company,
            delegate=provider.company,
            defaults={
                "kind": DelegateKind.TRAINING_ORGANISATION,
                "status": DelegationStatus.ACTIVE,
            },
        )
        if not delegation.can_edit_professionalisation:
            delegation.can_view_professionalisation = True
            delegation.can_edit_professionalisation = True
            delegation.save(
                update_fields=["can_view_professionalisation", "can_edit_professionalisation"]
            )
        kinds = (DossierKind.PROFESSIONALISATION, DossierKind.PRO_A)
        if Dossier.objects.filter(company=establishment.company, kind__in=kinds).exists():
            return
        today = timezone.localdate()
        pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        people = [
            ("GARNIER", "Tom", date(2004, 2, 11), "M", today - timedelta(days=40)),
            ("FAURE", "Jade", date(2003, 9, 30), "F", today + timedelta(days=25)),
            ("BLANC", "Enzo", date(2005, 1, 17), "M", today + timedelta(days=40)),
        ]
        made = []
        for index, (last, first, birth, sex, start) in enumerate(people):
            actor = of_user if index == 2 else company_user
            dossier = services.dossier_create(
                actor=actor, establishment=establishment, kind=DossierKind.PROFESSIONALISATION
            )
            end = start.replace(year=start.year + 1) - timedelta(days=1)
            from stdnum.fr import nir

            from monespace.core.identifiers import clean_nir

            body = f"{1 if sex == 'M' else 2}{birth:%y%m}35238{index + 101:03d}"
            values = {
                "employer_email": "rh@boulangerie-des-lilas.fr",
                "headcount": 12,
                "pension_fund": "AG2R LA MONDIALE",
                "employee_last_name": last,
                "employee_first_name": first,
                "employee_nir": clean_nir(body + nir.calc_check_digits(body)),
                "employee_birth_date": birth,
                "employee_sex": sex,
                "employee_street": "8 RUE DE BREST",
                "employee_postal_code": "35000",
                "employee_city": "RENNES",
                "employee_situation": "job_seeker",
                "employee_job_seeker_months": 4,
                "employee_highest_level": "4",
                "tutor_last_name": "LEFEBVRE",
                "tutor_first_name": "Marie",
                "tutor_birth_date": date(1979, 5, 4),
                "tutor_job": "Cheffe boulangère",
                "tutor_experience_years": 20,
                "tutor_training_hours": 14,
                "contract_type": "1",
                "nature": "cdd",
                "conclusion_date": start - timedelta(days=7),
                "start_date": start,
                "end_date": end,
                "job_title": "Vendeur(se) en boulangerie",
                "weekly_hours": Decimal("35"),
                "pay_rate": Decimal("80"),
                "hiring_salary": Decimal("1460.00"),
                **pro.provider_values(provider),
                "qualification_type": "rncp",
                "qualification_title": "CAP Vendeur-conseil en alimentation",
                "rncp": "RNCP37606",
                "target_level": "3",
                "training_start": start + timedelta(days=7),
                "training_end": end - timedelta(days=21),
                "training_hours": 450,
                "signature_place": "RENNES",
                "pieces_attested": True,
            }
            services.dossier_update(actor=actor, dossier=dossier, values=values)
            for piece_type, title in [
                ("signed_cerfa", "CERFA EJ20 signé"),
                ("programme", "Programme de formation"),
            ]:
                services.document_add(
                    actor=actor,
                    dossier=dossier,
                    upload=ContentFile(pdf, name=f"{piece_type}.pdf"),
                    content_type="application/pdf",
                    piece_type=piece_type,
                    title=title,
                )
            made.append(Dossier.objects.get(pk=dossier.pk))
        accepted, transmitted, entered = made
        for dossier in (accepted, transmitted):
            missing = dossier.spec.missing_items(dossier)
            if missing:
                raise CommandError(f"Contrat de professionnalisation de démonstration : {missing}")
            services.dossier_submit(actor=company_user, dossier=dossier, certified=True)
        pro.contract_approve(actor=advisor, dossier=accepted)
        pro.send_to_employer(actor=of_user, dossier=entered)
        draft = services.dossier_create(
            actor=company_user, establishment=establishment, kind=DossierKind.PRO_A
        )
        services.dossier_update(
            actor=company_user,
            dossier=draft,
            values={
                "employee_last_name": "MOREL",
                "employee_first_name": "Sarah",
                "employment_contract": "cdi",
                "employment_start": date(2019, 9, 2),
                "employee_highest_level": "3",
                "qualification_type": "rncp",
                "qualification_title": "CAP Boulanger",
                "rncp": "RNCP37606",
                "training_hours": 400,
            },
        )

    def _staff(self, users):
        from monespace.accounts.models import StaffProfile
        from monespace.notifications.models import Announcement

        StaffProfile.objects.get_or_create(
            user=users["conseiller@demo.monespace.fr"],
            defaults={
                "role": "advisor",
                "branches": ["Boulangerie-pâtisserie", "Hôtels, cafés, restaurants"],
            },
        )
        StaffProfile.objects.get_or_create(
            user=users["support@demo.monespace.fr"], defaults={"role": "support"}
        )
        StaffProfile.objects.get_or_create(
            user=users["reglements@demo.monespace.fr"], defaults={"role": "accountant"}
        )
        StaffProfile.objects.get_or_create(
            user=users["admin@demo.monespace.fr"], defaults={"role": "manager"}
        )
        Announcement.objects.get_or_create(
            title="Prêt à déposer votre demande de prise en charge ?",
            defaults={
                "body": "Vous êtes-vous assuré que votre prestataire détient la certification Qualiopi ? Depuis le "
                "1er janvier 2022, elle conditionne la prise en charge des actions de formation.",
                "audience": "all",
            },
        )

    def _user(self, email, first_name, last_name, staff, superuser):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                civility="mme",
                is_staff=staff,
                is_superuser=superuser,
                notification_themes=["dossiers", "invoices", "payments"],
                support_access_consent_at=timezone.now(),
            )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
        return user

    def _membership(self, user, establishment, profile, status=MembershipStatus.ACTIVE, **rights):
        membership, created = Membership.objects.get_or_create(
            user=user,
            company=establishment.company,
            profile=profile,
            status=status,
            defaults={
                "source": MembershipSource.TAKEOVER,
                "requested_establishment": establishment,
                **rights,
            },
        )
        if created and status == MembershipStatus.PENDING:
            membership.establishments.add(establishment)
        return membership

    def print_logins(self):
        self.stdout.write("")
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for email, _first, _last, role, _staff, _superuser in PERSONAS:
            self.stdout.write(f"  {email:<32} {role}")
        self.stdout.write("")
        self.stdout.write(
            "Parcours « Créer mon compte » à essayer (voir monespace/organizations/data/README.md) :"
        )
        self.stdout.write(
            "  contact connu : claire.dupont@boulangerie-des-lilas.fr (rattachement automatique)"
        )
        self.stdout.write(
            "  nouvel utilisateur : une autre adresse + le SIRET et le numéro adhérent du README des données"
        )
        self.stdout.write(
            "  les e-mails envoyés se lisent sur /dev/outbox/ (même adresse que le portail)"
        )
