"""Instruction of apprenticeship contracts by the OPCO: the controls as a checklist, the
deadlines (5 working days, 20 days), the decisions with the deposit number, the rupture
recorded, the daily reminder, and who may."""

import html
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.apprenticeship.services import deadline_reminders, rupture_declare
from monespace.dossiers.models import ApprenticeshipContract, Dossier
from monespace.notifications.models import Notification
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
    ready_to_transmit,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def scene(client):
    establishment = EstablishmentFactory(member=True)
    company_user = MembershipFactory(company=establishment.company, apprenticeship=True).user
    cfa = EstablishmentFactory(provider=True, uai="0751234J")
    cfa_user = MembershipFactory(
        company=cfa.company, profile="provider", can_view_apprenticeship=True
    ).user
    dossier = ContractFactory(
        establishment=establishment, submitted=True, provider_establishment=cfa
    )
    ready_to_transmit(dossier)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(complete_on=timezone.localdate())
    advisor = StaffProfileFactory().user
    client.force_login(advisor)
    return {
        "dossier": dossier,
        "company_user": company_user,
        "cfa_user": cfa_user,
        "advisor": advisor,
    }


def url(name, dossier):
    return reverse(f"backoffice:{name}", args=[dossier.pk])


def test_the_contract_page_shows_the_controls_and_the_deadlines(client, scene):
    dossier = scene["dossier"]
    page = text(client.get(url("dossier", dossier)))
    for label in (
        "Âge de l'apprenti(e)",
        "Dates du contrat et de la formation",
        "Rémunération minimale",
        "Maître(s) d'apprentissage",
        "Diplôme ou titre visé (RNCP ou code diplôme)",
        "Pièces justificatives",
    ):
        assert label in page
    assert "à vérifier" not in page  # the factory's contract passes every control
    decide_by = timezone.localdate() + timedelta(days=20)
    assert decide_by.strftime("%d/%m/%Y") in page and "20 jours restants" in page
    # A contract breaking a rule shows why.
    ApprenticeshipContract.objects.filter(dossier=dossier).update(rncp="", diploma_code="")
    page = text(client.get(url("dossier", dossier)))
    assert "à vérifier" in page and "Ni code RNCP ni code du diplôme." in page


def test_the_queue_filters_contracts_and_orders_them_by_deadline(client, scene):
    late = ContractFactory(submitted=True)
    day = timezone.localdate() - timedelta(days=19)
    ApprenticeshipContract.objects.filter(dossier=late).update(complete_on=day)
    Dossier.objects.filter(pk=late.pk).update(complete_on=day)
    page = text(
        client.get(reverse("backoffice:queue"), {"kind": "apprenticeship", "sort": "echeance"})
    )
    assert page.index(late.number) < page.index(scene["dossier"].number)
    assert "Contrat d'apprentissage" in page


def test_accord_with_a_deposit_number_tells_the_company_and_the_cfa(client, scene):
    dossier = scene["dossier"]
    response = client.post(url("dossier_approve", dossier), {"deca_number": "07520261"})
    assert response.status_code == 400
    assert "15 caractères" in text(response)
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    mail.outbox.clear()
    client.post(url("dossier_approve", dossier), {"deca_number": "075 2026 09 NC 0012"})
    dossier.refresh_from_db()
    contract = dossier.apprenticeship
    assert dossier.state == "approved"
    assert (contract.deca_number, contract.decided_on) == ("075202609NC0012", timezone.localdate())
    assert dossier.documents.filter(piece_type="letter", title="Courrier d'accord").exists()
    for user in (scene["company_user"], scene["cfa_user"]):
        note = Notification.objects.get(recipient=user)
        assert "prend en charge le contrat" in note.body
    assert dossier.events.filter(kind="deposited", message="075202609NC0012").exists()


def test_the_deposit_number_received_later(client, scene):
    dossier = scene["dossier"]
    client.post(url("dossier_approve", dossier), {})
    assert client.post(url("contract_deposit", dossier), {"deca_number": "x"}).status_code == 400
    client.post(url("contract_deposit", dossier), {"deca_number": "02B202212000000"})
    dossier.refresh_from_db()
    assert dossier.apprenticeship.deca_number == "02B202212000000"


def test_a_motivated_refusal(client, scene):
    dossier = scene["dossier"]
    response = client.post(url("dossier_refuse", dossier), {"reason": ""})
    assert "Indiquez le motif du refus." in text(response)
    client.post(url("dossier_refuse", dossier), {"reason": "Maître d'apprentissage mineur."})
    dossier.refresh_from_db()
    assert dossier.state == "refused"
    assert dossier.documents.filter(title="Courrier de refus").exists()
    assert Notification.objects.filter(
        recipient=scene["cfa_user"], body="Maître d'apprentissage mineur."
    ).exists()


def test_the_opco_records_a_declared_rupture(client, scene):
    dossier = scene["dossier"]
    client.post(url("dossier_approve", dossier), {})
    client.post(url("contract_rupture", dossier))  # nothing declared: a message, no change
    dossier.refresh_from_db()
    assert dossier.state == "approved"
    rupture_declare(
        actor=scene["company_user"],
        dossier=dossier,
        rupture_date=dossier.start_date + timedelta(days=10),
        reason="probation",
        initiated_by="apprentice",
    )
    page = text(client.get(url("dossier", dossier)))
    assert "Rupture déclarée" in page and "Enregistrer la rupture" in page
    client.post(url("contract_rupture", dossier))
    dossier.refresh_from_db()
    assert dossier.state == "broken"
    assert dossier.rupture.recorded_by == scene["advisor"]


def test_support_staff_see_but_do_not_decide(client, scene):
    support = StaffProfileFactory(support=True).user
    client.force_login(support)
    dossier = scene["dossier"]
    assert client.get(url("dossier", dossier)).status_code == 200
    for name in ("dossier_approve", "contract_deposit", "contract_rupture"):
        assert client.post(url(name, dossier), {}).status_code == 403
    client.force_login(scene["company_user"])
    assert client.get(url("dossier", dossier)).status_code == 404


def test_the_daily_reminder_of_the_20_days(scene, settings, django_capture_on_commit_callbacks):
    settings.OPCO_INSTRUCTION_EMAIL = "instruction@opco.example"
    dossier = scene["dossier"]
    assert deadline_reminders() == 0  # 20 days left
    ApprenticeshipContract.objects.filter(dossier=dossier).update(
        complete_on=timezone.localdate() - timedelta(days=18)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders() == 1
    assert "Contrats d'apprentissage non attribués" in mail.outbox[0].subject
    dossier.assigned_to = scene["advisor"]
    dossier.save()
    assert deadline_reminders() == 1
    assert Notification.objects.filter(
        recipient=scene["advisor"], title__contains=dossier.number
    ).exists()


def test_query_count_of_the_contract_page(client, scene, django_assert_num_queries):
    client.get(url("dossier", scene["dossier"]))
    with django_assert_num_queries(16):
        client.get(url("dossier", scene["dossier"]))


def test_contract_only_actions_are_404_on_a_training_action_and_back(client, scene):
    from tests.factories import DossierFactory

    training = DossierFactory(submitted=True)
    for name in ("contract_deposit", "contract_rupture"):
        assert (
            client.post(url(name, training), {"deca_number": "075202609NC0012"}).status_code == 404
        )
    # A contract changes by an avenant, not by the training action's staff form.
    assert client.post(url("dossier_change", scene["dossier"]), {"message": "x"}).status_code == 404


def test_the_20_days_stop_while_pieces_are_requested(client, scene):
    dossier = scene["dossier"]
    ApprenticeshipContract.objects.filter(dossier=dossier).update(
        complete_on=timezone.localdate() - timedelta(days=25)
    )
    dossier.state = "documents_requested"
    dossier.save()
    assert deadline_reminders() == 0
    page = text(client.get(url("dossier", dossier)))
    assert "suspendu" in page and "le silence vaut refus" not in page


def test_a_maitre_s_load_counts_apprentices_not_versions(scene):
    from monespace.dossiers.kinds.apprenticeship import master_load_warnings

    dossier = scene["dossier"]
    contract = dossier.apprenticeship
    first = ContractFactory(approved=True, start_date=dossier.start_date)
    ApprenticeshipContract.objects.filter(dossier=first).update(
        master1_last_name=contract.master1_last_name,
        master1_first_name=contract.master1_first_name,
        master1_birth_date=contract.master1_birth_date,
    )
    avenant = ContractFactory(approved=True, start_date=dossier.start_date)
    ApprenticeshipContract.objects.filter(dossier=avenant).update(
        amends=first,
        master1_last_name=contract.master1_last_name,
        master1_first_name=contract.master1_first_name,
        master1_birth_date=contract.master1_birth_date,
    )
    assert master_load_warnings(dossier) == []  # one apprentice (and its avenant)
    second = ContractFactory(approved=True, start_date=dossier.start_date)
    ApprenticeshipContract.objects.filter(dossier=second).update(
        master2_last_name=contract.master1_last_name,
        master2_first_name=contract.master1_first_name,
        master2_birth_date=contract.master1_birth_date,
    )
    [warning] = master_load_warnings(dossier)
    assert "2 apprentis" in warning


def test_the_transmission_records_the_complete_file_on_the_dossier_for_the_queue(client, scene):
    """The queue by deadline sorts on the dossier's own ``complete_on`` (an index), kept with
    the contract's when the file is complete: at transmission and when pieces are given."""
    from tests.factories import ProContractFactory

    today = timezone.localdate()
    for dossier in (ContractFactory(submitted=True), ProContractFactory(submitted=True)):
        for action in ("submit", "documents_provided"):
            Dossier.objects.filter(pk=dossier.pk).update(complete_on=None)
            dossier.spec.after_transition(dossier, action)
            dossier.refresh_from_db()
            assert dossier.complete_on == today == dossier.detail.complete_on
