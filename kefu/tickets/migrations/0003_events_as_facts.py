"""History rows become facts: an event code and JSON params instead of display text (issue 8)."""

from django.db import migrations, models

BATCH = 2000


def to_facts(apps, schema_editor) -> None:
    from kefu.tickets.legacy_history import convert, label_codes
    from kefu.tickets.models import Status

    TicketEvent = apps.get_model("tickets", "TicketEvent")
    statuses = label_codes(Status)
    batch = []
    for event in TicketEvent.objects.order_by("pk").iterator(chunk_size=BATCH):
        event.code, event.params = convert(event.action, event.field, event.old_value, event.new_value, event.note,
                                           statuses)
        batch.append(event)
        if len(batch) >= BATCH:
            TicketEvent.objects.bulk_update(batch, ["code", "params"])
            batch = []
    TicketEvent.objects.bulk_update(batch, ["code", "params"])


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0002_due_warning_and_provisional"),
    ]

    operations = [
        migrations.AddField(model_name="ticketevent", name="code", field=models.CharField(default="", max_length=60),
                            preserve_default=False),
        migrations.AddField(model_name="ticketevent", name="params", field=models.JSONField(blank=True, default=dict)),
        migrations.RunPython(to_facts, migrations.RunPython.noop),
    ]
