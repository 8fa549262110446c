"""Search of « Mes dossiers » (number, title, trainee names) through indexes PostgreSQL can use.

``icontains`` is ``UPPER(column::text) LIKE UPPER('%term%')`` on PostgreSQL: a trigram index
(pg_trgm) on the same expression serves it, whatever the position of the term. Built
concurrently so that a deployment does not lock the tables. SQLite has no pg_trgm: nothing is
done there (its searches stay a scan, fine at its volumes).
"""

from django.db import migrations

INDEXES = [
    ("dossier_number_trgm", "dossiers_dossier", "number"),
    ("dossier_title_trgm", "dossiers_dossier", "title"),
    ("employee_last_name_trgm", "dossiers_employee", "last_name"),
    ("employee_first_name_trgm", "dossiers_employee", "first_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("dossiers", "0006_list_and_queue_indexes")]
    operations = [migrations.RunPython(create, drop)]
