from django.db import migrations


def load(apps, schema_editor):
    from monespace.dossiers import referentials

    referentials.load(
        apps.get_model("dossiers", "SmicRate"), apps.get_model("dossiers", "RequiredDocument")
    )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0010_apprenticeship_contract")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
