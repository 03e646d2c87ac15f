"""From Calendar rows to kefu.workcal.WorkCalendar objects, cached per process by calendar version."""

from __future__ import annotations

import re
from datetime import date, time

from kefu.workcal import DEFAULT_WEEKLY, DayException, Period, WorkCalendar

from .models import Calendar, CalendarException, SlaPolicy
from .seed import seed_defaults

_NEVER_MISSING = range(1, 9999)  # a calendar that ignores holidays has nothing to wait for
_cache: dict[int, tuple[tuple, WorkCalendar]] = {}
_PERIOD = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def periods_from_json(value: list, where: str) -> tuple[Period, ...]:
    """[["09:00", "12:00"], ...] -> Periods; "24:00" as an end means the end of the day."""
    periods = []
    for item in value or []:
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise ValueError(f"{where}: each period is [start, end], got {item!r}")
        periods.append(Period(_clock(item[0], where), _clock(item[1], where)))
    return tuple(periods)


def periods_to_text(periods: list | None) -> str:
    return ",".join(f"{a}-{b}" for a, b in periods or [])


def periods_from_text(text: str, where: str) -> list[list[str]]:
    """"09:00-12:00,13:30-18:00" -> [["09:00","12:00"],["13:30","18:00"]], validated."""
    result = []
    for chunk in filter(None, (part.strip() for part in text.replace("，", ",").split(","))):
        match = _PERIOD.match(chunk)
        if not match:
            raise ValueError(f"{where}: 营业时间格式应为 09:00-18:00，收到「{chunk}」")
        result.append([f"{int(match[1]):02d}:{match[2]}", f"{int(match[3]):02d}:{match[4]}"])
    periods_from_json(result, where)
    return result


def _clock(text: str, where: str) -> time:
    if text == "24:00":
        return time.max  # periods may not cross midnight; 23:59:59.999999 closes the day
    try:
        hour, minute = (int(part) for part in str(text).split(":"))
        return time(hour, minute)
    except ValueError as exc:
        raise ValueError(f"{where}: 时间「{text}」无效，应为 HH:MM") from exc


def weekly_to_json(weekly: dict) -> dict[str, list[list[str]]]:
    def fmt(t: time) -> str:
        return "24:00" if t == time.max else t.strftime("%H:%M")
    return {str(day): [[fmt(p.start), fmt(p.end)] for p in periods] for day, periods in weekly.items()}


def build_work_calendar(calendar: Calendar, exceptions: list[CalendarException]) -> WorkCalendar:
    weekly = {int(day): periods_from_json(periods, f"weekly[{day}]")
              for day, periods in (calendar.weekly or weekly_to_json(DEFAULT_WEEKLY)).items()}
    days = [DayException(row.day, row.kind, None if row.periods is None else
                         periods_from_json(row.periods, f"exception {row.day}"), row.name)
            for row in exceptions]
    known = calendar.known_years if calendar.observes_holidays else _NEVER_MISSING
    return WorkCalendar(weekly=weekly, exceptions=days, known_years=known,
                        start_day_cutoff=calendar.start_day_cutoff)


def work_calendar(calendar: Calendar) -> WorkCalendar:
    """The WorkCalendar of ``calendar``; one query the first time each version is seen."""
    key = (calendar.version, calendar.updated_at)
    cached = _cache.get(calendar.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    built = build_work_calendar(calendar, list(calendar.exceptions.all()))
    _cache[calendar.pk] = (key, built)
    return built


def default_calendar() -> Calendar:
    calendar = Calendar.objects.filter(is_default=True).first() or Calendar.objects.first()
    if calendar is None:  # emptied tables (a flushed database): recreate the defaults
        seed_defaults(Calendar, CalendarException, SlaPolicy)
        calendar = Calendar.objects.get(is_default=True)
    return calendar


def years_needing_data(calendars: list[Calendar], today: date) -> dict[int, list[int]]:
    """calendar id -> the years among this one and next that deadlines reach but have no holiday data."""
    wanted = (today.year, today.year + 1)
    return {cal.pk: [y for y in wanted if y not in cal.known_years] for cal in calendars
            if cal.observes_holidays and any(y not in cal.known_years for y in wanted)}
