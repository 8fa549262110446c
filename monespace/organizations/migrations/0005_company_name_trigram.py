"""The back office searches companies by name (« Dossiers à instruire », « Entreprises »):
a trigram index on ``UPPER(name)`` serves ``icontains`` on PostgreSQL, built concurrently.
Nothing is done on SQLite."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS company_name_trgm ON organizations_company "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS company_name_trgm")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("organizations", "0004_delegations")]
    operations = [migrations.RunPython(create, drop)]
