from django.db import migrations

from monespace.dossiers import referentials


def load(apps, schema_editor):
    referentials.load(apps.get_model("dossiers", "SmicRate"), apps.get_model("dossiers", "RequiredDocument"))


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
