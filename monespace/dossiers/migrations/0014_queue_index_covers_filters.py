"""The back office's queue index covers its filters (assignee, dispositif, company): the
queue and its counts stay index-only whatever the filter. Concurrently on PostgreSQL."""

from django.conf import settings
from django.db import migrations, models

from monespace.core.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('dossiers', '0013_count_indexes_include_kind'),
        ('organizations', '0004_delegations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='dossier',
            index=models.Index(condition=models.Q(('state__in', ['submitted', 'under_review', 'documents_requested'])), fields=['submitted_at', 'id'], include=('state', 'assigned_to', 'kind', 'company'), name='dossier_queue_filters_idx'),
        ),
        RemoveIndexConcurrently(
            model_name='dossier',
            name='dossier_queue_idx',
        ),
    ]
