"""The training action's estimate in Chromium: on « 1 - Formation », the estimated funding
follows the hours and costs as they are typed (the branch's dated rates)."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monespace.dossiers.models import Employee, Trainee
from monespace.referentials.models import FundingRate
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_estimate_follows_the_hours_and_costs(live_server, page):
    for parameter, value in (("training_hourly", "40"), ("training_trainee_cap", "3000")):
        FundingRate.objects.create(
            parameter=parameter, idcc="0843", effective_from=date(2020, 1, 1), value=Decimal(value)
        )
    establishment = EstablishmentFactory(member=True, company__name="BOULANGERIE DES LILAS")
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = DossierFactory(establishment=establishment)
    employee = Employee.objects.create(
        company=establishment.company,
        last_name="DURAND",
        first_name="Paul",
        birth_date=date(1990, 1, 1),
    )
    Trainee.objects.create(dossier=dossier, employee=employee)
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/formation/")
    estimate = page.locator("#estimate-body")
    expect(estimate).to_contain_text("560,00\xa0€")  # 40 €/h × 14 h, 1,000 asked
    page.get_by_label("Durée (heures)").fill("35")
    page.get_by_label("Durée (heures)").press("Tab")
    expect(estimate).to_contain_text("1\u202f000,00\xa0€")  # now under the 1,400 ceiling
    page.get_by_label("Repas (HT)").fill("120,50")
    page.get_by_label("Repas (HT)").press("Tab")
    expect(estimate).to_contain_text("1\u202f120,50\xa0€")
    assert_accessible(page)
