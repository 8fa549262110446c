from django.db import migrations


def load(apps, schema_editor):
    from monespace.referentials.referentials import load_sample

    load_sample(apps.get_model("referentials", "CollectiveAgreement"))


class Migration(migrations.Migration):
    dependencies = [("referentials", "0001_collective_agreements")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
