"""The former « interlocuteurs » (advisors and training assistants) keep their place, now per
dispositif (accounts 0007)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0005_alter_staffprofile_role")]
AFTER = [("accounts", "0007_contact_roles_from_staff_roles")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_roles_become_contact_roles_for_both_dispositifs():
    old = _migrate(BEFORE)
    User = old.get_model("accounts", "User")
    StaffProfile = old.get_model("accounts", "StaffProfile")
    roles = ["advisor", "training_assistant", "manager", "support", "accountant"]
    for n, role in enumerate(roles):
        user = User.objects.create(email=f"staff{n}@opco.fr", is_staff=True)
        StaffProfile.objects.create(user=user, role=role, branches=["Boulangerie"])

    new = _migrate(AFTER)
    migrated = dict(
        new.get_model("accounts", "StaffProfile").objects.values_list("role", "contact_roles")
    )
    assert migrated == {
        "advisor": ["plan_advisor", "pro_advisor"],
        "training_assistant": ["plan_assistant", "pro_assistant"],
        "manager": [],
        "support": [],
        "accountant": [],
    }
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
