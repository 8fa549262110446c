"""The queue by deadline's index, built concurrently on PostgreSQL (no lock on the dossiers
while it is built), after 0020 copied the contracts' complete file day."""

from django.db import migrations, models

from monespace.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dossiers", "0020_dossier_complete_on"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(
                    ("state__in", ["submitted", "under_review", "documents_requested"])
                ),
                fields=["complete_on", "submitted_at", "id"],
                name="dossier_queue_deadline_idx",
            ),
        ),
    ]
