from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0003: PostgreSQL refuses ALTER TABLE after updates in the same transaction."""

    dependencies = [
        ("tickets", "0003_events_as_facts"),
        ("complaints", "0003_history_states_as_codes"),
    ]

    operations = [
        migrations.RemoveField(model_name="ticketevent", name="action"),
        migrations.RemoveField(model_name="ticketevent", name="field"),
        migrations.RemoveField(model_name="ticketevent", name="old_value"),
        migrations.RemoveField(model_name="ticketevent", name="new_value"),
        migrations.RemoveField(model_name="ticketevent", name="note"),
        migrations.AddIndex(model_name="ticketevent",
                            index=models.Index(fields=["ticket", "code"], name="tickets_tic_ticket__1f2809_idx")),
    ]
