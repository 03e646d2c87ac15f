"""Complaint rows of the work-order history: the state labels tickets 0003 kept as text become codes."""

from django.db import migrations

BATCH = 2000


def states_to_codes(apps, schema_editor) -> None:
    from kefu.complaints.models import ComplaintState
    from kefu.tickets.legacy_history import label_codes

    TicketEvent = apps.get_model("tickets", "TicketEvent")
    states = label_codes(ComplaintState)
    batch = []
    for event in TicketEvent.objects.filter(code__startswith="complaint.").order_by("pk").iterator(chunk_size=BATCH):
        params = dict(event.params)
        for text_key, key in (("old_text", "from"), ("new_text", "to")):
            if params.get(text_key) in states:
                params[key] = states[params.pop(text_key)]
        if params != event.params:
            event.params = params
            batch.append(event)
        if len(batch) >= BATCH:
            TicketEvent.objects.bulk_update(batch, ["params"])
            batch = []
    TicketEvent.objects.bulk_update(batch, ["params"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_default_categories"), ("tickets", "0003_events_as_facts")]
    operations = [migrations.RunPython(states_to_codes, migrations.RunPython.noop)]
