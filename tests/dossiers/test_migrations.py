"""The split of the training action's columns keeps every existing row and amount."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("dossiers", "0004_saved_views")]
AFTER = [("dossiers", "0005_training_action_detail")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_training_columns_and_granted_amounts_move_to_their_rows():
    old = _migrate(BEFORE)
    Company = old.get_model("organizations", "Company")
    Establishment = old.get_model("organizations", "Establishment")
    Dossier = old.get_model("dossiers", "Dossier")
    Decision = old.get_model("dossiers", "Decision")
    company = Company.objects.create(siren="732829320", name="MIGRATION")
    establishment = Establishment.objects.create(company=company, siret="73282932000074")
    dossier = Dossier.objects.create(
        company=company,
        establishment=establishment,
        state="approved",
        number="2026-AF-000001",
        title="HYGIÈNE",
        provider_name="FORMAPRO",
        provider_city="PARIS",
        direct_payment=True,
        duration_hours=Decimal("14"),
        modality="in_person",
        cost_teaching=Decimal("1450.00"),
        cost_meals=Decimal("30.50"),
        comment="Groupe du matin",
    )
    draft = Dossier.objects.create(company=company, establishment=establishment)
    Decision.objects.create(
        dossier=dossier,
        kind="approval",
        granted={"cost_teaching": "1400.00", "cost_meals": "30.50"},
        granted_total=Decimal("1430.50"),
    )

    new = _migrate(AFTER)
    TrainingAction = new.get_model("dossiers", "TrainingAction")
    GrantedAmount = new.get_model("dossiers", "GrantedAmount")
    moved = TrainingAction.objects.get(dossier_id=dossier.pk)
    assert (moved.provider_city, moved.direct_payment, moved.duration_hours, moved.comment) == (
        "PARIS",
        True,
        Decimal("14.00"),
        "Groupe du matin",
    )
    assert (moved.cost_teaching, moved.cost_meals) == (Decimal("1450.00"), Decimal("30.50"))
    assert TrainingAction.objects.filter(dossier_id=draft.pk).exists()
    kept = new.get_model("dossiers", "Dossier").objects.get(pk=dossier.pk)
    assert (kept.title, kept.provider_name, kept.number) == (
        "HYGIÈNE",
        "FORMAPRO",
        "2026-AF-000001",
    )
    assert dict(GrantedAmount.objects.values_list("line", "amount")) == {
        "cost_teaching": Decimal("1400.00"),
        "cost_meals": Decimal("30.50"),
    }
    _migrate(executor_latest())


def executor_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
