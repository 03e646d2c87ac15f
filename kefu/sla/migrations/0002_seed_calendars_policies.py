"""Seeds the default calendar (official arrangements from chinese-calendar), a 7x24 calendar and
sensible SLA policies, so deadlines work on a fresh installation. Admins edit all of it later."""

from django.db import migrations

from kefu.sla.seed import seed_defaults


def seed(apps, schema_editor):
    seed_defaults(apps.get_model("sla", "Calendar"), apps.get_model("sla", "CalendarException"),
                  apps.get_model("sla", "SlaPolicy"))


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
