"""The reports read running SLA clocks that the day rollup never holds as due (paused ones, and those due
today) live, for the period's orders: a small partial index on the clocks serves that read instead of a
scan of every clock. Owned by the reports (they are its only reader); PostgreSQL only (SQLite scans)."""

from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS reports_live_clock ON sla_slaclock (due_at) INCLUDE (ticket_id, kind) "
          "WHERE stopped_at IS NULL AND NOT paused_now",
          "CREATE INDEX IF NOT EXISTS reports_paused_clock ON sla_slaclock (ticket_id) INCLUDE (kind, due_at) "
          "WHERE stopped_at IS NULL AND paused_now")
DROP = ("DROP INDEX IF EXISTS reports_live_clock", "DROP INDEX IF EXISTS reports_paused_clock")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_day_rollup"), ("sla", "0003_alert_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
