"""The count indexes include the dispositif (a user may see one dispositif of a company and not
another): built and dropped concurrently on PostgreSQL, the new ones before the old go."""

from django.conf import settings
from django.db import migrations, models

from monespace.core.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('dossiers', '0012_contract_master_indexes_and_smic'),
        ('organizations', '0004_delegations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='dossier',
            index=models.Index(fields=['company', 'state', '-created_at'], include=('kind',), name='dossier_company_kind_idx'),
        ),
        AddIndexConcurrently(
            model_name='dossier',
            index=models.Index(fields=['establishment', 'state'], include=('kind',), name='dossier_estab_kind_idx'),
        ),
        AddIndexConcurrently(
            model_name='dossier',
            index=models.Index(fields=['provider_establishment', 'state'], include=('kind',), name='dossier_provider_kind_idx'),
        ),
        RemoveIndexConcurrently(
            model_name='dossier',
            name='dossier_company_state_idx',
        ),
        RemoveIndexConcurrently(
            model_name='dossier',
            name='dossier_estab_state_idx',
        ),
        RemoveIndexConcurrently(
            model_name='dossier',
            name='dossier_provider_idx',
        ),
    ]
