"""Calling windows (回访时段) on the working-day calendar: the campaign's windows on the calendar's
working days (holidays closed, make-up working days open), and when a call may be made next."""

from datetime import datetime, timedelta

from kefu.sla.calendars import default_calendar, periods_from_json, work_calendar
from kefu.workcal import DayException, WorkCalendar

_cache: dict[tuple, WorkCalendar] = {}


def window_calendar(campaign) -> WorkCalendar:
    base_row = campaign.calendar or default_calendar()
    base = work_calendar(base_row)
    key = (base_row.pk, base_row.version, base_row.updated_at, repr(campaign.windows))
    cached = _cache.get(key)
    if cached is None:
        periods = periods_from_json(campaign.windows, "windows")
        weekly = {day: periods if base.weekly.get(day) else () for day in range(7)}
        exceptions = [DayException(day, exc.kind, periods if exc.kind == "workday" else None, exc.name)
                      for day, exc in base.exceptions.items()]
        cached = WorkCalendar(weekly=weekly, exceptions=exceptions, known_years=base.known_years, tz=base.tz)
        _cache[key] = cached
    return cached


def open_at_or_after(calendar: WorkCalendar, at: datetime) -> datetime:
    """`at` when a window is open then, else the next window's opening."""
    return calendar.add_business_hours(at, 0).due


def is_open(calendar: WorkCalendar, at: datetime) -> bool:
    local = at.astimezone(calendar.tz)
    return any(p.start <= local.time() < p.end for p in calendar.periods_on(local.date()))


def retry_at(calendar: WorkCalendar, last: datetime, hours: float) -> datetime:
    """`hours` after the last attempt; moved to the next window when that falls outside one (evening,
    weekend, holiday)."""
    return open_at_or_after(calendar, last + timedelta(hours=hours))
