"""The « prise en charge » of apprenticeship contracts (issue 12) as users meet it: the estimate
while « Formation » is typed, the commitment and its échéancier frozen at the accord, seen by
the company and its CFA (on the contract and in « Échéanciers »), recomputed at a rupture, and
the dated rules staff add without changing what was decided."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from monespace.dossiers.models import (
    ApprenticeshipContract,
    ContractRupture,
    Dossier,
    FundingCommitment,
    Instalment,
)
from monespace.referentials.models import CollectiveAgreement, FundingRate
from tests.factories import (
    ContractFactory,
    EstablishmentFactory,
    MembershipFactory,
    StaffProfileFactory,
    npec_for,
    ready_to_transmit,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def scene():
    npec = npec_for(amount="7300.00")
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
    ApprenticeshipContract.objects.filter(dossier=dossier).update(
        complete_on=timezone.localdate(), meals=100
    )
    return {
        "npec": npec,
        "dossier": dossier,
        "establishment": establishment,
        "company_user": company_user,
        "cfa_user": cfa_user,
        "advisor": StaffProfileFactory().user,
        "manager": StaffProfileFactory(manager=True).user,
    }


def approve(client, scene):
    client.force_login(scene["advisor"])
    response = client.post(reverse("backoffice:dossier_approve", args=[scene["dossier"].pk]), {})
    assert response.status_code == 302
    return FundingCommitment.objects.get(dossier=scene["dossier"])


def funding_tab(dossier):
    return reverse("www:dossier", args=[dossier.pk]) + "?onglet=financement"


def test_the_accord_freezes_the_prise_en_charge_and_its_schedule(client, scene):
    dossier = scene["dossier"]
    client.force_login(scene["advisor"])
    page = text(client.get(reverse("backoffice:dossier", args=[dossier.pk])))
    assert "Estimation de la prise en charge par l'OPCO : 14\u202f900,00\xa0€" in page
    commitment = approve(client, scene)
    # 2 whole years of 7,300 € + 100 meals at 3 €; no contribution for a BTS (level 5).
    assert (commitment.version, commitment.total, commitment.npec) == (
        1,
        Decimal("14900.00"),
        scene["npec"],
    )
    assert set(commitment.rates.values_list("parameter", flat=True)) >= {
        "prorata_by_day",
        "meal",
        "schedule_advance",
    }
    dossier.refresh_from_db()
    assert dossier.granted_total == Decimal("14900.00")
    codes = list(commitment.instalments.values_list("code", "amount"))
    assert codes[0] == ("E1", Decimal("2920.00")) and len(codes) == 9  # 4 a year + frais annexes
    assert sum(amount for _code, amount in codes) == commitment.total
    for user in (scene["company_user"], scene["cfa_user"]):
        client.force_login(user)
        page = text(client.get(funding_tab(dossier)))
        assert "Prise en charge engagée par l'OPCO" in page
        assert "Échéancier des paiements au CFA" in page and "Année 2 — 10e mois" in page
        assert "RNCP38362 pour la CPNE 120" in page


def test_the_cfa_wide_schedule_lists_only_what_the_user_sees(client, scene):
    approve(client, scene)
    other = ContractFactory(approved=True)  # another company, another CFA
    npec_for(rncp="RNCP38362", idcc=other.apprenticeship.idcc)
    client.force_login(scene["cfa_user"])
    response = client.get(reverse("www:schedules") + "?period=toutes")
    page = text(response)
    assert scene["dossier"].number in page and "9 échéances" in page
    assert other.number not in page
    assert "Aucune échéance" in text(
        client.get(reverse("www:schedules") + "?period=toutes&q=INCONNU")
    )
    # A bad filter is ignored, never a 500; pages past the end give the last one.
    assert client.get(reverse("www:schedules") + "?period=x&page=999").status_code == 200
    outsider = MembershipFactory(
        company=EstablishmentFactory(member=True).company, apprenticeship=True
    ).user
    client.force_login(outsider)
    assert scene["dossier"].number not in text(
        client.get(reverse("www:schedules") + "?period=toutes")
    )
    assert client.get(funding_tab(scene["dossier"])).status_code == 404


def test_a_rupture_recomputes_on_the_days_performed_as_a_new_version(client, scene):
    dossier = scene["dossier"]
    first = approve(client, scene)
    client.force_login(scene["company_user"])
    rupture_day = dossier.start_date + timedelta(days=241)  # 242 days performed
    response = client.post(
        reverse("www:contract_rupture", args=[dossier.pk]),
        {
            "rupture-rupture_date": rupture_day.isoformat(),
            "rupture-reason": "agreement",
            "rupture-initiated_by": "both",
        },
    )
    assert response.status_code == 302
    assert FundingCommitment.objects.filter(dossier=dossier).count() == 1  # not recorded yet
    client.force_login(scene["advisor"])
    client.post(reverse("backoffice:contract_rupture", args=[dossier.pk]))
    second = FundingCommitment.objects.filter(dossier=dossier).latest("version")
    assert (second.version, second.reason) == (2, "rupture")
    assert second.training_total == Decimal("4840.00")  # 7,300 × 242 / 365
    assert second.total == Decimal("5140.00")
    first.refresh_from_db()
    assert first.total == Decimal("14900.00")  # the first version is kept as it was
    client.force_login(scene["cfa_user"])
    page = text(client.get(funding_tab(dossier)))
    assert "recalculée" in page and "différence : -9\u202f760,00\xa0€" in page
    # The instalments due by the rupture are kept as they were (they may have been paid); one
    # regularisation makes the total right.
    rows = list(second.instalments.values_list("code", "amount", "due_on"))
    assert [(code, amount) for code, amount, _due in rows] == [
        ("E1", Decimal("2920.00")),
        ("E2", Decimal("2190.00")),
        ("R1", Decimal("30.00")),
    ]
    assert rows[-1][2] == rupture_day
    schedule = text(client.get(reverse("www:schedules") + "?period=toutes"))
    assert "3 échéances" in schedule and "Régularisation" in schedule  # the version in force


def test_a_rupture_is_computed_with_the_rules_that_decided_the_commitment(client, scene):
    dossier = scene["dossier"]
    approve(client, scene)
    npec_for(amount="9000.00")  # a later edition, and a branch meal rate, both dated before
    FundingRate.objects.create(
        parameter="meal",
        idcc="0843",
        effective_from=scene["npec"].applicable_from,
        value=Decimal("4.50"),
    )
    ContractRupture.objects.create(
        dossier=dossier,
        rupture_date=dossier.start_date + timedelta(days=364),
        reason="agreement",
        initiated_by="both",
    )
    client.post(reverse("backoffice:contract_rupture", args=[dossier.pk]))
    second = FundingCommitment.objects.filter(dossier=dossier).latest("version")
    assert (second.annual_amount, second.annexes_total) == (Decimal("7300.00"), Decimal("300.00"))


def test_an_avenant_makes_a_new_version_of_its_contract_s_commitment(client, scene):
    dossier = scene["dossier"]
    first = approve(client, scene)
    ApprenticeshipContract.objects.filter(dossier=dossier).update(deca_number="075202609NC0012")
    client.force_login(scene["company_user"])
    client.post(
        reverse("www:contract_amendment", args=[dossier.pk]), {"avenant-contract_type": "35"}
    )
    avenant = Dossier.objects.latest("pk")
    ApprenticeshipContract.objects.filter(dossier=avenant).update(
        meals=200, amendment_effect_date=dossier.start_date + timedelta(days=200)
    )
    Dossier.objects.filter(pk=avenant.pk).update(state="submitted", number="2026-CA-999001")
    client.force_login(scene["advisor"])
    assert (
        client.post(reverse("backoffice:dossier_approve", args=[avenant.pk]), {}).status_code == 302
    )
    assert not FundingCommitment.objects.filter(dossier=avenant).exists()
    second = FundingCommitment.objects.filter(dossier=dossier).latest("version")
    assert (second.version, second.reason, second.total) == (2, "amendment", Decimal("15200.00"))
    assert sum(second.instalments.values_list("amount", flat=True)) == second.total
    assert first.total == Decimal("14900.00")
    client.force_login(scene["cfa_user"])
    page = text(client.get(reverse("www:schedules") + "?period=toutes"))
    assert f"{second.instalments.count()} échéances" in page  # one schedule for the contract


def test_a_dated_rate_added_later_leaves_the_commitment_as_it_was(client, scene):
    commitment = approve(client, scene)
    meal = FundingRate.objects.get(parameter="meal", idcc="")
    client.force_login(scene["manager"])
    response = client.post(
        reverse("backoffice:funding_rules"),
        {
            "parameter": "meal",
            "idcc": "843",
            "effective_from": "2019-06-01",
            "value": "4,50",
            "note": "Accord de branche",
        },
    )
    assert response.status_code == 302
    added = FundingRate.objects.get(parameter="meal", idcc="0843")
    assert added.value == Decimal("4.50") and added.created_by == scene["manager"]
    commitment.refresh_from_db()
    assert commitment.total == Decimal("14900.00")
    assert Instalment.objects.filter(commitment=commitment).count() == 9
    # A new draft of the same branch gets the branch's rate in its estimate.
    draft = ContractFactory(establishment=scene["establishment"])
    ApprenticeshipContract.objects.filter(dossier=draft).update(meals=100)
    client.force_login(scene["company_user"])
    page = text(client.get(funding_tab(draft)))
    assert "100 repas × 4,50\xa0€" in page
    # A rate used by a commitment cannot be withdrawn; an unused one can.
    client.force_login(scene["manager"])
    client.post(reverse("backoffice:funding_rule_delete", args=[meal.pk]))
    assert FundingRate.objects.filter(pk=meal.pk).exists()
    client.post(reverse("backoffice:funding_rule_delete", args=[added.pk]))
    assert not FundingRate.objects.filter(pk=added.pk).exists()


def test_the_rules_form_refuses_bad_input_and_keeps_what_was_typed(client, scene):
    client.force_login(scene["manager"])
    url = reverse("backoffice:funding_rules")
    base = {"parameter": "meal", "effective_from": "2019-01-01", "value": "3"}
    cases = [
        ({**base}, "déjà une valeur en vigueur au 01/01/2019"),
        ({**base, "effective_from": "2030-01-01", "value": "-1"}, "supérieure ou égale à 0"),
        ({**base, "effective_from": "2030-01-01", "value": "trois"}, "nombre"),
        ({**base, "effective_from": "9999-12-31"}, "date"),
        ({**base, "effective_from": "2030-01-01", "idcc": "12AB"}, "4 chiffres"),
        ({**base, "effective_from": "2030-01-01", "idcc": "9876"}, "ne figure pas"),
        ({**base, "parameter": "starting_value", "effective_from": "2030-01-01"}, "par niveau"),
        ({**base, "effective_from": "2030-01-01", "level": "5"}, "Seule la valeur d'amorçage"),
        ({**base, "parameter": "inconnu"}, "Sélectionnez un choix valide"),
        (
            {
                **base,
                "parameter": "schedule_short_advance",
                "effective_from": "2030-01-01",
                "value": "150",
            },
            "de 0 à 100",
        ),
        (
            {**base, "parameter": "prorata_by_day", "effective_from": "2030-01-01", "value": "2"},
            "1 (oui) ou 0 (non)",
        ),
    ]
    count = FundingRate.objects.count()
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in text(response), (data, message)
    assert FundingRate.objects.count() == count
    assert 'value="trois"' in text(client.post(url, {**base, "value": "trois"}))
    CollectiveAgreement.objects.get_or_create(idcc="1486", defaults={"title": "Syntec"})
    response = client.post(
        url,
        {
            "parameter": "starting_value",
            "level": "5",
            "effective_from": "2025-07-01",
            "value": "6 000,00",
        },
    )
    assert response.status_code == 302
    assert FundingRate.objects.get(parameter="starting_value").value == Decimal("6000.00")


def test_who_may_see_and_change_the_rules(client, scene):
    urls = [reverse("backoffice:funding_rules"), reverse("backoffice:npec")]
    client.force_login(scene["company_user"])
    for url in urls:
        assert client.get(url).status_code == 404
    rate = FundingRate.objects.get(parameter="night", idcc="")
    delete = reverse("backoffice:funding_rule_delete", args=[rate.pk])
    assert client.post(delete).status_code == 404
    client.force_login(scene["advisor"])  # reads, does not change
    for url in urls:
        assert client.get(url).status_code == 200
    page = text(client.get(urls[0]))
    assert "Ajouter une valeur" not in page
    data = {"parameter": "meal", "effective_from": "2031-01-01", "value": "3"}
    assert client.post(urls[0], data).status_code == 403
    assert client.post(delete).status_code == 403
    client.force_login(scene["manager"])
    assert "Ajouter une valeur" in text(client.get(urls[0]))
    assert client.post(reverse("backoffice:funding_rule_delete", args=[99999])).status_code == 404


def test_the_npec_look_up(client, scene):
    client.force_login(scene["advisor"])
    url = reverse("backoffice:npec")
    page = text(client.get(url, {"rncp": "38362", "idcc": "843", "day": "2026-09-01"}))
    assert "7\u202f300,00\xa0€ par an" in page
    page = text(client.get(url, {"rncp": "38362", "idcc": "843", "day": "2020-09-01"}))
    assert "la valeur d'amorçage s'applique" in page
    page = text(client.get(url, {"rncp": "RNCPX", "idcc": "abc", "day": "demain"}))
    assert "RNCP suivi de 2 à 6 chiffres" in page and "4 chiffres" in page


def test_the_estimate_follows_what_is_typed_on_formation(client, scene):
    draft = ContractFactory(establishment=scene["establishment"])
    client.force_login(scene["company_user"])
    url = reverse("www:apprenticeship_estimate", args=[draft.pk])
    page = text(client.get(url))
    assert "14\u202f600,00\xa0€" in page  # 2 × 7,300
    page = text(client.get(url, {"training_hours": "1350", "distance_hours": "1200"}))
    assert "Minoration formation à distance" in page and "11\u202f680,00\xa0€" in page
    page = text(client.get(url, {"meals": "10", "first_equipment": "800,50"}))
    assert "dans la limite de 500,00\xa0€" in page and "15\u202f130,00\xa0€" in page
    page = text(client.get(url, {"rncp": "RNCP11111"}))
    assert "Aucun NPEC n'est publié pour RNCP11111" in page
    for odd in ("abc", "-5", "99999999999999", "1e9", "\x00"):
        response = client.get(url, {"meals": odd, "training_hours": odd, "first_equipment": odd})
        assert response.status_code == 200, odd
    # The « Formation » step shows it from the start.
    step = text(client.get(reverse("www:dossier_step", args=[draft.pk, "formation"])))
    assert "Estimation de la prise en charge" in step and 'id="funding-estimate"' in step


def test_who_may_read_the_estimate(client, scene):
    draft = ContractFactory(establishment=scene["establishment"])
    url = reverse("www:apprenticeship_estimate", args=[draft.pk])
    outsider = MembershipFactory(
        company=EstablishmentFactory(member=True).company, apprenticeship=True
    ).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    viewer = MembershipFactory(
        company=scene["establishment"].company, can_view_apprenticeship=True
    ).user
    client.force_login(viewer)
    assert client.get(url).status_code == 403
    client.force_login(scene["company_user"])
    transmitted = reverse("www:apprenticeship_estimate", args=[scene["dossier"].pk])
    assert "transmis" in text(client.get(transmitted))


def test_query_counts_of_the_funding_pages(client, scene, django_assert_num_queries):
    approve(client, scene)
    client.force_login(scene["cfa_user"])
    client.get(funding_tab(scene["dossier"]))
    with django_assert_num_queries(7):
        client.get(funding_tab(scene["dossier"]))
    client.get(reverse("www:schedules"))
    with django_assert_num_queries(6):
        client.get(reverse("www:schedules") + "?period=toutes")


def test_contracts_accepted_before_the_engine_get_their_commitment(client, scene):
    from django.core.management import call_command

    old = ContractFactory(establishment=scene["establishment"], approved=True)
    client.force_login(scene["company_user"])
    page = text(client.get(funding_tab(old)))
    assert "Aucun engagement chiffré n'a été enregistré à l'accord" in page
    call_command("freeze_commitments")
    call_command("freeze_commitments")  # twice: nothing more
    assert FundingCommitment.objects.filter(dossier=old).count() == 1
    assert "Prise en charge engagée par l'OPCO" in text(client.get(funding_tab(old)))
