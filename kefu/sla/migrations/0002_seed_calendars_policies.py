"""Seeds the default calendar (official arrangements from chinese-calendar), a 7x24 calendar and
sensible SLA policies, so deadlines work on a fresh installation. Admins edit all of it later."""

from django.db import migrations

from kefu.workcal.seed import exceptions_from_chinese_calendar, supported_years

OFFICE = [["09:00", "12:00"], ["13:30", "18:00"]]
WEEKLY = {str(day): OFFICE if day < 5 else [] for day in range(7)}
ALL_DAY = {str(day): [["00:00", "24:00"]] for day in range(7)}
BH, WD = "business_hours", "working_days"
# ticket type, priority, (first response), (next response), (resolution); blank = any
POLICIES = [
    ("complaint", "", (2, BH), (4, BH), (5, WD)),
    ("complaint", "high", (1, BH), (2, BH), (3, WD)),
    ("complaint", "urgent", (0.5, BH), (1, BH), (2, WD)),
    ("consultation", "", (1, BH), (4, BH), (2, WD)),
    ("consultation", "urgent", (0.5, BH), (2, BH), (1, WD)),
    ("after_sales", "", (2, BH), (8, BH), (5, WD)),
    ("after_sales", "urgent", (1, BH), (4, BH), (2, WD)),
    ("", "", (4, BH), (8, BH), (5, WD)),
]


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    CalendarException = apps.get_model("sla", "CalendarException")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    exceptions, known = exceptions_from_chinese_calendar(supported_years())
    china, _ = Calendar.objects.get_or_create(
        name="中国大陆工作日（标准）",
        defaults={"weekly": WEEKLY, "known_years": sorted(known), "is_default": True})
    CalendarException.objects.bulk_create(
        [CalendarException(calendar=china, day=e.day, kind=e.kind, name=e.name[:40]) for e in exceptions],
        ignore_conflicts=True)
    Calendar.objects.get_or_create(name="7×24 全天候", defaults={"weekly": ALL_DAY, "observes_holidays": False})
    for ticket_type, priority, first, following, resolution in POLICIES:
        SlaPolicy.objects.get_or_create(ticket_type=ticket_type, priority=priority, defaults={
            "first_response": first[0], "first_response_unit": first[1],
            "next_response": following[0], "next_response_unit": following[1],
            "resolution": resolution[0], "resolution_unit": resolution[1]})


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
