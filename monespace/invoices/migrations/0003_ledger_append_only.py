"""The ledger is append-only: the database itself refuses UPDATE and DELETE of its rows.

On PostgreSQL (CI, production) a trigger refuses both; TRUNCATE (the test runner's flush) is a
statement the row trigger does not see. On SQLite (the embedded demo) UPDATE is refused; DELETE
is left to the application, since SQLite's flush deletes row by row."""

from django.db import migrations

PG_UP = """
CREATE FUNCTION invoices_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER invoices_ledger_append_only
    BEFORE UPDATE OR DELETE ON invoices_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION invoices_ledger_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS invoices_ledger_append_only ON invoices_ledgerentry;
DROP FUNCTION IF EXISTS invoices_ledger_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER invoices_ledger_no_update BEFORE UPDATE ON invoices_ledgerentry
BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS invoices_ledger_no_update;"


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0002_invoices_payments_ledger")]

    operations = [migrations.RunPython(up, down)]
