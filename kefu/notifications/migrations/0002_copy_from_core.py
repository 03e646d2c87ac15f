"""Notices sent before notifications became an app of their own move over from core's table."""

from django.db import migrations

BATCH = 2000


def copy(apps, schema_editor) -> None:
    Old = apps.get_model("core", "Notification")
    New = apps.get_model("notifications", "Notification")
    batch = []
    for old in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(New(pk=old.pk, user_id=old.user_id, text=old.text, url=old.url, dedupe_key=old.dedupe_key,
                         created_at=old.created_at, read_at=old.read_at))
        if len(batch) >= BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    if schema_editor.connection.vendor == "postgresql":  # explicit ids: move the sequence past them
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('notifications_notification', 'id'), "
                           "COALESCE((SELECT MAX(id) FROM notifications_notification), 1))")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
