"""The badge reads "paused" from the SLA clock (copied like due_at) instead of restating the waiting rule."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def backfill(apps, schema_editor) -> None:
    Ticket = apps.get_model("tickets", "Ticket")
    SlaClock = apps.get_model("sla", "SlaClock")
    open_clocks = SlaClock.objects.filter(ticket_id=OuterRef("pk"), stopped_at__isnull=True)
    # the copied clock is paused when the order has open clocks and none of them is counting
    Ticket.objects.filter(Exists(open_clocks)).exclude(Exists(open_clocks.filter(paused_now=False))).update(
        due_paused=True)


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0004_drop_history_text"),
        ("sla", "0003_alert_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="ticket", name="due_paused", field=models.BooleanField(default=False)),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
