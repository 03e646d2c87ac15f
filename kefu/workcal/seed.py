"""Official Chinese holiday arrangements (放假/调休) from the chinese-calendar package.

This is the only module that imports chinese_calendar, so the core stays free of third-party data.
The package ships the State Council notice for each year; a year it lacks is simply not "known",
and the calendar then follows the weekly schedule and marks results provisional.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time, tzinfo

import chinese_calendar
from chinese_calendar.constants import Holiday

from kefu.workcal.calendar import SHANGHAI, WorkCalendar
from kefu.workcal.types import DEFAULT_WEEKLY, DayException, WeeklySchedule


def supported_years() -> set[int]:
    """Years the installed chinese-calendar package has an official arrangement for."""
    years = {d.year for d in chinese_calendar.holidays}
    return set(range(min(years), max(years) + 1))


def exceptions_from_chinese_calendar(years: Iterable[int]) -> tuple[list[DayException], set[int]]:
    """Holidays and make-up working days of ``years``, plus the subset of ``years`` actually covered.

    Every official holiday date is listed, weekends included, so a schedule that opens on Saturdays
    still closes on a Saturday inside the Spring Festival break. Make-up days (调休上班) carry no
    periods: the calendar gives them the standard Monday hours.
    """
    wanted = set(years)
    known = wanted & supported_years()
    exceptions = [DayException(day, "holiday", name=_chinese_name(value))
                  for day, value in chinese_calendar.holidays.items() if day.year in known]
    exceptions += [DayException(day, "workday", name=f"{_chinese_name(value)}调休上班")
                   for day, value in chinese_calendar.workdays.items() if day.year in known]
    exceptions.sort(key=lambda exc: exc.day)
    return exceptions, known


def china_calendar(years: Iterable[int] | None = None, *, weekly: WeeklySchedule = DEFAULT_WEEKLY,
                   tz: tzinfo = SHANGHAI, start_day_cutoff: time | None = None) -> WorkCalendar:
    """A WorkCalendar seeded with the official arrangements of ``years`` (default: all supported)."""
    exceptions, known = exceptions_from_chinese_calendar(supported_years() if years is None else years)
    return WorkCalendar(weekly=weekly, exceptions=exceptions, known_years=known, tz=tz,
                        start_day_cutoff=start_day_cutoff)


def _chinese_name(english: str) -> str:
    # The package stores the English name; staff read the Chinese one (春节, 国庆节 ...).
    try:
        return Holiday(english).chinese
    except ValueError:
        return english


__all__ = ["china_calendar", "exceptions_from_chinese_calendar", "supported_years"]

