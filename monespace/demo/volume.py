"""The demo's volume (issue 15): five more companies and their establishments, a few hundred
dossiers of every dispositif in every state over the last two years, with their pieces, the
OPCO's decisions and letters, their history, notifications and quick accesses — so that
« Mes dossiers », its counts and filters, the home page and the back office's queue look like a
portal in use.

Made with the tests' factories (tests/factories.py). factory_boy is in the ``dev`` dependency
group, which ``uv run`` and ``uv sync`` install by default: ``uv run manage.py demo`` has it.

Deterministic (a seeded ``random.Random``; dates relative to today) and loaded once: when its
first company exists, it does nothing. Fast: no WeasyPrint — each letter is a one-page PDF
written directly (``letter_pdf``), the history rows are inserted in bulk. The main persona
(entreprise@) sees the bakery's share and administers one of the new companies; the training
organisation and the CFA personas are the providers of many; the demo advisor instructs most.

Meant to be called by ``seed_demo`` inside its transaction (never in production: it refuses).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.accounts.models import User
from monespace.core.formats import format_euros
from monespace.core.urls import path_to
from monespace.dossiers.enums import DossierKind, DossierState, EventKind, PieceType, ScanStatus
from monespace.dossiers.kinds import get_kind
from monespace.dossiers.models import (
    ContractRupture,
    Decision,
    DecisionKind,
    Dossier,
    DossierEvent,
    DossierSequence,
    Employee,
    GrantedAmount,
    Trainee,
)
from monespace.notifications.models import Notification
from monespace.organizations.enums import MembershipSource, Profile
from monespace.organizations.models import Company, Establishment

DEFAULT_DOSSIERS = 300
SEED = 15
DAY = timedelta(days=1)

BAKERY = "Boulangerie-pâtisserie"
HCR = "Hôtels, cafés, restaurants"

S = DossierState
TRAINING = DossierKind.TRAINING_ACTION
APPRENTICESHIP = DossierKind.APPRENTICESHIP
PRO = DossierKind.PROFESSIONALISATION
PRO_A = DossierKind.PRO_A
CONTRACTS = (APPRENTICESHIP, PRO, PRO_A)


@dataclass(frozen=True)
class CompanySpec:
    name: str
    siren_seq: int  # tests.factories.siren_from: a valid SIREN, the same on every run
    naf: str
    idcc: str
    branch: str
    member_root: str
    sites: tuple[tuple[str, str, str], ...]  # (street, postal code, city); the first is the seat
    admin: tuple[str, str, str] | None  # (civility, first name, last name); None: entreprise@
    weight: float


# The bakery of the personas comes first (it exists already); then the new companies.
LILAS = "BOULANGERIE DES LILAS"
COMPANIES = (
    CompanySpec(
        "PATISSERIE FLEURY ET FILS",
        51001,
        "10.71C",
        "0843",
        BAKERY,
        "31001",
        (
            ("8 RUE MERCIERE", "69002", "LYON"),
            ("24 COURS EMILE ZOLA", "69100", "VILLEURBANNE"),
            ("3 GRANDE RUE", "69300", "CALUIRE-ET-CUIRE"),
        ),
        None,
        0.16,
    ),
    CompanySpec(
        "AU FOURNIL BRETON",
        51002,
        "10.71C",
        "0843",
        BAKERY,
        "31002",
        (
            ("12 RUE DE SAINT-MALO", "35000", "RENNES"),
            ("5 RUE DE DINAN", "35400", "SAINT-MALO"),
            ("18 RUE DU MENE", "56000", "VANNES"),
            ("2 PLACE DU MARCHE", "35300", "FOUGERES"),
        ),
        ("m", "Yann", "LE GALL"),
        0.15,
    ),
    CompanySpec(
        "LES DELICES DE PROVENCE",
        51003,
        "10.71C",
        "0843",
        BAKERY,
        "31003",
        (
            ("14 COURS MIRABEAU", "13100", "AIX-EN-PROVENCE"),
            ("40 RUE DE ROME", "13006", "MARSEILLE"),
        ),
        ("mme", "Sylvie", "ARNAUD"),
        0.10,
    ),
    CompanySpec(
        "HOTEL RESTAURANT LES GLYCINES",
        51004,
        "55.10Z",
        "1979",
        HCR,
        "31004",
        (
            ("2 QUAI DE LA TOURNETTE", "74000", "ANNECY"),
            ("115 RUE DU LAC", "74400", "CHAMONIX-MONT-BLANC"),
        ),
        ("m", "Nicolas", "PERRIER"),
        0.14,
    ),
    CompanySpec(
        "BRASSERIE DU CANAL",
        51005,
        "56.10A",
        "1979",
        HCR,
        "31005",
        (
            ("30 ALLEES JEAN JAURES", "31000", "TOULOUSE"),
            ("9 AVENUE DU PARC", "31700", "BLAGNAC"),
            ("1 RUE DU CENTRE", "31770", "COLOMIERS"),
        ),
        ("m", "Karim", "HADDAD"),
        0.13,
    ),
)
LILAS_WEIGHT = 0.32

# Advisors beside the demo's (they share the queue); no contact role: not « interlocuteurs ».
ADVISORS = (
    ("nadia.benali@opco-demo.fr", "mme", "Nadia", "BENALI", HCR),
    ("julien.roche@opco-demo.fr", "m", "Julien", "ROCHE", BAKERY),
)

TRAININGS = {
    BAKERY: (
        ("HYGIÈNE ALIMENTAIRE EN BOULANGERIE (HACCP)", 14),
        ("VIENNOISERIE : LE FEUILLETAGE", 21),
        ("PAINS SPÉCIAUX ET LEVAIN NATUREL", 21),
        ("GESTION DES ALLERGÈNES", 7),
        ("SAUVETEUR SECOURISTE DU TRAVAIL", 14),
        ("VENTE ET ACCUEIL EN BOULANGERIE", 14),
        ("PÂTISSERIE DE BOUTIQUE : LES ENTREMETS", 28),
        ("MANAGER UNE ÉQUIPE DE VENTE", 21),
        ("CHOCOLATERIE : LES BASES", 14),
        ("GESTES ET POSTURES AU FOURNIL", 7),
        ("TABLEUR : NIVEAU 1", 14),
        ("SNACKING ET TRAITEUR EN BOULANGERIE", 14),
    ),
    HCR: (
        ("PERMIS D'EXPLOITATION", 20),
        ("ANGLAIS : ACCUEIL DE LA CLIENTÈLE", 30),
        ("HYGIÈNE EN RESTAURATION COMMERCIALE", 14),
        ("SERVICE EN SALLE ET ARTS DE LA TABLE", 21),
        ("ACCORDS METS ET VINS", 14),
        ("GESTION DES RÉSERVATIONS EN LIGNE", 7),
        ("SAUVETEUR SECOURISTE DU TRAVAIL", 14),
        ("CUISINE DU MARCHÉ ET PRODUITS DE SAISON", 35),
        ("MANAGEMENT D'UNE BRIGADE", 21),
        ("RÉDUIRE LE GASPILLAGE ALIMENTAIRE", 7),
    ),
}
# Training organisations outside the directory: (name, city, siren seq of tests.factories).
OTHER_PROVIDERS = (
    ("ATELIER DU GOUT FORMATION", "LYON", 52001),
    ("SECURITE PLUS FORMATION", "NANTES", 52002),
    ("LANGUES ET ACCUEIL CONSEIL", "PARIS", 52003),
    ("ALPES HOTELLERIE FORMATION", "ANNECY", 52004),
)
HCR_CFA = ("CFA DES METIERS DE L'HOTELLERIE", 52005)
# (qualification, RNCP, the CERFA's diploma type, diploma prepared, highest diploma held)
APPRENTICESHIP_QUALIFICATIONS = {
    BAKERY: (("CAP Boulanger", "RNCP37606", "33", "33", "25"),),
    HCR: (("BTS Management commercial opérationnel", "RNCP38362", "54", "41", "41"),),
}
PRO_QUALIFICATIONS = (
    ("Titre professionnel Vendeur conseil en magasin", "RNCP37098"),
    ("CAP Boulanger", "RNCP37606"),
    ("Titre professionnel Gestionnaire de paie", "RNCP35185"),
)
FEMALE = ("Léa", "Chloé", "Emma", "Manon", "Camille", "Inès", "Sarah", "Jade", "Louise", "Zoé")
MALE = ("Lucas", "Hugo", "Nathan", "Enzo", "Louis", "Gabriel", "Arthur", "Tom", "Théo", "Noah")
# fmt: off
LAST_NAMES = (
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER",
    "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER",
    "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN", "BOYER", "GARNIER", "CHEVALIER", "LEGRAND",
    "GAUTHIER", "PERRIN", "ROBIN", "CLEMENT", "MORIN", "NICOLAS", "HENRY", "MATHIEU", "MASSON",
)
# fmt: on
JOBS = {
    BAKERY: ("Boulanger(ère)", "Pâtissier(ère)", "Vendeur(se)", "Tourier(ère)"),
    HCR: (
        "Serveur(se)",
        "Commis de cuisine",
        "Réceptionniste",
        "Chef de rang",
    ),
}
REFUSALS = (
    "L'organisme de formation n'est pas certifié Qualiopi.",
    "La demande a été transmise après le début de la formation.",
    "Le budget de la branche pour cet exercice est épuisé.",
    "L'action ne relève pas du plan de développement des compétences.",
)
# A training closed with pieces missing says why (seed 003); most came.
CLOSURES = ("", "", "", "Certificat de réalisation remplacé par l'attestation d'assiduité.")
CANCELLATIONS = (
    "Demande transmise deux fois.",
    "Formation annulée par l'organisme.",
    "Demande retirée par l'entreprise.",
)

# (state, weight) per dispositif; the ages (days before today) each state is drawn in.
STATE_WEIGHTS = {
    TRAINING: (
        (S.DRAFT, 11),
        (S.SUBMITTED, 8),
        (S.UNDER_REVIEW, 9),
        (S.DOCUMENTS_REQUESTED, 7),
        (S.APPROVED, 28),
        (S.REFUSED, 7),
        (S.CLOSED, 24),
        (S.CANCELLED, 6),
    ),
    APPRENTICESHIP: (
        (S.DRAFT, 8),
        (S.AWAITING_EMPLOYER, 4),
        (S.SUBMITTED, 7),
        (S.UNDER_REVIEW, 8),
        (S.DOCUMENTS_REQUESTED, 5),
        (S.APPROVED, 48),
        (S.REFUSED, 5),
        (S.CANCELLED, 5),
        (S.BROKEN, 10),
    ),
    PRO: (
        (S.DRAFT, 10),
        (S.SUBMITTED, 7),
        (S.UNDER_REVIEW, 8),
        (S.DOCUMENTS_REQUESTED, 5),
        (S.APPROVED, 40),
        (S.REFUSED, 6),
        (S.CLOSED, 12),
        (S.CANCELLED, 5),
    ),
    PRO_A: (
        (S.DRAFT, 15),
        (S.SUBMITTED, 10),
        (S.UNDER_REVIEW, 10),
        (S.DOCUMENTS_REQUESTED, 5),
        (S.APPROVED, 45),
        (S.REFUSED, 5),
        (S.CANCELLED, 10),
    ),
}
# Contracts in instruction are recent: the scheduler's reminders and tacit acceptances
# (20 days after the complete file) leave them alone.
AGES = {
    S.DRAFT: (0, 60),
    S.AWAITING_EMPLOYER: (1, 12),
    S.SUBMITTED: (0, 8),
    S.UNDER_REVIEW: (4, 12),
    S.DOCUMENTS_REQUESTED: (6, 12),
    S.APPROVED: (30, 330),
    S.REFUSED: (20, 729),
    S.CLOSED: (330, 729),
    S.CANCELLED: (15, 729),
    S.BROKEN: (200, 729),
}
TRAINING_AGES = {S.UNDER_REVIEW: (5, 40), S.DOCUMENTS_REQUESTED: (10, 60), S.CLOSED: (200, 729)}
CONTRACT_AGES = {S.APPROVED: (30, 729), S.CLOSED: (420, 729)}
# The CFA pre-enters contracts for this company (a delegation without « mandat de gestion »):
# the contracts waiting for the employer's validation are there, not where the personas work
# (the README names the one the bakery has).
PRE_ENTRY_COMPANY = "AU FOURNIL BRETON"
# Every state at least once, whatever the volume: the first dossiers, in the bakery (the
# pre-entry in the CFA's other client).
COVERAGE = (
    (LILAS, TRAINING, S.DRAFT, 5),
    (LILAS, TRAINING, S.SUBMITTED, 2),
    (LILAS, TRAINING, S.UNDER_REVIEW, 15),
    (LILAS, TRAINING, S.DOCUMENTS_REQUESTED, 20),
    (LILAS, TRAINING, S.APPROVED, 120),
    (LILAS, TRAINING, S.REFUSED, 400),
    (LILAS, TRAINING, S.CLOSED, 700),
    (LILAS, TRAINING, S.CANCELLED, 60),
    (LILAS, APPRENTICESHIP, S.BROKEN, 500),
    (PRE_ENTRY_COMPANY, APPRENTICESHIP, S.AWAITING_EMPLOYER, 3),
)


@dataclass
class Plan:
    company: str
    establishment: Establishment
    kind: str
    state: str
    created_at: datetime


@dataclass
class Loaded:
    """What the volume wrote, for the command's summary."""

    companies: int = 0
    dossiers: int = 0


def load(*, users: dict[str, User], dossiers: int = DEFAULT_DOSSIERS) -> Loaded:
    """Load the volume once (``dossiers`` of them; 0: none). ``users``: the personas by
    e-mail, as ``seed_demo`` made them."""
    if dossiers <= 0 or Company.objects.filter(siren=_siren(COMPANIES[0].siren_seq)).exists():
        return Loaded()
    loaded = _Volume(users, dossiers).run()
    _copy_complete_on()
    return loaded


def _copy_complete_on() -> None:
    """The contracts' complete file day onto their dossier, as their transmission keeps it
    (the back office's queue sorts by deadline on the dossier's own column)."""
    from django.db.models import OuterRef, Subquery

    from monespace.dossiers.models import (
        ApprenticeshipContract,
        Dossier,
        ProfessionalisationContract,
    )

    for detail in (ApprenticeshipContract, ProfessionalisationContract):
        Dossier.objects.filter(
            pk__in=detail.objects.filter(complete_on__isnull=False).values("dossier_id"),
            complete_on__isnull=True,
        ).update(
            complete_on=Subquery(
                detail.objects.filter(dossier_id=OuterRef("pk")).values("complete_on")[:1]
            )
        )


def _factories():
    try:
        from tests import factories
    except ImportError as error:  # a deployment without the dev group (never a demo)
        from django.core.management.base import CommandError

        raise CommandError(
            "Le volume de démonstration utilise les factories des tests (factory_boy, groupe "
            "« dev ») : `uv sync`, ou --volume 0."
        ) from error
    return factories


def _siren(seq: int) -> str:
    return _factories().siren_from(seq)


def letter_pdf(lines: list[str]) -> bytes:
    """A one-page PDF in Helvetica (a core font: nothing embedded), written directly: a letter
    of the volume costs a millisecond instead of a WeasyPrint rendering."""

    def text(line: str) -> bytes:
        line = line.replace("\u202f", " ").replace("\u00a0", " ")
        line = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return line.encode("cp1252", errors="replace")

    content = b"BT /F1 11 Tf 15 TL 70 780 Td\n" + b"".join(
        b"(" + text(line) + b") '\n" for line in lines
    )
    content += b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


class _Volume:
    def __init__(self, users: dict[str, User], count: int):
        from django.conf import settings

        self.f = _factories()
        self.rng = random.Random(SEED)
        self.count = count
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.opco_name = settings.OPCO_NAME
        self.company_user = users["entreprise@demo.monespace.fr"]
        self.advisor = users["conseiller@demo.monespace.fr"]
        self.cfa_user = users["cfa@demo.monespace.fr"]
        self.of_user = users["of@demo.monespace.fr"]
        self.formapro = self._establishment("FORMAPRO CONSEIL")
        self.cfa = self._establishment("CFA DES METIERS DE BOUCHE")
        self.password = make_password(_demo_password())
        self.events: list[DossierEvent] = []
        self.granted: list[GrantedAmount] = []
        self.requested: dict[int, dict[str, Decimal]] = {}
        self.commitments: list[tuple[Dossier, dict[str, Decimal], User, datetime]] = []
        self.notices: list[tuple[Dossier, str, str, datetime, str]] = []
        self.staff_notices: list[tuple[User, str, str, datetime]] = []
        self.loaded = Loaded()

    @staticmethod
    def _establishment(name: str) -> Establishment:
        return (
            Establishment.objects.select_related("company")
            .filter(company__name=name)
            .order_by("-is_head_office", "pk")
            .first()
        )

    # --- Organisations and people --------------------------------------------------------------

    def run(self) -> Loaded:
        self.companies = self._companies()
        self.advisors = [self.advisor, *self._advisors()]
        self.employees = {name: self._employees(name) for name in self.companies}
        plans = self._plans()
        for plan in sorted(plans, key=lambda p: p.created_at):
            self._dossier(plan)
        DossierEvent.objects.bulk_create(self.events, batch_size=500)
        GrantedAmount.objects.bulk_create(self.granted, batch_size=500)
        self._ledger()
        self._notifications()
        self._quick_accesses()
        return self.loaded

    def _companies(self) -> dict[str, dict]:
        """{name: {"branch", "company", "establishments", "creator" (who enters), "weight"}}."""
        f = self.f
        lilas = self._establishment(LILAS)
        companies = {
            LILAS: {
                "branch": BAKERY,
                "company": lilas.company,
                "establishments": list(lilas.company.establishments.order_by("-is_head_office")),
                "creator": self.company_user,
                "weight": LILAS_WEIGHT,
            }
        }
        from monespace.demo.management.commands.seed_demo import ALL_RIGHTS

        for spec in COMPANIES:
            siren = f.siren_from(spec.siren_seq)
            company = f.CompanyFactory(
                siren=siren, name=spec.name, naf=spec.naf, headcount_band="11"
            )
            establishments = [
                f.EstablishmentFactory(
                    company=company,
                    siret=f.siret_from(siren, index + 1),
                    address=street,
                    postal_code=postal_code,
                    city=city,
                    is_head_office=index == 0,
                    naf=spec.naf,
                    idcc=spec.idcc,
                    branch=spec.branch,
                    member_number=f"{spec.member_root}.{index + 1:03d}",
                )
                for index, (street, postal_code, city) in enumerate(spec.sites)
            ]
            if spec.admin is None:
                admin = self.company_user
            else:
                civility, first, last = spec.admin
                admin = self._user(
                    f"{first}.{last}".lower().replace(" ", "") + "@exemple.fr",
                    first,
                    last,
                    civility,
                )
            f.MembershipFactory(
                user=admin,
                company=company,
                profile=Profile.MEMBER,
                is_admin=True,
                source=MembershipSource.TAKEOVER,
                requested_establishment=establishments[0],
                **ALL_RIGHTS,
            )
            companies[spec.name] = {
                "branch": spec.branch,
                "company": company,
                "establishments": establishments,
                "creator": admin,
                "weight": spec.weight,
            }
        f.DelegationFactory(
            company=companies[PRE_ENTRY_COMPANY]["company"],
            delegate=self.cfa.company,
            kind="cfa",
            can_view_training=False,
            apprenticeship=True,
        )
        self.loaded.companies = len(COMPANIES)
        return companies

    def _user(self, email: str, first: str, last: str, civility: str, **extra) -> User:
        return self.f.UserFactory(
            email=email,
            first_name=first,
            last_name=last,
            civility=civility,
            password=self.password,  # hashed once: the demo's common password
            notification_themes=["dossiers"],
            **extra,
        )

    def _advisors(self) -> list[User]:
        advisors = []
        for email, civility, first, last, branch in ADVISORS:
            user = self._user(email, first, last, civility, is_staff=True)
            self.f.StaffProfileFactory(user=user, role="advisor", branches=[branch])
            advisors.append(user)
        return advisors

    def _employees(self, name: str) -> list[Employee]:
        company = self.companies[name]
        rng = self.rng
        people = {}
        while len(people) < 18:
            first = rng.choice(FEMALE + MALE)
            last = rng.choice(LAST_NAMES)
            people[(last, first)] = Employee(
                company=company["company"],
                last_name=last,
                first_name=first,
                birth_date=date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28)),
                job=rng.choice(JOBS[company["branch"]]),
                category="clerk",
                contract="permanent",
            )
        return Employee.objects.bulk_create(people.values())

    # --- The plan: which dossier, where, in which state, since when -------------------------------

    def _plans(self) -> list[Plan]:
        rng = self.rng
        plans = []
        for name, kind, state, age in COVERAGE[: self.count]:
            plans.append(self._plan(name, kind, state, age))
        names = list(self.companies)
        weights = [self.companies[n]["weight"] for n in names]
        while len(plans) < self.count:
            name = rng.choices(names, weights)[0]
            branch = self.companies[name]["branch"]
            kinds = (
                ((TRAINING, 50), (APPRENTICESHIP, 30), (PRO, 14), (PRO_A, 6))
                if branch == BAKERY
                else ((TRAINING, 65), (APPRENTICESHIP, 20), (PRO, 12), (PRO_A, 3))
            )
            kind = rng.choices([k for k, _w in kinds], [w for _k, w in kinds])[0]
            states = STATE_WEIGHTS[kind]
            state = rng.choices([s for s, _w in states], [w for _s, w in states])[0]
            if state == S.AWAITING_EMPLOYER and name != PRE_ENTRY_COMPANY:
                state = S.DRAFT
            low, high = {
                **AGES,
                **(TRAINING_AGES if kind == TRAINING else CONTRACT_AGES),
            }[state]
            if state == S.DRAFT and rng.random() < 0.15:
                low, high = 60, 240  # a draft left aside
            plans.append(self._plan(name, kind, state, rng.uniform(low, high)))
        return plans

    def _plan(self, name: str, kind: str, state: str, age: float) -> Plan:
        rng = self.rng
        establishment = rng.choice(self.companies[name]["establishments"])
        # Office hours, on the day drawn.
        created = timezone.localtime(self.now - timedelta(days=age)).replace(
            hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0
        )
        created = min(created, self.now - timedelta(hours=2))
        return Plan(name, establishment, kind, state, created)

    # --- One dossier -------------------------------------------------------------------------------

    def _dossier(self, plan: Plan) -> None:
        company = self.companies[plan.company]
        steps = self._steps(plan)
        at = dict(steps)
        submitted_at = at.get("submitted")
        creator = (
            self.cfa_user
            if plan.state == S.AWAITING_EMPLOYER and plan.kind == APPRENTICESHIP
            else company["creator"]
        )
        common = {
            "establishment": plan.establishment,
            "state": plan.state,
            "created_at": plan.created_at,
            "created_by": creator,
            "submitted_at": submitted_at,
            "certified": submitted_at is not None,
            "number": self._number(plan.kind, submitted_at) if submitted_at else None,
        }
        advisor = None
        if "assigned" in at:
            advisor = self._advisor_for(company["branch"])
            common["assigned_to"] = advisor
        created_day = plan.created_at.date()
        if plan.kind == TRAINING:
            dossier = self._training(plan, company, common, created_day)
        elif plan.kind == APPRENTICESHIP:
            dossier = self._apprenticeship(plan, company, common, created_day, at)
        else:
            dossier = self._pro(plan, company, common, created_day, at)
        self.loaded.dossiers += 1
        self._history(dossier, plan, steps, creator, advisor or self.advisor)

    def _number(self, kind: str, submitted_at: datetime) -> str:
        """The next number of the year of transmission, from the portal's own sequence (so
        that a dossier transmitted during the demo never takes one of these)."""
        code = get_kind(kind).code
        year = timezone.localtime(submitted_at).year
        sequence, _created = DossierSequence.objects.get_or_create(year=year, code=code)
        DossierSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
        return f"{year}-{code}-{sequence.last + 1:06d}"

    def _advisor_for(self, branch: str) -> User:
        # The demo advisor instructs most of her branches' dossiers; her colleagues the rest.
        colleague = self.advisors[1] if branch == HCR else self.advisors[2]
        return self.advisor if self.rng.random() < 0.6 else colleague

    def _training(self, plan: Plan, company: dict, common: dict, created_day: date) -> Dossier:
        rng = self.rng
        title, hours = rng.choice(TRAININGS[company["branch"]])
        start = created_day + timedelta(days=rng.randint(20, 75))
        end = start + timedelta(days=max(hours // 7 - 1, 0) + rng.choice((0, 0, 7, 14)))
        trainees = rng.sample(self.employees[plan.company], rng.randint(1, 4))
        rate = Decimal(rng.choice((32, 38, 45, 52, 60)))
        costs = {"cost_teaching": (rate * hours * len(trainees)).quantize(Decimal("1.00"))}
        if rng.random() < 0.35:
            costs["cost_pay"] = (Decimal("14.50") * hours * len(trainees)).quantize(Decimal("1.00"))
        if rng.random() < 0.2:
            costs["cost_meals"] = Decimal(18 * len(trainees) * max(hours // 7, 1)).quantize(
                Decimal("1.00")
            )
        if rng.random() < 0.45:
            provider = self.formapro
            provider_values = {
                "provider_establishment": provider,
                "provider_name": provider.display_name,
                "provider_siret": provider.siret,
            }
            detail = {
                "provider_address": provider.address,
                "provider_postal_code": provider.postal_code,
                "provider_city": provider.city,
                "provider_nda": provider.nda,
                "direct_payment": rng.random() < 0.6,
            }
        else:
            name, city, seq = rng.choice(OTHER_PROVIDERS)
            provider_values = {
                "provider_name": name,
                "provider_siret": self.f.siret_from(self.f.siren_from(seq), 1),
            }
            detail = {"provider_city": city, "direct_payment": False}
        dossier = self.f.DossierFactory(
            **common,
            **provider_values,
            title=title,
            start_date=start,
            end_date=end,
            training__provider_type="training_organisation",
            training__duration_hours=Decimal(hours),
            training__modality=rng.choice(("in_person", "in_person", "blended", "distance")),
            **{f"training__{k}": v for k, v in {**detail, **costs}.items()},
        )
        Trainee.objects.bulk_create(
            Trainee(dossier=dossier, employee=employee, hours_on_work_time=Decimal(hours))
            for employee in trainees
        )
        self.requested[dossier.pk] = costs  # what the approval grants
        return dossier

    def _person(self) -> tuple[str, str, str]:
        sex = self.rng.choice("FM")
        first = self.rng.choice(FEMALE if sex == "F" else MALE)
        return self.rng.choice(LAST_NAMES), first, sex

    def _apprenticeship(
        self, plan: Plan, company: dict, common: dict, created_day: date, at: dict
    ) -> Dossier:
        rng = self.rng
        last, first, sex = self._person()
        tutor_last, tutor_first, _sex = self._person()
        qualification, rncp, diploma, prepared, highest = rng.choice(
            APPRENTICESHIP_QUALIFICATIONS[company["branch"]]
        )
        start = created_day + timedelta(days=rng.randint(5, 35))
        birth = _years_before(start, 19, rng.randint(20, 300))
        values = {
            "apprentice_last_name": last,
            "apprentice_first_name": first,
            "apprentice_sex": sex,
            "apprentice_birth_date": birth,
            "apprentice_nir": self.f.nir_for(birth, sex=sex, order=rng.randint(1, 999)),
            "apprentice_email": f"{_ascii(first)}.{_ascii(last)}@exemple.fr",
            "master1_last_name": tutor_last,
            "master1_first_name": tutor_first,
            "qualification_title": qualification,
            "rncp": rncp,
            "diploma_type": diploma,
            "apprentice_diploma_prepared": prepared,
            "apprentice_highest_diploma": highest,
            "employer_street": plan.establishment.address,
            "employer_postal_code": plan.establishment.postal_code,
            "employer_city": plan.establishment.city,
            "complete_on": at["submitted"].date()
            if "submitted" in at and plan.state != S.DOCUMENTS_REQUESTED
            else None,
        }
        if plan.state in (S.APPROVED, S.BROKEN):
            decided = at["approved"]
            values["deca_number"] = (
                f"0{plan.establishment.postal_code[:2]}{decided:%Y%m}NC{rng.randint(1, 9999):04d}"
            )
        if company["branch"] == BAKERY:
            from monespace.dossiers.apprenticeship.services import cfa_values

            cfa = cfa_values(self.cfa)
            provider = {k: cfa.pop(k) for k in ("provider_establishment", "provider_name")}
            provider["provider_siret"] = cfa.pop("provider_siret")
            values.update(cfa)
        else:
            name, seq = HCR_CFA
            provider = {
                "provider_name": name,
                "provider_siret": self.f.siret_from(self.f.siren_from(seq), 1),
            }
        dossier = self.f.ContractFactory(
            **common,
            **provider,
            title=f"{last} {first} — {qualification}",
            start_date=start,
            end_date=start + timedelta(days=2 * 365 - 1),
            **{f"apprenticeship__{k}": v for k, v in values.items()},
        )
        if plan.state not in (S.DRAFT, S.AWAITING_EMPLOYER):
            from monespace.dossiers.apprenticeship.services import pay_lines_save

            pay_lines_save(dossier=dossier, rates=None)
        return dossier

    def _pro(self, plan: Plan, company: dict, common: dict, created_day: date, at: dict) -> Dossier:
        rng = self.rng
        last, first, sex = self._person()
        tutor_last, tutor_first, _sex = self._person()
        qualification, rncp = rng.choice(PRO_QUALIFICATIONS)
        start = created_day + timedelta(days=rng.randint(5, 30))
        birth = _years_before(start, 22, rng.randint(20, 300))
        values = {
            "employee_last_name": last,
            "employee_first_name": first,
            "employee_sex": sex,
            "employee_birth_date": birth,
            "employee_nir": self.f.nir_for(birth, sex=sex, order=rng.randint(1, 999)),
            "tutor_last_name": tutor_last,
            "tutor_first_name": tutor_first,
            "qualification_title": qualification,
            "rncp": rncp,
            "employer_street": plan.establishment.address,
            "employer_postal_code": plan.establishment.postal_code,
            "employer_city": plan.establishment.city,
            "complete_on": at["submitted"].date()
            if "submitted" in at and plan.state != S.DOCUMENTS_REQUESTED
            else None,
        }
        name, city, seq = rng.choice(OTHER_PROVIDERS)
        provider: dict = {
            "provider_name": name,
            "provider_siret": self.f.siret_from(self.f.siren_from(seq), 1),
        }
        values["provider_city"] = city
        if rng.random() < 0.7:
            from monespace.dossiers.professionalisation.services import provider_values

            found = provider_values(self.formapro)
            provider = {
                k: found.pop(k)
                for k in ("provider_establishment", "provider_name", "provider_siret")
            }
            values.update(found)
        return self.f.ProContractFactory(
            **common,
            **provider,
            kind=plan.kind,
            title=f"{last} {first} — {qualification}",
            start_date=start,
            **{f"professionalisation__{k}": v for k, v in values.items()},
        )

    # --- Its history: steps, pieces, decisions and letters ------------------------------------------

    def _steps(self, plan: Plan) -> list[tuple[str, datetime]]:
        """The dossier's life up to its state: (step, when), in order, none after now."""
        rng = self.rng
        state = plan.state
        contract = plan.kind in CONTRACTS
        steps: list[tuple[str, float]] = [("created", 0.0)]
        if state == S.DRAFT:
            return [("created", plan.created_at)]
        if state == S.AWAITING_EMPLOYER:
            steps.append(("sent_to_employer", rng.uniform(0.2, 2)))
        else:
            steps.append(("submitted", rng.uniform(0.05, 2) if contract else rng.uniform(0.2, 6)))
            if state == S.CANCELLED and rng.random() < 0.5:
                steps.append(("cancelled", rng.uniform(1, 10)))
            elif state != S.SUBMITTED:
                steps.append(("assigned", rng.uniform(0.3, 3)))
                asked = state == S.DOCUMENTS_REQUESTED or rng.random() < 0.25
                if asked:
                    steps.append(("documents_requested", rng.uniform(0.5, 4)))
                    if state != S.DOCUMENTS_REQUESTED:
                        steps.append(("documents_provided", rng.uniform(1, 8)))
                if state in (S.APPROVED, S.CLOSED, S.BROKEN):
                    steps.append(("approved", rng.uniform(1, 15)))
                elif state == S.REFUSED:
                    steps.append(("refused", rng.uniform(1, 15)))
                elif state == S.CANCELLED:
                    steps.append(("cancelled", rng.uniform(1, 15)))
        # Gaps in days → moments; squeezed when the dossier is younger than its life.
        total = sum(gap for _name, gap in steps)
        room = (self.now - timedelta(hours=1) - plan.created_at).total_seconds() / 86400
        scale = min(1.0, room / total) if total else 1.0
        moments, elapsed = [], 0.0
        for name, gap in steps:
            elapsed += gap * scale
            moments.append((name, plan.created_at + timedelta(days=elapsed)))
        last = moments[-1][1]
        latest = self.now - timedelta(days=2)
        if state == S.CLOSED:
            # Closed once the training is over (it ends within 95 days of the request) and its
            # pieces came; a professionalisation contract once its 11 months are over.
            days = rng.randint(110, 180) if plan.kind == TRAINING else rng.randint(390, 450)
            moments.append(("closed", min(max(last + 5 * DAY, last + days * DAY), latest)))
        elif state == S.BROKEN:
            declared = min(last + rng.randint(60, 200) * DAY, latest - DAY)
            moments.append(("rupture_declared", declared))
            moments.append(("broken", min(declared + rng.randint(1, 6) * DAY, latest)))
        return moments

    def _history(
        self,
        dossier: Dossier,
        plan: Plan,
        steps: list[tuple[str, datetime]],
        creator: User,
        advisor: User,
    ) -> None:
        rng = self.rng
        required = dossier.spec.required_pieces(dossier)
        asked = next((name for name, _at in steps if name == "documents_requested"), None)
        missing = rng.choice(required) if asked and required else None
        state = S.DRAFT
        for name, at in steps:
            event = None
            if name == "created":
                event = (EventKind.CREATED, "", S.DRAFT, creator, "")
                if plan.state == S.DRAFT and dossier.kind == TRAINING and rng.random() < 0.4:
                    self._piece(
                        dossier, PieceType.PROGRAMME, creator, at + timedelta(minutes=20), state
                    )
            elif name == "sent_to_employer":
                event = (EventKind.SENT_TO_EMPLOYER, state, S.AWAITING_EMPLOYER, creator, "")
            elif name == "submitted":
                attached = max(plan.created_at, at - timedelta(minutes=30))
                for piece in required:
                    if piece is not missing:
                        self._piece(dossier, piece.piece_type, creator, attached, state)
                event = (EventKind.SUBMITTED, state, S.SUBMITTED, creator, "")
            elif name == "assigned":
                event = (EventKind.ASSIGNED, state, S.UNDER_REVIEW, advisor, "")
            elif name == "documents_requested":
                label = str(PieceType(missing.piece_type if missing else PieceType.OTHER).label)
                due = (at + 15 * DAY).date()
                decision = self._decision(
                    dossier,
                    DecisionKind.DOCUMENTS_REQUEST,
                    advisor,
                    at,
                    missing_pieces=[label],
                    due_date=due,
                )
                self._letter(
                    dossier,
                    decision,
                    _("Courrier de relance"),
                    [f"Pièce à fournir avant le {due:%d/%m/%Y} : {label}."],
                )
                event = (EventKind.DOCUMENTS_REQUESTED, state, S.DOCUMENTS_REQUESTED, advisor, "")
                self._notice(
                    dossier,
                    _("Pièces demandées pour le dossier %(number)s") % {"number": dossier.number},
                    _("À fournir avant le %(date)s : %(pieces)s")
                    % {"date": due.strftime("%d/%m/%Y"), "pieces": label},
                    at,
                )
            elif name == "documents_provided":
                if missing:
                    self._piece(dossier, missing.piece_type, creator, at, state)
                event = (EventKind.DOCUMENTS_PROVIDED, state, S.UNDER_REVIEW, creator, "")
                self.staff_notices.append(
                    (
                        advisor,
                        _("Pièces fournies pour le dossier %(number)s")
                        % {"number": dossier.number},
                        path_to("staff_dossier", dossier),
                        at,
                    )
                )
            elif name == "approved":
                self._approve(dossier, advisor, at)
                event = (EventKind.APPROVED, state, S.APPROVED, advisor, "")
            elif name == "refused":
                reason = rng.choice(REFUSALS)
                decision = self._decision(dossier, DecisionKind.REFUSAL, advisor, at, reason=reason)
                self._letter(dossier, decision, _("Courrier de refus"), [f"Motif : {reason}"])
                event = (EventKind.REFUSED, state, S.REFUSED, advisor, reason)
                self._notice(
                    dossier, _("Dossier %(number)s refusé") % {"number": dossier.number}, reason, at
                )
            elif name == "cancelled":
                reason = rng.choice(CANCELLATIONS)
                event = (EventKind.CANCELLED, state, S.CANCELLED, advisor, reason)
                self._notice(
                    dossier, _("Dossier %(number)s annulé") % {"number": dossier.number}, reason, at
                )
            elif name == "closed":
                reason = rng.choice(CLOSURES) if dossier.kind == TRAINING else ""
                self._decision(dossier, DecisionKind.CLOSURE, advisor, at, reason=reason)
                event = (EventKind.CLOSED, state, S.CLOSED, advisor, reason)
            elif name == "rupture_declared":
                self._rupture(dossier, creator, advisor, at, steps[-1][1])
                event = (EventKind.RUPTURE_DECLARED, state, state, creator, "")
            elif name == "broken":
                event = (EventKind.BROKEN, state, S.BROKEN, advisor, "")
            kind, from_state, to_state, actor, message = event
            self.events.append(
                DossierEvent(
                    dossier=dossier,
                    actor=actor,
                    kind=kind,
                    from_state=from_state,
                    to_state=to_state,
                    message=message,
                    created_at=at,
                )
            )
            state = to_state

    def _piece(
        self, dossier: Dossier, piece_type: str, actor: User, at: datetime, state: str
    ) -> None:
        """A piece the company attached (a one-page PDF naming it)."""
        label = str(PieceType(piece_type).label)
        pdf = letter_pdf(
            [dossier.company.name, "", label, dossier.title, "", "Pièce de démonstration."]
        )
        self.f.DocumentFactory(
            dossier=dossier,
            piece_type=piece_type,
            title=label,
            original_name=f"{_ascii(label)[:40]}.pdf",
            file=ContentFile(pdf, name="upload"),
            size=len(pdf),
            sha256=_sha256(pdf),
            uploaded_by=actor,
            uploaded_at=at,
            scan_status=ScanStatus.CLEAN,
            scanned_at=at,
        )
        self.events.append(
            DossierEvent(
                dossier=dossier,
                actor=actor,
                kind=EventKind.DOCUMENT_ADDED,
                from_state=state,
                to_state=state,
                message=label,
                created_at=at,
            )
        )

    def _decision(
        self, dossier: Dossier, kind: str, advisor: User, at: datetime, **values
    ) -> Decision:
        return Decision.objects.create(
            dossier=dossier, kind=kind, decided_by=advisor, created_at=at, **values
        )

    def _approve(self, dossier: Dossier, advisor: User, at: datetime) -> None:
        if dossier.kind == TRAINING:
            # Granted as asked, or trimmed to the branch's ceiling now and then.
            ratio = Decimal(1) if self.rng.random() < 0.7 else Decimal("0.85")
            granted = {
                code: (amount * ratio).quantize(Decimal("1.00"))
                for code, amount in self.requested[dossier.pk].items()
            }
            total = sum(granted.values(), Decimal(0))
            Dossier.objects.filter(pk=dossier.pk).update(granted_total=total)
            decision = self._decision(
                dossier, DecisionKind.APPROVAL, advisor, at, granted_total=total
            )
            self.granted += [
                GrantedAmount(decision=decision, line=code, amount=amount)
                for code, amount in granted.items()
            ]
            self.commitments.append((dossier, granted, advisor, at))
            lines = [f"Montant accordé : {format_euros(total)} HT."]
            body = _(
                "Montant accordé : %(total)s HT. Le courrier d'accord est dans les documents du dossier."
            ) % {"total": format_euros(total)}
        else:
            decision = self._decision(dossier, DecisionKind.APPROVAL, advisor, at)
            lines = ["L'OPCO prend en charge le contrat."]
            body = _(
                "L'OPCO prend en charge le contrat. Le courrier d'accord est dans les documents du dossier."
            )
        self._letter(dossier, decision, _("Courrier d'accord"), lines)
        self._notice(
            dossier, _("Dossier %(number)s accordé") % {"number": dossier.number}, body, at
        )

    def _letter(self, dossier: Dossier, decision: Decision, title: str, lines: list[str]) -> None:
        """The decision's letter among the dossier's documents, as the instruction files it."""
        company = dossier.company
        place = dossier.establishment
        pdf = letter_pdf(
            [
                self.opco_name,
                "",
                company.name,
                place.address,
                f"{place.postal_code} {place.city}",
                "",
                f"Le {timezone.localtime(decision.created_at):%d/%m/%Y}",
                "",
                f"Objet : {title} — dossier {dossier.number}",
                f"{dossier.get_kind_display()} : {dossier.title}",
                "",
                *lines,
                "",
                "Document de démonstration.",
            ]
        )
        letter = self.f.DocumentFactory(
            dossier=dossier,
            piece_type=PieceType.LETTER,
            title=title,
            original_name=f"{title} {dossier.number}.pdf",
            file=ContentFile(pdf, name="letter"),
            size=len(pdf),
            sha256=_sha256(pdf),
            uploaded_by=decision.decided_by,
            uploaded_at=decision.created_at,
            scan_status=ScanStatus.CLEAN,
            scanned_at=decision.created_at,
        )
        Decision.objects.filter(pk=decision.pk).update(letter=letter)

    def _rupture(
        self, dossier: Dossier, creator: User, advisor: User, at: datetime, recorded: datetime
    ) -> None:
        from monespace.dossiers.models.apprenticeship import RuptureReason

        rupture = ContractRupture.objects.create(
            dossier=dossier,
            rupture_date=max(at.date() - 3 * DAY, dossier.start_date + DAY),
            reason=self.rng.choice(
                (RuptureReason.PROBATION, RuptureReason.AGREEMENT, RuptureReason.APPRENTICE)
            ),
            initiated_by="both",
            entered_by=creator,
            recorded_by=advisor,
            recorded_at=recorded,
        )
        ContractRupture.objects.filter(pk=rupture.pk).update(entered_at=at)

    def _notice(self, dossier: Dossier, title: str, body: str, at: datetime) -> None:
        self.notices.append((dossier, title, body, at, path_to("dossier", dossier)))

    # --- What people find on arriving: money engaged, notifications, quick accesses --------------

    def _ledger(self) -> None:
        from monespace.dossiers.models.training_action import COST_FIELDS
        from monespace.invoices.models import LedgerEntry, LedgerKind

        labels = dict(COST_FIELDS)
        LedgerEntry.objects.bulk_create(
            (
                LedgerEntry(
                    dossier=dossier,
                    line=code,
                    kind=LedgerKind.COMMITMENT,
                    amount=amount,
                    label=str(labels[code]),
                    created_by=advisor,
                    created_at=at,
                )
                for dossier, granted, advisor, at in self.commitments
                for code, amount in granted.items()
            ),
            batch_size=500,
        )

    def _notifications(self) -> None:
        """The last three months' decisions in the bell of the company users who follow the
        dossiers (and of the CFA or training organisation named on a contract, as the
        instruction tells them); those of the last days not all read yet."""
        recent = self.now - timedelta(days=90)

        def read_at(at: datetime) -> datetime | None:
            age = self.now - at
            if age < timedelta(days=2) or (age < timedelta(days=8) and self.rng.random() < 0.4):
                return None
            return min(at + timedelta(hours=self.rng.randint(1, 30)), self.now)

        creators = {c["company"].pk: c["creator"] for c in self.companies.values()}
        providers = {self.cfa.pk: self.cfa_user, self.formapro.pk: self.of_user}
        rows = []
        for dossier, title, body, at, url in self.notices:
            if at < recent:
                continue
            recipients = [creators[dossier.company_id]]
            if dossier.kind in CONTRACTS and dossier.provider_establishment_id in providers:
                recipients.append(providers[dossier.provider_establishment_id])
            rows += [
                Notification(
                    recipient=user,
                    title=title[:200],
                    body=body,
                    url=url,
                    created_at=at,
                    read_at=read_at(at),
                )
                for user in recipients
            ]
        for user, title, url, at in self.staff_notices:
            if at >= recent:
                rows.append(
                    Notification(
                        recipient=user,
                        title=title[:200],
                        url=url,
                        created_at=at,
                        read_at=read_at(at),
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=500)
        unread: dict[int, int] = defaultdict(int)
        for row in rows:
            if row.read_at is None:
                unread[row.recipient.pk] += 1
        for pk, count in unread.items():
            User.objects.filter(pk=pk).update(
                unread_notifications=F("unread_notifications") + count
            )

    def _quick_accesses(self) -> None:
        """The main persona's « Accès rapides » (through the service, as if saved by hand)."""
        from monespace.dossiers.saved_views import saved_view_create

        user = self.company_user
        if user.saved_views.exists():
            return
        montreuil = next(
            (e for e in self.companies[LILAS]["establishments"] if not e.is_head_office), None
        )
        views = [
            ("Pièces demandées", "state=documents_requested"),
            ("Apprentissage en cours d'instruction", "dispositif=apprenticeship&group=en-cours"),
            (
                f"Accordés, début en {self.today.year}",
                f"group=accordes&start_from={self.today.year}-01-01",
            ),
        ]
        if montreuil is not None:
            views.append(
                (f"Établissement de {montreuil.city.title()}", f"establishment={montreuil.pk}")
            )
        for name, query in views:
            saved_view_create(actor=user, name=name, query=query)


def _years_before(day: date, years: int, extra_days: int = 0) -> date:
    from monespace.dossiers.apprenticeship.pay import add_years

    return add_years(day, -years) - timedelta(days=extra_days)


def _ascii(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _demo_password() -> str:
    from monespace.demo.management.commands.seed_demo import DEMO_PASSWORD

    return DEMO_PASSWORD
