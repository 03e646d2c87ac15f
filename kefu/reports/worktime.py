"""First-response and resolution times in working time (kefu.workcal through each team's SLA calendar):
weekends, holidays and make-up days (调休) count as the calendar says, never as wall-clock hours.

Resolution time runs from creation to resolution on the order's calendar; first response from creation to
the first reply. Pauses while waiting on the customer are not removed (the SLA clocks judge those).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kefu.sla.calendars import default_calendar, work_calendar
from kefu.sla.models import Calendar

MEASURES = {"first_response": "first_response_at", "resolution": "resolved_at"}


@dataclass
class Mean:
    seconds: float = 0.0
    n: int = 0

    def add(self, seconds: float) -> None:
        self.seconds += seconds
        self.n += 1

    @property
    def hours(self) -> float | None:
        return round(self.seconds / 3600 / self.n, 2) if self.n else None


def _calendars():
    default = default_calendar()
    calendars = {cal.pk: cal for cal in Calendar.objects.all()}
    return lambda pk: work_calendar(calendars.get(pk) or default)


def working_hours(tickets, measure: str, group: str | None = None) -> dict:
    """{group value: Mean} of the working time from creation to ``measure`` over ``tickets`` (a queryset
    already limited to the orders whose ``measure`` time falls in the period); key None without group."""
    end_field = MEASURES[measure]
    fields = ["created_at", end_field, "team__calendar_id"] + ([group] if group else [])
    calendar_of = _calendars()
    means: dict = defaultdict(Mean)
    for row in tickets.filter(**{f"{end_field}__isnull": False}).values_list(*fields).iterator(chunk_size=5000):
        created, ended, calendar_id = row[0], row[1], row[2]
        span = calendar_of(calendar_id).business_time_between(created, ended).duration.total_seconds()
        means[row[3] if group else None].add(max(span, 0.0))
    return means
