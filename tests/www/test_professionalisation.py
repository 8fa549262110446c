"""Professionalisation contracts and Pro-A in the front and back office: entry in the order of
the EJ20, checks next to the fields with nothing saved, the estimate while typing, the
training organisation's entry validated by the company (seed 004), transmission, the OPCO's
accord, and who may do what."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.models import Decision, Dossier, FundingCommitment
from monespace.notifications.models import Notification
from tests.factories import (
    DelegationFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProContractFactory,
    StaffProfileFactory,
    nir_for,
    pieces_attached,
)
from tests.helpers import start_draft

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def company():
    establishment = EstablishmentFactory(member=True, company__name="MAGASINS DU CENTRE")
    member = MembershipFactory(company=establishment.company, professionalisation=True)
    return {"establishment": establishment, "user": member.user}


@pytest.fixture
def provider(company):
    establishment = EstablishmentFactory(provider=True, company__name="FORMAPRO", name="FORMAPRO")
    delegation = DelegationFactory(
        company=company["establishment"].company,
        delegate=establishment.company,
        kind="training_organisation",
        can_view_training=False,
        professionalisation=True,
    )
    user = MembershipFactory(
        company=establishment.company, profile="provider", professionalisation=True
    ).user
    return {"establishment": establishment, "user": user, "delegation": delegation}


def step_url(dossier, step):
    return reverse("www:dossier_step", args=[dossier.pk, step])


def new_contract(client, establishment, slug="contrat-professionnalisation"):
    return start_draft(client, reverse("www:dossier_new_kind", args=[slug]), establishment)


def day(days):
    return timezone.localdate() + timedelta(days=days)


def test_a_new_contract_starts_with_the_employer_and_its_steps(client, company):
    client.force_login(company["user"])
    page = text(client.get(reverse("www:dossiers")))
    assert "Contrat de professionnalisation" in page
    dossier = new_contract(client, company["establishment"])
    contract = dossier.professionalisation
    assert dossier.kind == "professionalisation"
    assert (contract.employer_postal_code, contract.idcc) == ("75011", "0843")
    page = text(client.get(step_url(dossier, "employeur")))
    for expected in ("1 - Employeur", "2 - Salarié(e)", "3 - Tuteur", "Organisme de prévoyance"):
        assert expected in page


def test_the_employee_step_refuses_bad_input_keeps_it_and_saves_nothing(client, company):
    client.force_login(company["user"])
    dossier = new_contract(client, company["establishment"])
    birth = day(-22 * 366)
    data = {
        "employee_last_name": "DURAND",
        "employee_first_name": "Hugo",
        "employee_birth_date": birth.isoformat(),
        "employee_sex": "M",
        "employee_nir": "1234",
        "employee_postal_code": "7501",
        "employee_highest_level": "4",
    }
    response = client.post(step_url(dossier, "salarie"), data)
    page = text(response)
    assert response.status_code == 200
    assert "DURAND" in page  # kept as typed
    assert "code postal" in page.lower()
    dossier.refresh_from_db()
    assert dossier.professionalisation.employee_last_name == ""
    data.update(employee_nir=nir_for(birth, sex="M"), employee_postal_code="75012")
    response = client.post(step_url(dossier, "salarie"), {**data, "validate": "1"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.professionalisation.employee_last_name == "DURAND"
    assert dossier.title.startswith("DURAND Hugo")


def test_the_contract_step_checks_dates_duration_and_pay(client, company):
    client.force_login(company["user"])
    dossier = ProContractFactory(establishment=company["establishment"])
    base = {
        "contract_type": "1",
        "nature": "cdd",
        "conclusion_date": day(15).isoformat(),
        "job_title": "Vendeur",
        "weekly_hours": "35",
        "hiring_salary": "1 500,00",
    }
    response = client.post(
        step_url(dossier, "contrat"),
        {
            **base,
            "start_date": day(20).isoformat(),
            "end_date": day(60).isoformat(),
            "pay_rate": "80",
        },
    )
    assert "au moins 6 mois" in text(response)
    response = client.post(
        step_url(dossier, "contrat"),
        {
            **base,
            "start_date": day(20).isoformat(),
            "end_date": day(10).isoformat(),
            "pay_rate": "80",
        },
    )
    assert "doit suivre la date de début" in text(response)
    response = client.post(
        step_url(dossier, "contrat"),
        {
            **base,
            "start_date": day(20).isoformat(),
            "end_date": day(350).isoformat(),
            "pay_rate": "60",
        },
    )
    assert "au moins 80 % du SMIC" in text(response)
    before = Dossier.objects.get(pk=dossier.pk)
    assert before.end_date == dossier.end_date  # nothing saved
    response = client.post(
        step_url(dossier, "contrat"),
        {
            **base,
            "start_date": day(20).isoformat(),
            "end_date": day(350).isoformat(),
            "pay_rate": "82,5",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.professionalisation.pay_rate == Decimal("82.5")
    assert dossier.professionalisation.hiring_salary == Decimal("1500.00")
    page = text(client.get(step_url(dossier, "contrat")))
    assert "Rémunération minimale légale" in page


def test_the_estimate_follows_the_hours_typed(client, company):
    client.force_login(company["user"])
    dossier = ProContractFactory(establishment=company["establishment"])
    url = reverse("www:professionalisation_estimate", args=[dossier.pk])
    page = text(client.get(url, {"training_hours": "300"}))
    assert "2 745,00 €" in page  # 300 × 9,15
    page = text(client.get(url, {"training_hours": "abc"}))
    assert "3 660,00 €" in page  # what is saved: 400 h
    page = text(client.get(step_url(dossier, "formation")))
    assert "Estimation de la prise en charge" in page and "3 660,00 €" in page


def test_an_organisation_enters_and_the_company_validates(client, company, provider):
    client.force_login(provider["user"])
    created = new_contract(client, company["establishment"])
    assert created.professionalisation.entered_by_provider
    assert created.provider_establishment == provider["establishment"]
    dossier = ProContractFactory(
        establishment=company["establishment"],
        created_by=provider["user"],
        provider_establishment=provider["establishment"],
    )
    pieces_attached(dossier, provider["user"])
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Envoyer à l'entreprise pour validation" in page
    assert client.post(step_url(dossier, "signatures"), {"transmit": "1"}).status_code == 403
    mail.outbox.clear()
    client.post(step_url(dossier, "signatures"), {"send_to_employer": "1"})
    dossier.refresh_from_db()
    assert dossier.state == "awaiting_employer"
    assert Notification.objects.filter(recipient=company["user"], title__contains="à valider")
    client.force_login(company["user"])
    page = text(client.get(reverse("www:home")))
    assert "1" in page
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Renvoyer à l'organisme" in page
    client.post(step_url(dossier, "signatures"), {"return_to_cfa": "1", "comment": "Tuteur ?"})
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    assert Notification.objects.filter(recipient=provider["user"], body="Tuteur ?").exists()
    client.force_login(provider["user"])
    client.post(step_url(dossier, "signatures"), {"send_to_employer": "1"})
    client.force_login(company["user"])
    response = client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "submitted", text(response)
    assert dossier.number.startswith(f"{timezone.localdate().year}-CP-")
    assert dossier.professionalisation.complete_on == timezone.localdate()


def test_transmission_lists_what_is_missing(client, company):
    client.force_login(company["user"])
    dossier = ProContractFactory(
        establishment=company["establishment"], professionalisation__tutor_last_name=""
    )
    page = text(client.get(step_url(dossier, "signatures")))
    assert "Pour transmettre le contrat" in page
    assert "nom de naissance" in page.lower() and "CERFA signé" in page
    client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "draft"
    # Twice the same click: one transmission.
    dossier.detail.tutor_last_name = "BERNARD"
    dossier.detail.save()
    pieces_attached(dossier)
    client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    client.post(step_url(dossier, "signatures"), {"transmit": "1", "certified": "on"})
    dossier.refresh_from_db()
    assert dossier.state == "submitted"
    assert dossier.events.filter(kind="submitted").count() == 1


def test_pro_a_is_entered_with_its_own_fields(client, company):
    client.force_login(company["user"])
    dossier = new_contract(client, company["establishment"], slug="pro-a")
    assert dossier.kind == "pro_a"
    page = text(client.get(step_url(dossier, "salarie")))
    assert "Contrat de travail du salarié" in page
    assert "Situation avant ce contrat" not in page
    page = text(client.get(step_url(dossier, "contrat")))
    assert "4 - Avenant" in page and "Rémunération (% du SMIC)" not in page
    response = client.post(
        step_url(dossier, "salarie"), {"employment_contract": "cdd", "employee_highest_level": "4"}
    )
    assert "pas à un autre CDD" in text(response)


def test_outsiders_get_404_and_insiders_without_the_right_403(client, company, provider):
    dossier = ProContractFactory(establishment=company["establishment"])
    urls = [
        reverse("www:dossier", args=[dossier.pk]),
        step_url(dossier, "employeur"),
        reverse("www:professionalisation_estimate", args=[dossier.pk]),
        reverse("www:dossier_ej20", args=[dossier.pk]),
    ]
    outsider = MembershipFactory(
        company=EstablishmentFactory(member=True).company, professionalisation=True
    ).user
    apprenticeship_only = MembershipFactory(
        company=company["establishment"].company, apprenticeship=True
    ).user
    for user in (outsider, apprenticeship_only):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    viewer = MembershipFactory(
        company=company["establishment"].company, can_view_professionalisation=True
    ).user
    client.force_login(viewer)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 403
    assert client.get(urls[2]).status_code == 403
    assert (
        client.get(
            reverse("www:dossier_new_kind", args=["contrat-professionnalisation"])
        ).status_code
        == 403
    )
    client.force_login(company["user"])
    for url in urls:
        assert client.get(url).status_code == 200, url
    # The organisation sees what names it, not the company's other contracts.
    client.force_login(provider["user"])
    assert client.get(urls[0]).status_code == 404


def test_query_counts_of_the_contract_pages(client, company, django_assert_num_queries):
    client.force_login(company["user"])
    dossier = ProContractFactory(establishment=company["establishment"], approved=True)
    client.get(reverse("www:dossier", args=[dossier.pk]))
    with django_assert_num_queries(5):
        client.get(reverse("www:dossier", args=[dossier.pk]))
    draft = ProContractFactory(establishment=company["establishment"])
    client.get(step_url(draft, "contrat"))
    with django_assert_num_queries(4):
        client.get(step_url(draft, "contrat"))
    # « Signatures »: the law's checks once, the pieces, the tutor's other contracts.
    pieces_attached(draft)
    client.get(step_url(draft, "signatures"))
    with django_assert_num_queries(9):
        client.get(step_url(draft, "signatures"))


def test_the_advisor_approves_with_the_commitment_and_its_letter(client, company):
    dossier = ProContractFactory(establishment=company["establishment"], submitted=True)
    pieces_attached(dossier)
    advisor = StaffProfileFactory().user
    client.force_login(advisor)
    page = text(client.get(reverse("backoffice:dossier", args=[dossier.pk])))
    assert "Contrat de professionnalisation" in page and "Tuteur" in page
    assert "3 660,00 €" in page
    response = client.post(reverse("backoffice:dossier_approve", args=[dossier.pk]), {})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == "approved"
    commitment = FundingCommitment.objects.get(dossier=dossier)
    assert commitment.total == dossier.granted_total == Decimal("5730.00")
    decision = Decision.objects.get(dossier=dossier)
    assert decision.letter_id and not dossier.detail.tacit
    client.force_login(company["user"])
    page = text(client.get(reverse("www:dossier", args=[dossier.pk]), {"onglet": "financement"}))
    assert "5 730,00 €" in page and "Échéancier des paiements" in page
    assert Notification.objects.filter(recipient=company["user"], title__contains="accepté")


def test_the_ej20_prints_for_the_company(client, company):
    client.force_login(company["user"])
    dossier = ProContractFactory(establishment=company["establishment"])
    response = client.get(reverse("www:dossier_print", args=[dossier.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "cerfa-12434" in response["Content-Disposition"]


def test_a_rupture_is_declared_recorded_and_the_funding_recomputed(client, company):
    """11 months from 1 September, training from 8 September to 17 July: a rupture on 30
    November keeps the training hours of the period performed and 3 months of tutoring."""
    from datetime import date

    from monespace.dossiers.professionalisation.services import contract_approve

    dossier = ProContractFactory(
        establishment=company["establishment"],
        submitted=True,
        start_date=date(2026, 9, 1),
        end_date=date(2027, 7, 31),
        professionalisation__conclusion_date=date(2026, 8, 25),
        professionalisation__training_start=date(2026, 9, 8),
        professionalisation__training_end=date(2027, 7, 17),
        professionalisation__tutor_birth_date=date(1990, 1, 1),
    )
    pieces_attached(dossier)
    advisor = StaffProfileFactory().user
    contract_approve(actor=advisor, dossier=dossier)
    assert FundingCommitment.objects.get(dossier=dossier).total == Decimal("5040.00")
    client.force_login(company["user"])
    url = reverse("www:contract_rupture", args=[dossier.pk])
    page = text(client.get(reverse("www:dossier", args=[dossier.pk])))
    assert (
        "Déclarer une rupture du contrat" in page and "Rupture pendant la période d'essai" in page
    )
    assert "Exclusion définitive" not in page
    response = client.post(
        url,
        {
            "rupture-rupture_date": "2026-08-01",
            "rupture-reason": "resignation",
            "rupture-initiated_by": "apprentice",
        },
    )
    assert response.status_code == 400 and "précéder le début" in text(response)
    assert 'value="2026-08-01"' in response.content.decode()
    response = client.post(
        url,
        {
            "rupture-rupture_date": "2026-11-30",
            "rupture-reason": "resignation",
            "rupture-initiated_by": "apprentice",
        },
    )
    assert response.status_code == 302
    client.force_login(advisor)
    page = text(client.get(reverse("backoffice:dossier", args=[dossier.pk])))
    assert "Rupture déclarée" in page
    client.post(reverse("backoffice:contract_rupture", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.state == "broken"
    latest = FundingCommitment.objects.filter(dossier=dossier).order_by("-version").first()
    assert latest.version == 2 and latest.reason == "rupture"
    # 400 h × 84/313 days ≈ 107 h × 9,15 = 979,05 €; tutoring 230 € × 3 months = 690 €.
    lines = {line["label"]: Decimal(line["amount"]) for line in latest.lines}
    assert lines["Formation"] == Decimal("979.05")
    assert lines["Aide à l'exercice du tutorat"] == Decimal("690.00")
    assert latest.total == Decimal("1669.05")


def test_managers_keep_the_pro_a_lists_and_entry_follows_them(client, company):
    from monespace.referentials.models import CollectiveAgreement, ProACertification

    CollectiveAgreement.objects.get_or_create(idcc="0843", defaults={"title": "Boulangerie"})
    url = reverse("backoffice:proa_certifications")
    advisor = StaffProfileFactory().user
    client.force_login(advisor)
    assert client.get(url).status_code == 200
    assert client.post(url, {"add": "1"}).status_code == 403
    manager = StaffProfileFactory(manager=True).user
    client.force_login(manager)
    bad = {
        "add": "1",
        "idcc": "12a",
        "rncp": "RNC12",
        "title": "Titre à garder",
        "valid_from": "2026-01-01",
        "valid_until": "2025-01-01",
    }
    response = client.post(url, bad)
    page = text(response)
    assert response.status_code == 400
    assert "4 chiffres" in page and "RNCP suivi de 3 à 5 chiffres" in page
    assert "Titre à garder" in page and not ProACertification.objects.exists()
    good = {**bad, "idcc": "843", "rncp": "37098", "valid_until": ""}
    assert client.post(url, good).status_code == 302
    row = ProACertification.objects.get()
    assert (row.idcc, row.rncp) == ("0843", "RNCP37098")
    response = client.post(url, good)
    assert "figure déjà" in text(response)
    # The entry of a Pro-A concluded after the row's start accepts that certification.
    dossier = ProContractFactory(kind="pro_a", establishment=company["establishment"])
    dossier.refresh_from_db()
    from monespace.dossiers.professionalisation import rules

    assert not [f for f in rules.check(dossier.detail, dossier) if f.field == "rncp"]
    client.post(url, {"end": row.pk})
    row.refresh_from_db()
    assert row.valid_until == timezone.localdate()
    assert [f for f in rules.check(dossier.detail, dossier) if f.field == "rncp"]


def test_the_queue_shows_and_sorts_by_the_pro_contracts_deadline(client, company):
    late = ProContractFactory(establishment=company["establishment"], submitted=True)
    fresh = ProContractFactory(establishment=company["establishment"], submitted=True)
    # As the transmission records it: on the contract and on its dossier (the queue's index).
    for dossier, day in (
        (late, timezone.localdate() - timedelta(days=15)),
        (fresh, timezone.localdate()),
    ):
        dossier.detail.complete_on = day
        dossier.detail.save()
        Dossier.objects.filter(pk=dossier.pk).update(complete_on=day)
    client.force_login(StaffProfileFactory().user)
    page = text(client.get(reverse("backoffice:queue"), {"sort": "echeance"}))
    assert (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y") in page
    assert page.index(late.number) < page.index(fresh.number)


def test_a_pro_a_row_not_yet_in_force_is_withdrawn_when_ended(client):
    from monespace.referentials.models import ProACertification

    row = ProACertification.objects.create(
        idcc="0843", rncp="RNCP37098", valid_from=timezone.localdate() + timedelta(days=30)
    )
    client.force_login(StaffProfileFactory(manager=True).user)
    client.post(reverse("backoffice:proa_certifications"), {"end": row.pk})
    assert not ProACertification.objects.exists()
    assert client.post(reverse("backoffice:proa_certifications"), {"end": "x"}).status_code == 404
