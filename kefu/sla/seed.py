"""Default calendars and SLA policies of a fresh installation.

Used by migration sla.0002 (with historical models) and on first use when the tables were emptied
(a flushed test database, a restored dump without them), so deadlines never fail for want of a calendar.
"""

from __future__ import annotations

from kefu.workcal.seed import exceptions_from_chinese_calendar, supported_years

DEFAULT_NAME = "中国大陆工作日（标准）"
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


def seed_defaults(calendar_model: type, exception_model: type, policy_model: type) -> None:
    """Creates what is missing; safe to run twice."""
    exceptions, known = exceptions_from_chinese_calendar(supported_years())
    china, created = calendar_model.objects.get_or_create(
        name=DEFAULT_NAME, defaults={"weekly": WEEKLY, "known_years": sorted(known),
                                     "is_default": not calendar_model.objects.filter(is_default=True).exists()})
    if created:
        exception_model.objects.bulk_create(
            [exception_model(calendar=china, day=e.day, kind=e.kind, name=e.name[:40]) for e in exceptions],
            ignore_conflicts=True)
    calendar_model.objects.get_or_create(name="7×24 全天候", defaults={"weekly": ALL_DAY, "observes_holidays": False})
    for ticket_type, priority, first, following, resolution in POLICIES:
        policy_model.objects.get_or_create(ticket_type=ticket_type, priority=priority, defaults={
            "first_response": first[0], "first_response_unit": first[1],
            "next_response": following[0], "next_response_unit": following[1],
            "resolution": resolution[0], "resolution_unit": resolution[1]})
