from django.db import migrations


def load(apps, schema_editor):
    from monespace.referentials import funding

    funding.load(apps.get_model("referentials", "FundingRate"))


class Migration(migrations.Migration):
    dependencies = [("referentials", "0005_funding_referentials")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
