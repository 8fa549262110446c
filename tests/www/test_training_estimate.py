"""The estimate of a training action while its hours and costs are typed (issue 12), from the
branch's dated rates, and the advisor's accord pre-filled from the same computation."""

import html
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from monespace.dossiers.funding import training_action as funding
from monespace.dossiers.models import Employee, Trainee
from monespace.referentials.models import FundingRate
from tests.factories import (
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def rates(idcc="0843"):
    for parameter, value in (
        ("training_hourly", "40"),
        ("training_trainee_cap", "2000"),
        ("training_salary", "1"),
    ):
        FundingRate.objects.create(
            parameter=parameter, idcc=idcc, effective_from=date(2020, 1, 1), value=Decimal(value)
        )


def with_trainees(dossier, n):
    for i in range(n):
        employee = Employee.objects.create(
            company=dossier.company,
            last_name=f"NOM{i}",
            first_name="Paul",
            birth_date=date(1990, 1, 1),
        )
        Trainee.objects.create(dossier=dossier, employee=employee)
    return dossier


def test_ceilings_salary_at_smic_and_the_cap_per_trainee():
    rates()
    inputs = funding.Inputs(
        idcc="0843",
        day=date(2026, 3, 1),
        hours=Decimal("14"),
        trainees=2,
        costs={
            "cost_teaching": Decimal("1500"),
            "cost_pay": Decimal("900"),
            "cost_meals": Decimal("60"),
        },
    )
    result = funding.estimate(inputs)
    # Teaching: 40 €/h × 14 h × 2 = 1,120; pay: SMIC 12.02 × 14 × 2 = 336.56; meals as asked.
    assert result.covered == {
        "cost_teaching": Decimal("1120.00"),
        "cost_pay": Decimal("336.56"),
        "cost_meals": Decimal("60"),
    }
    assert result.training_total == Decimal("1516.56")
    capped = funding.estimate(
        funding.Inputs(
            idcc="0843",
            day=date(2026, 3, 1),
            hours=Decimal("100"),
            trainees=1,
            costs={"cost_teaching": Decimal("3000"), "cost_other": Decimal("1000")},
        )
    )
    # 3,000 + 1,000 > 2,000 for one trainee: both lines brought down in proportion.
    assert capped.training_total == Decimal("2000")
    assert capped.covered == {"cost_teaching": Decimal("1500.00"), "cost_other": Decimal("500.00")}
    other_branch = funding.estimate(funding.Inputs(idcc="1486", hours=Decimal("7"), trainees=1))
    assert not other_branch.complete and "l'OPCO fixera" in other_branch.missing[0]


def test_the_fragment_follows_what_is_typed(client):
    rates()
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_edit_training=True, can_view_training=True
    ).user
    dossier = with_trainees(DossierFactory(establishment=establishment), 1)
    client.force_login(user)
    url = reverse("www:training_estimate", args=[dossier.pk])
    assert "560,00\xa0€" in text(client.get(url))  # 40 × 14 × 1 (1,000 asked)
    page = text(client.get(url, {"duration_hours": "35", "cost_teaching": "1 200,50"}))
    assert "1\u202f200,50\xa0€" in page  # under the ceiling of 1,400
    for odd in ("abc", "-3", "1e99", "99999999999999"):
        assert client.get(url, {"duration_hours": odd, "cost_teaching": odd}).status_code == 200
    step = text(client.get(reverse("www:dossier_step", args=[dossier.pk, "formation"])))
    assert 'id="funding-estimate"' in step and "Estimation de la prise en charge" in step
    # Who may: outsiders 404, a viewer 403.
    outsider = MembershipFactory(
        company=EstablishmentFactory(member=True).company, can_edit_training=True
    ).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    viewer = MembershipFactory(company=establishment.company, can_view_training=True).user
    client.force_login(viewer)
    assert client.get(url).status_code == 403


def test_the_accord_is_prefilled_from_the_same_rules(client):
    rates()
    establishment = EstablishmentFactory(member=True)
    dossier = with_trainees(
        DossierFactory(establishment=establishment, submitted=True, training__cost_teaching=800),
        1,
    )
    client.force_login(StaffProfileFactory().user)
    page = text(client.get(reverse("backoffice:dossier", args=[dossier.pk])))
    assert 'value="560,00"' in page and "selon les règles de la branche : 560,00\xa0€" in page
