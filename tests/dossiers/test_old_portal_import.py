"""Take-over of the old portal's dossiers and RIBs (issue 15, seed 002): the transmitted
dossiers are taken over with their costs, decision, pieces' metadata and history, drafts are
not; every rejected line says why; a second run and a dry run change nothing; users see the
dossiers through their usual rights, and the RIBs in the history of « Coordonnées bancaires »."""

import html
import io
import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from monespace.core.models import ActivityEvent
from monespace.dossiers import takeover
from monespace.dossiers.models import (
    Decision,
    Document,
    Dossier,
    DossierEvent,
    GrantedAmount,
    TrainingAction,
)
from monespace.invoices.models import BankAccount, LedgerEntry
from monespace.invoices.perms import Target
from monespace.invoices.services import in_force
from monespace.organizations import importers
from monespace.organizations.models import Company, Establishment
from tests.factories import DossierFactory, MembershipFactory
from tests.helpers import create_dossier

pytestmark = pytest.mark.django_db

SAMPLE = Path(takeover.__file__).parent / "data" / "old-portal-sample"
ORGANIZATIONS = Path(importers.__file__).parent / "data"
PARIS = ZoneInfo("Europe/Paris")
LILAS, MONTREUIL, HOTEL = "80295478400012", "80295478400020", "42817365200010"


def text(response):
    """The page's text, its spaces (narrow, no-break, new lines) as single spaces."""
    return " ".join(html.unescape(response.content.decode()).replace("\u202f", " ").split())


def run(folder=SAMPLE, *args):
    out = io.StringIO()
    call_command("import_old_portal_dossiers", str(folder), *args, stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Dossier,
            TrainingAction,
            Decision,
            GrantedAmount,
            DossierEvent,
            Document,
            BankAccount,
            ActivityEvent,
        )
    }


@pytest.fixture
def directory(db):
    """The sample directory (BOULANGERIE DES LILAS and its two establishments, HOTEL DU PORT,
    FORMAPRO CONSEIL) with the OPCO's data."""
    importers.import_sirene_legal_units(ORGANIZATIONS / "sirene-sample-unites-legales.csv")
    importers.import_sirene_establishments(ORGANIZATIONS / "sirene-sample-etablissements.csv")
    importers.import_opco_data(ORGANIZATIONS / "opco-sample.csv")


@pytest.fixture
def folder(tmp_path):
    """A copy of the sample to spoil."""
    copy = tmp_path / "extrait"
    shutil.copytree(SAMPLE, copy)
    return copy


def replace_rows(folder, name, rows):
    """Keep the header of ``name``, put ``rows`` under it."""
    path = folder / name
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def dossier_row(number="AP-77", siret=LILAS, state="Transmis", **cells):
    values = {
        "numero": number,
        "siret": siret,
        "intitule": "FORMATION REPRISE",
        "date_debut": "2024-03-04",
        "date_fin": "2024-03-05",
        "etat": state,
        "date_creation": "2024-01-10",
        "date_transmission": "2024-01-12",
        "date_decision": "",
        "motif_refus": "",
        "siret_organisme": "",
        "nom_organisme": "",
        "duree_heures": "7",
    }
    values.update(cells)
    return ";".join(values.values())


# --- The sample --------------------------------------------------------------------------------


def test_the_sample_is_taken_over_with_its_costs_decisions_pieces_and_history(directory):
    output = run()
    assert "Dossiers : lignes lues : 6, repris : 5, déjà repris : 0, rejetés : 1." in output
    assert "8 pièces" in output and "16 événements" in output
    assert "RIB : lignes lues : 3, repris : 3, déjà repris : 0, rejetés : 0." in output
    assert (
        "dossiers.csv, ligne 6 : brouillon : les dossiers laissés en brouillon sur l'ancien "
        "portail ne sont pas repris." in output
    )
    assert not Dossier.objects.filter(number="DF-2025-00102").exists()  # the draft

    closed = Dossier.objects.get(number="DF-2023-04512")
    lilas = Establishment.objects.get(siret=LILAS)
    assert (closed.company, closed.establishment, closed.kind) == (
        lilas.company,
        lilas,
        "training_action",
    )
    assert closed.state == "closed" and closed.taken_over_at is not None
    assert closed.title == "HYGIÈNE ALIMENTAIRE EN RESTAURATION COMMERCIALE (HACCP)"
    assert (closed.start_date, closed.end_date) == (date(2023, 3, 6), date(2023, 3, 8))
    assert closed.submitted_at == datetime(2023, 1, 12, tzinfo=PARIS)
    assert closed.created_at == datetime(2023, 1, 10, tzinfo=PARIS)
    assert closed.provider_establishment == Establishment.objects.get(siret="83012345100015")
    assert closed.provider_name == "FORMAPRO CONSEIL"
    assert closed.training.duration_hours == Decimal("14.00")
    assert (closed.training.cost_teaching, closed.training.cost_pay) == (
        Decimal("1260.00"),
        Decimal("840.00"),
    )
    assert closed.total_requested == Decimal("2100.00")
    assert closed.granted_total == Decimal("1860.00")
    approval = closed.decisions.get()
    assert approval.kind == "approval" and approval.created_at == datetime(2023, 2, 1, tzinfo=PARIS)
    assert {a.line: a.amount for a in approval.amounts.all()} == {
        "cost_teaching": Decimal("1260.00"),
        "cost_pay": Decimal("600.00"),
    }
    events = list(closed.events.order_by("created_at", "id"))
    assert [e.kind for e in events] == [
        "legacy_document",  # the programme and the quote, on 10/01/2023 (a date: midnight)
        "legacy_document",
        "created",  # 10/01/2023 09:12
        "submitted",
        "assigned",
        "approved",
        "legacy_document",  # attendance sheets, 10/03/2023
        "legacy_document",
        "closed",  # 18/04/2023 14:00
        "taken_over",  # now
    ]
    transmitted = next(e for e in events if e.kind == "submitted")
    assert transmitted.created_at == datetime(2023, 1, 12, 16, 40, tzinfo=PARIS)
    assert transmitted.actor is None
    pieces = {e.message: e.created_at for e in events if e.kind == "legacy_document"}
    assert pieces["Programme détaillé : programme-haccp.pdf"] == datetime(2023, 1, 10, tzinfo=PARIS)
    assert "Feuilles d'émargement : emargement-haccp.pdf" in pieces
    closing = next(e for e in events if e.kind == "closed")
    assert closing.message == "Formation réalisée et réglée."
    # No file came from the old portal: no Document row promises one.
    assert not Document.objects.exists()
    # Not in the ledger: the old portal's invoices are not in the extract.
    assert not LedgerEntry.objects.exists()

    refused = Dossier.objects.get(number="DF-2024-02031")
    assert refused.state == "refused" and refused.granted_total is None
    refusal = refused.decisions.get()
    assert refusal.kind == "refusal" and "priorités de la branche" in refusal.reason
    assert refused.provider_establishment is None and refused.provider_name == "LANGUES ET CIE"
    assert Dossier.objects.get(number="DF-2025-00093").state == "under_review"
    assert Dossier.objects.get(number="DF-2024-01187").state == "approved"
    hotel = Dossier.objects.get(number="DF-2024-00777")
    assert hotel.state == "cancelled" and hotel.establishment.siret == HOTEL

    ribs = {a.legacy_reference: a for a in BankAccount.objects.all()}
    old = ribs["RIB-000871"]
    assert old.state == "taken_over" and old.iban == "FR7630004008190001234567879"
    assert (old.bic, old.bank_name, old.holder) == (
        "BNPAFRPP",
        "BNP PARIBAS",
        "BOULANGERIE DES LILAS",
    )
    assert old.company == lilas.company and old.establishment is None and old.profile == "member"
    assert old.deposited_at == datetime(2019, 6, 12, tzinfo=PARIS)
    assert old.used_until == date(2023, 5, 31) and not old.file and not old.is_usable
    assert ribs["RIB-002310"].establishment == Establishment.objects.get(siret=HOTEL)
    # History only: never the RIB payments use.
    assert in_force(Target(company_id=lilas.company_id, profile="member")) is None


def test_a_second_run_changes_nothing_and_says_so(directory):
    run()
    before = counts()
    output = run()
    assert counts() == before
    assert "Dossiers : lignes lues : 6, repris : 0, déjà repris : 5, rejetés : 1." in output
    assert "RIB : lignes lues : 3, repris : 0, déjà repris : 3, rejetés : 0." in output
    assert "dossiers.csv, ligne 2 : DF-2023-04512" in output
    assert "rib.csv, ligne 2 : RIB-000871" in output


def test_the_dry_run_checks_everything_and_writes_nothing(directory):
    before = counts()
    output = run(SAMPLE, "--dry-run")
    assert counts() == before
    assert "Dossiers : lignes lues : 6, à reprendre : 5, déjà repris : 0, rejetés : 1." in output
    assert "RIB : lignes lues : 3, à reprendre : 3" in output
    assert "ligne 6 : brouillon" in output
    assert "Simulation (--dry-run) : rien n'a été enregistré." in output
    # And the real run afterwards takes everything over.
    assert "repris : 5" in run()


# --- Rejected lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (dossier_row(siret="55210055400013"), "SIRET inconnu de l'annuaire du portail"),
        (dossier_row(siret="80295478400013"), "clé de contrôle incorrecte"),
        (dossier_row(state="Brouillon"), "brouillon : les dossiers laissés en brouillon"),
        (dossier_row(state="En attente"), "état inconnu dans la colonne « etat »"),
        (dossier_row(date_debut="31/02/2024"), "date invalide dans la colonne « date_debut »"),
        (dossier_row(date_fin="2024-03-01"), "la date de fin précède la date de début"),
        (dossier_row(date_creation="2024-02-01"), "transmis avant d'avoir été créé"),
        (
            dossier_row(date_transmission=""),
            "valeur manquante dans la colonne « date_transmission »",
        ),
        (dossier_row(date_transmission="2099-01-01"), "date dans le futur"),
        (dossier_row(state="Accordé"), "valeur manquante dans la colonne « date_decision »"),
        (
            dossier_row(state="Refusé", date_decision="2024-01-02"),
            "la décision précède la transmission",
        ),
        (dossier_row(intitule=""), "valeur manquante dans la colonne « intitule »"),
        (dossier_row(duree_heures="-3"), "montant négatif dans la colonne « duree_heures »"),
        (dossier_row(number="2024-AF-000123"), "format des numéros du portail"),
        (dossier_row(number="DF 12 / ?"), "numéro de dossier invalide"),
        (dossier_row(siret_organisme="123"), "SIRET de l'organisme"),
    ],
)
def test_a_bad_dossier_line_is_rejected_with_its_reason(directory, folder, row, reason):
    replace_rows(folder, "dossiers.csv", [row])
    replace_rows(folder, "couts.csv", [])
    replace_rows(folder, "pieces.csv", [])
    replace_rows(folder, "historique.csv", [])
    output = run(folder)
    assert "rejetés : 1." in output
    line = next(line for line in output.splitlines() if line.startswith("  dossiers.csv, ligne 2"))
    assert reason in line, output
    assert "FORMATION REPRISE" not in output  # never the line's content
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("file", "row", "reason"),
    [
        (
            "couts.csv",
            "AP-77;repas;-100,00;",
            "montant négatif dans la colonne « montant_demande »",
        ),
        ("couts.csv", "AP-77;repas;cent;", "montant illisible"),
        (
            "couts.csv",
            "AP-77;repas;100,00;50,00",
            "montant accordé pour un dossier qui n'est ni accordé",
        ),
        ("couts.csv", "AP-77;cafe;100,00;", "valeur inconnue dans la colonne « ligne »"),
        (
            "couts.csv",
            "AP-77;repas;;",
            "valeur manquante dans la colonne « montant_demande »",
        ),
        (
            "pieces.csv",
            "AP-77;programme.pdf;photo;2024-01-10",
            "valeur inconnue dans la colonne « type »",
        ),
        (
            "pieces.csv",
            "AP-77;programme.pdf;programme;10-01-2024",
            "date invalide dans la colonne « date »",
        ),
        ("historique.csv", "AP-77;2024-01-12 25:00;transmission;", "date invalide"),
        (
            "historique.csv",
            "AP-77;2024-01-12;relance;",
            "valeur inconnue dans la colonne « evenement »",
        ),
    ],
)
def test_a_bad_line_of_a_dossier_rejects_the_whole_dossier(directory, folder, file, row, reason):
    replace_rows(folder, "dossiers.csv", [dossier_row(), dossier_row(number="AP-78")])
    replace_rows(folder, "couts.csv", ["AP-77;pedagogique;700,00;", "AP-78;pedagogique;700,00;"])
    replace_rows(folder, "pieces.csv", [])
    replace_rows(folder, "historique.csv", [])
    with (folder / file).open("a", encoding="utf-8") as extra:
        extra.write(row + "\n")
    output = run(folder)
    rejected = [line for line in output.splitlines() if line.startswith(f"  {file}, ligne ")]
    assert len(rejected) == 1 and reason in rejected[0], output
    assert "dossiers.csv, ligne 2 : dossier non repris : une de ses lignes est rejetée" in output
    # All or nothing: AP-77 is not half taken over; AP-78 is.
    assert list(Dossier.objects.values_list("number", flat=True)) == ["AP-78"]
    assert not DossierEvent.objects.exclude(dossier__number="AP-78").exists()


def test_granted_above_asked_an_accord_without_amount_and_orphan_lines(directory, folder):
    replace_rows(
        folder,
        "dossiers.csv",
        [
            dossier_row(number="AP-1", state="Accordé", date_decision="2024-01-20"),
            dossier_row(number="AP-2", state="Accordé", date_decision="2024-01-20"),
            dossier_row(number="AP-3", state="Clôturé"),
            dossier_row(number="AP-4"),
            dossier_row(number="AP-4"),
        ],
    )
    replace_rows(
        folder,
        "couts.csv",
        [
            "AP-1;pedagogique;700,00;800,00",
            "AP-2;pedagogique;700,00;",
            "AP-3;pedagogique;700,00;700,00",
            "AP-9;pedagogique;700,00;",
            "AP-4;repas;10,00;",
            "AP-4;repas;10,00;",
        ],
    )
    replace_rows(folder, "pieces.csv", [";programme.pdf;programme;2024-01-10"])
    replace_rows(folder, "historique.csv", [])
    output = run(folder)
    assert (
        "couts.csv, ligne 2 : montant accordé (800,00 €) supérieur au montant demandé (700,00 €)"
        in output.replace("\u202f", " ").replace("\xa0", " ")
    )
    assert "dossiers.csv, ligne 3 : dossier accordé sans montant accordé" in output
    assert "dossiers.csv, ligne 4 : valeur manquante dans la colonne « date_decision »" in output
    assert "dossiers.csv, ligne 6 : numéro en double dans le fichier (déjà à la ligne 5)" in output
    assert "couts.csv, ligne 5 : aucun dossier de ce numéro dans dossiers.csv" in output
    assert "couts.csv, ligne 7 : cette ligne de coût figure deux fois" in output
    assert "pieces.csv, ligne 2 : valeur manquante dans la colonne « numero_dossier »" in output
    assert not Dossier.objects.exists()


def test_a_transmitted_training_yet_to_come_is_taken_over(directory, folder):
    """The old portal closed with requests transmitted for trainings ahead: only what happened
    on it (creation, transmission, decision, history) is never after today."""
    ahead = timezone.localdate() + timedelta(days=60)
    replace_rows(
        folder,
        "dossiers.csv",
        [
            dossier_row(
                date_debut=ahead.isoformat(), date_fin=(ahead + timedelta(days=1)).isoformat()
            )
        ],
    )
    replace_rows(folder, "couts.csv", ["AP-77;pedagogique;700,00;"])
    replace_rows(folder, "pieces.csv", [])
    replace_rows(folder, "historique.csv", [])
    assert "repris : 1, déjà repris : 0, rejetés : 0." in run(folder)
    dossier = Dossier.objects.get(number="AP-77")
    assert (dossier.state, dossier.start_date) == ("submitted", ahead)


def test_a_number_the_portal_already_gave_is_not_taken_over(directory, folder):
    own = create_dossier(
        number="AP-77",
        state="submitted",
        company=Company.objects.get(siren="802954784"),
        establishment=Establishment.objects.get(siret=LILAS),
    )
    replace_rows(folder, "dossiers.csv", [dossier_row()])
    replace_rows(folder, "couts.csv", [])
    replace_rows(folder, "pieces.csv", [])
    replace_rows(folder, "historique.csv", [])
    output = run(folder)
    assert "ligne 2 : ce numéro est déjà celui d'un dossier du portail." in output
    own.refresh_from_db()
    assert own.taken_over_at is None and own.events.count() == 0


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (
            "R-1;802954784;;adherent;LILAS;FR76 3000 4008 1900 0123 4567 878;BNPAFRPP;2020-01-01;",
            "IBAN : La clé de l'IBAN ne correspond pas",
        ),
        (
            "R-1;802954784;;adherent;LILAS;FR76 3000 4008 1900 0123 4567 879;AGRIFRPP;2020-01-01;",
            "n'est pas celui de la banque de l'IBAN (BNPAFRPP attendu)",
        ),
        (
            "R-1;802954784;;adherent;LILAS;FR76 3000 4008 1900 0123 4567 879;BNP;2020-01-01;",
            "BIC : Le BIC compte 8 ou 11 caractères",
        ),
        (
            "R-1;552100554;;adherent;X;FR76 3000 4008 1900 0123 4567 879;BNPAFRPP;2020-01-01;",
            "SIREN inconnu de l'annuaire du portail",
        ),
        (
            f"R-1;802954784;{HOTEL};adherent;X;FR76 3000 4008 1900 0123 4567 879;BNPAFRPP;2020-01-01;",
            "le SIRET n'est pas un établissement de ce SIREN",
        ),
        (
            "R-1;802954784;;adherent;LILAS;FR76 3000 4008 1900 0123 4567 879;BNPAFRPP;2020-01-01;2019-12-31",
            "la date de fin précède la date de dépôt",
        ),
        (
            "R-1;802954784;;banque;LILAS;FR76 3000 4008 1900 0123 4567 879;BNPAFRPP;2020-01-01;",
            "valeur inconnue dans la colonne « profil »",
        ),
        (
            "R-1;802954784;;adherent;;FR76 3000 4008 1900 0123 4567 879;BNPAFRPP;2020-01-01;",
            "valeur manquante dans la colonne « titulaire »",
        ),
    ],
)
def test_a_bad_rib_line_is_rejected_with_its_reason(directory, folder, row, reason):
    replace_rows(folder, "rib.csv", [row])
    output = run(folder)
    line = next(line for line in output.splitlines() if line.startswith("  rib.csv, ligne 2"))
    assert reason in line, output
    assert "FR76 3000" not in output and "4567" not in output  # never an IBAN in the report
    assert not BankAccount.objects.exists()


# --- Files that cannot be read -----------------------------------------------------------------


def test_a_file_that_cannot_be_read_stops_before_anything_is_written(directory, folder, tmp_path):
    (folder / "historique.csv").write_bytes(
        "numero_dossier;date;evenement;commentaire\nDF-2023-04512;12/01/2023;creation;Créé\n".encode(
            "latin-1"
        )
    )
    with pytest.raises(CommandError, match=re.escape("historique.csv n'est pas encodé en UTF-8")):
        run(folder)
    assert not Dossier.objects.exists() and not BankAccount.objects.exists()

    shutil.rmtree(folder)
    shutil.copytree(SAMPLE, folder)
    (folder / "couts.csv").write_text("numero_dossier;ligne;montant\n", encoding="utf-8")
    with pytest.raises(
        CommandError,
        match=re.escape(
            "Colonnes manquantes dans l'en-tête de couts.csv : montant_demande, montant_accorde"
        ),
    ):
        run(folder)
    (folder / "couts.csv").unlink()
    with pytest.raises(CommandError, match=r"Fichier manquant dans le dossier .* : couts\.csv"):
        run(folder)
    with pytest.raises(CommandError, match="n'est pas un dossier"):
        run(SAMPLE / "dossiers.csv")
    assert not Dossier.objects.exists() and not BankAccount.objects.exists()


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    """As an operator runs it: a clear message on stderr, exit code 1, no traceback (the file is
    refused before the database is opened)."""
    folder = tmp_path / "extrait"
    shutil.copytree(SAMPLE, folder)
    (folder / "dossiers.csv").write_bytes("numero;siret\nDF-1;é\n".encode("latin-1"))
    done = subprocess.run(
        [sys.executable, "manage.py", "import_old_portal_dossiers", str(folder)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "dossiers.csv n'est pas encodé en UTF-8" in done.stderr


# --- What users see ----------------------------------------------------------------------------


def test_users_see_the_dossiers_through_their_rights(client, directory):
    run()
    lilas = Company.objects.get(siren="802954784")
    montreuil = Establishment.objects.get(siret=MONTREUIL)
    whole = MembershipFactory(company=lilas, can_view_training=True).user
    scoped = MembershipFactory(company=lilas, can_view_training=True)
    scoped.establishments.add(montreuil)
    no_right = MembershipFactory(company=lilas, can_view_invoices=True).user
    outsider = MembershipFactory(can_view_training=True).user
    closed = Dossier.objects.get(number="DF-2023-04512")
    in_montreuil = Dossier.objects.get(number="DF-2024-01187")

    client.force_login(whole)
    page = text(client.get(reverse("www:dossiers")))
    for number in ("DF-2023-04512", "DF-2024-01187", "DF-2024-02031", "DF-2025-00093"):
        assert number in page
    assert "DF-2024-00777" not in page  # HOTEL DU PORT's
    assert "Clôturé" in page and "En instruction" in page
    assert client.get(reverse("www:dossier", args=[closed.pk])).status_code == 200

    client.force_login(scoped.user)
    page = text(client.get(reverse("www:dossiers")))
    assert "DF-2024-01187" in page and "DF-2023-04512" not in page
    assert client.get(reverse("www:dossier", args=[in_montreuil.pk])).status_code == 200
    assert client.get(reverse("www:dossier", args=[closed.pk])).status_code == 404

    for user in (no_right, outsider):
        client.force_login(user)
        assert "DF-2023-04512" not in text(client.get(reverse("www:dossiers")))
        assert client.get(reverse("www:dossier", args=[closed.pk])).status_code == 404


def test_the_dossier_page_shows_its_state_history_and_pieces(client, directory):
    run()
    lilas = Company.objects.get(siren="802954784")
    client.force_login(MembershipFactory(company=lilas, can_view_training=True).user)
    closed = Dossier.objects.get(number="DF-2023-04512")
    page = text(client.get(reverse("www:dossier", args=[closed.pk])))
    assert "Dossier DF-2023-04512" in page and "Clôturé" in page
    assert "Dossier repris de l'ancien portail" in page
    assert "1 260,00 €" in page and "HACCP" in page
    history = text(client.get(reverse("www:dossier", args=[closed.pk]) + "?onglet=historique"))
    assert "12/01/2023 16:40 — Dossier transmis" in history
    assert "18/04/2023 14:00 — Dossier clôturé" in history
    assert (
        "10/01/2023 00:00 — Pièce reprise de l'ancien portail, non téléchargeable — "
        "Programme détaillé : programme-haccp.pdf" in history
    )
    assert "Dossier repris de l'ancien portail — Numéro de l'ancien portail conservé" in history
    documents = text(client.get(reverse("www:dossier", args=[closed.pk]) + "?onglet=documents"))
    assert "n'ont pas été reprises avec leur fichier" in documents
    refused = Dossier.objects.get(number="DF-2024-02031")
    page = text(client.get(reverse("www:dossier", args=[refused.pk])))
    assert "L'OPCO a refusé la prise en charge le 18/10/2024" in page
    assert "priorités de la branche" in page


def test_a_dossier_of_the_portal_does_not_say_it_was_taken_over(client, directory):
    lilas = Establishment.objects.get(siret=LILAS)
    dossier = DossierFactory(establishment=lilas, submitted=True)
    client.force_login(MembershipFactory(company=lilas.company, can_view_training=True).user)
    page = text(client.get(reverse("www:dossier", args=[dossier.pk]) + "?onglet=documents"))
    assert "ancien portail" not in page


def test_the_old_ribs_are_in_the_history_of_bank_details(client, directory):
    run()
    lilas = Company.objects.get(siren="802954784")
    reader = MembershipFactory(company=lilas, can_view_invoices=True).user
    client.force_login(reader)
    page = text(client.get(reverse("www:bank_details")))
    history = page.split("Historique", 1)[1]
    assert "Repris de l'ancien portail" in history
    assert "FR76 •••• … 7879" in history and "FR76 •••• … 0195" in history
    assert "FR76 3000 4008" not in page  # masked, even on the RIB page
    assert "utilisé jusqu'au 31/05/2023" in history and "12/06/2019" in history
    assert "Repris de l'ancien portail, non téléchargeable" in history
    assert "FR14 •••• … 2606" not in page  # HOTEL DU PORT's
    assert "Aucun RIB en vigueur." in page
    old = BankAccount.objects.get(legacy_reference="RIB-000871")
    response = client.get(reverse("www:bank_details_document", args=[old.pk]))
    assert response.status_code == 404

    # Someone of the company without the right to read its invoices sees none of them.
    client.force_login(MembershipFactory(company=lilas, can_view_training=True).user)
    assert "7879" not in text(client.get(reverse("www:bank_details")))
    client.force_login(MembershipFactory(can_view_invoices=True).user)
    assert "7879" not in text(client.get(reverse("www:bank_details")))
