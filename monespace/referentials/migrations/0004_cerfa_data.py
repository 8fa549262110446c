from django.db import migrations


def load(apps, schema_editor):
    from monespace.referentials import cerfa

    cerfa.load(
        apps.get_model("referentials", "CerfaCode"),
        apps.get_model("referentials", "ApprenticePayRate"),
        apps.get_model("dossiers", "SmicRate"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("referentials", "0003_cerfa_codes_and_pay_grid"),
        ("dossiers", "0009_smic_monthly"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
