"""Trainees chosen several at once from the register in Chromium (issue 15): « Tout
sélectionner », the hours typed once, axe."""

from datetime import date

import pytest
from playwright.sync_api import expect

from monespace.dossiers.models import Employee
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_select_all_employees_and_add_them_with_the_same_hours(live_server, page):
    establishment = EstablishmentFactory(member=True)
    user = MembershipFactory(
        company=establishment.company, can_view_training=True, can_edit_training=True
    ).user
    dossier = DossierFactory(establishment=establishment, training__duration_hours=14)
    for name in ("AUBERT", "BLANC", "COLIN"):
        Employee.objects.create(
            company=establishment.company,
            last_name=name,
            first_name="Léa",
            birth_date=date(1990, 1, 1),
        )
    sign_in(page, live_server, user.email)
    page.goto(f"{live_server.url}/dossiers/{dossier.pk}/etape/salaries/")
    page.get_by_role("button", name="Tout sélectionner").click()
    expect(page.get_by_label("COLIN Léa (01/01/1990)")).to_be_checked()
    page.get_by_label("Heures sur le temps de travail").first.fill("7")
    assert_accessible(page)
    page.get_by_role("button", name="Inscrire les salariés cochés").click()
    expect(page.get_by_text("3 salariés sont inscrits.")).to_be_visible()
    expect(page.get_by_text("Aucun autre salarié dans le registre")).to_be_visible()
    assert dossier.trainees.count() == 3
    assert_accessible(page)
