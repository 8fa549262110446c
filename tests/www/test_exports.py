"""« Exporter » (issue 14, first part): the list's filters and the user's perimeter and rights
(never a row the user could not open), typed cells, one sheet per dispositif, the progress, the
file for its owner only, expiry."""

import html
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monespace.dossiers.models import Decision, GrantedAmount
from monespace.exports.models import ExportJob
from monespace.exports.services import exports_purge
from tests.factories import (
    ContractFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
)
from tests.helpers import read_streaming

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def scene():
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, apprenticeship=True
    ).user
    accorded = DossierFactory(
        establishment=establishment,
        approved=True,
        title="FORMATION ACCORDÉE",
        training__cost_teaching=Decimal("1000.00"),
        training__cost_meals=Decimal("50.00"),
    )
    decision = Decision.objects.create(dossier=accorded, kind="approval", granted_total=900)
    GrantedAmount.objects.create(decision=decision, line="cost_teaching", amount=Decimal("850"))
    GrantedAmount.objects.create(decision=decision, line="cost_meals", amount=Decimal("50"))
    draft = DossierFactory(establishment=establishment, title="BROUILLON A")
    contract = ContractFactory(establishment=establishment, submitted=True)
    other = DossierFactory(title="AUTRE ENTREPRISE")
    return {
        "user": user,
        "accorded": accorded,
        "draft": draft,
        "contract": contract,
        "other": other,
    }


def export(client, query=""):
    response = client.post(reverse("www:export_new"), {"query": query})
    assert response.status_code == 302
    return ExportJob.objects.latest("pk")


def workbook(client, job):
    response = client.get(reverse("www:export_file", args=[job.pk]))
    assert response.status_code == 200
    return load_workbook(BytesIO(read_streaming(response)))


def test_the_export_holds_what_the_user_sees_typed_one_sheet_per_dispositif(client, scene):
    client.force_login(scene["user"])
    job = export(client)
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == ("done", 3, 3)
    page = text(client.get(reverse("www:export", args=[job.pk])))
    assert "Votre export est prêt : 3 lignes" in page and "Télécharger le fichier Excel" in page
    book = workbook(client, job)
    assert book.sheetnames == ["Action de formation", "Contrat d'apprentissage"]
    sheet = book["Action de formation"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[5]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"FORMATION ACCORDÉE", "BROUILLON A"}  # not the other company's
    accorded = dict(zip(header, rows["FORMATION ACCORDÉE"], strict=True))
    siret = scene["accorded"].establishment.siret
    assert accorded["SIRET de l'établissement"] == siret and siret.startswith("0")
    assert accorded["Montant demandé"] == 1050
    assert accorded["Coûts pédagogiques (HT) — accordé"] == 850
    assert accorded["Début"].date() == scene["accorded"].start_date
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    contracts = book["Contrat d'apprentissage"]
    assert contracts.max_row == 2 and contracts["A2"].value == scene["contract"].number


def test_professionalisation_contracts_and_pro_a_have_their_sheets(client, scene):
    establishment = scene["accorded"].establishment
    membership = scene["user"].memberships.get(company=establishment.company)
    membership.can_view_professionalisation = True
    membership.save()
    pro = ProContractFactory(establishment=establishment, submitted=True)
    pro_a = ProContractFactory(establishment=establishment, kind="pro_a", submitted=True)
    client.force_login(scene["user"])
    book = workbook(client, export(client))
    assert book.sheetnames == [
        "Action de formation",
        "Contrat d'apprentissage",
        "Contrat de professionnalisation",
        "Pro-A",
    ]
    sheet = book["Contrat de professionnalisation"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["N° de dossier"] == pro.number
    assert row["Salarié(e) — nom"] == "DURAND" and row["Heures de formation"] == 400
    assert book["Pro-A"]["A2"].value == pro_a.number
    book.close()


def test_the_filters_of_the_list_apply(client, scene):
    client.force_login(scene["user"])
    job = export(client, "group=accordes&q=ACCORD")
    book = workbook(client, job)
    assert job.params == {"group": "accordes", "q": "ACCORD"}
    assert [row[5] for row in book.active.iter_rows(min_row=2, values_only=True)] == [
        "FORMATION ACCORDÉE"
    ]
    # Odd parameters never fail: they filter nothing or everything.
    odd = export(client, "start_from=31/02/2026&establishment=abc&dispositif=x&q=%00")
    odd.refresh_from_db()
    assert odd.state == "done"


def test_an_export_is_its_owner_s_only_and_expires(client, scene):
    client.force_login(scene["user"])
    job = export(client)
    job.refresh_from_db()
    stranger = MembershipFactory(company=scene["other"].company, can_view_training=True).user
    client.force_login(stranger)
    for name in ("www:export", "www:export_progress", "www:export_file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.get(reverse("www:exports")).status_code == 200
    assert exports_purge(now=timezone.now() + timedelta(days=8)) == 1
    job.refresh_from_db()
    assert job.state == "expired" and not job.file
    client.force_login(scene["user"])
    assert client.get(reverse("www:export_file", args=[job.pk])).status_code == 410
    assert "a expiré" in text(client.get(reverse("www:export_progress", args=[job.pk])))


def test_the_progress_fragment_polls_until_done(client, scene):
    client.force_login(scene["user"])
    job = ExportJob.objects.create(
        user=scene["user"], state="running", rows_total=200, rows_done=50
    )
    fragment = text(client.get(reverse("www:export_progress", args=[job.pk])))
    assert 'hx-trigger="every 1s"' in fragment and 'value="25"' in fragment
    assert "50 lignes sur 200" in fragment
    for _ in range(2):
        ExportJob.objects.create(user=scene["user"], state="queued")
    response = client.post(reverse("www:export_new"), {"query": ""})
    assert response.status_code == 302 and response["Location"] == reverse("www:exports")
    assert "déjà en cours" in text(client.get(reverse("www:exports")))
    assert ExportJob.objects.count() == 3


def test_a_user_who_lost_a_right_before_the_run_gets_only_what_they_may_open(
    scene, django_capture_on_commit_callbacks
):
    from monespace.exports.services import export_request
    from monespace.organizations.models import Membership

    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=scene["user"], params={}, perimeter=None)
    job.refresh_from_db()
    assert job.rows_done == 3
    Membership.objects.filter(user=scene["user"]).update(can_view_training=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(user=scene["user"], params={}, perimeter=None)
    job.refresh_from_db()
    assert job.rows_done == 1  # the contract only


def test_staff_export_the_queue_as_filtered_and_nobody_else_can(client, scene):
    from tests.factories import StaffProfileFactory

    advisor = StaffProfileFactory().user
    client.force_login(advisor)
    response = client.post(
        reverse("www:export_new"), {"source": "queue", "query": "kind=apprenticeship"}
    )
    job = ExportJob.objects.latest("pk")
    assert response.status_code == 302 and job.source == "queue"
    book = workbook(client, job)
    assert book.sheetnames == ["Contrat d'apprentissage"]
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == [
        scene["contract"].number
    ]
    assert job.file_name.startswith("dossiers-a-instruire-")
    client.force_login(scene["user"])
    client.post(reverse("www:export_new"), {"source": "queue", "query": ""})
    assert ExportJob.objects.filter(user=scene["user"]).count() == 0
    assert "ne s'exporte pas" in text(client.get(reverse("www:exports")))
    client.post(reverse("www:export_new"), {"source": "autre", "query": ""})
    assert ExportJob.objects.filter(user=scene["user"]).count() == 0
