"""The « interlocuteurs » used to be the advisors and training assistants of a branch, for every
dispositif: each keeps that place, now written per dispositif (plan and professionalisation)."""

from django.db import migrations

# Frozen here: the migration must not follow later changes of the enums.
CONTACT_ROLES_OF_STAFF_ROLE = {
    "advisor": ["plan_advisor", "pro_advisor"],
    "training_assistant": ["plan_assistant", "pro_assistant"],
}


def contact_roles_from_staff_roles(apps, schema_editor):
    StaffProfile = apps.get_model("accounts", "StaffProfile")
    for role, contact_roles in CONTACT_ROLES_OF_STAFF_ROLE.items():
        # The field was added empty by 0006 on every row.
        StaffProfile.objects.filter(role=role).update(contact_roles=contact_roles)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_regional_entities_and_contact_roles"),
    ]

    operations = [
        migrations.RunPython(contact_roles_from_staff_roles, migrations.RunPython.noop),
    ]
