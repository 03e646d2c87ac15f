"""Reads for the calendar pages and the API."""

from __future__ import annotations

import calendar as stdlib_calendar
from datetime import date

from django.db.models import Count

from kefu.accounts.models import Team

from .calendars import default_calendar, work_calendar, years_needing_data
from .models import Calendar, CalendarException


def calendar_list() -> list[Calendar]:
    """Calendars with their exception and team counts; a team without a calendar of its own uses the
    default one, so it counts there."""
    calendars = list(Calendar.objects.annotate(exception_count=Count("exceptions", distinct=True),
                                               team_count=Count("teams", distinct=True))
                     .order_by("-is_default", "name"))
    without_own = Team.objects.filter(calendar__isnull=True).count()
    for calendar in calendars:
        if calendar.is_default:
            calendar.team_count += without_own
    return calendars


def calendar_or_default(calendar_id: int | None) -> Calendar:
    if calendar_id is None:
        return default_calendar()
    return Calendar.objects.get(pk=calendar_id)


def missing_year_warnings(today: date) -> list[tuple[Calendar, list[int]]]:
    """Calendars that follow public holidays but lack this or next year's arrangement."""
    calendars = list(Calendar.objects.all())
    missing = years_needing_data(calendars, today)
    return [(cal, missing[cal.pk]) for cal in calendars if cal.pk in missing]


def month_grid(calendar: Calendar, year: int, month: int, today: date) -> list[list[dict | None]]:
    """Weeks (Monday first) of day cells: date, working, exception, known, today."""
    cal = work_calendar(calendar)
    exceptions = {e.day: e for e in CalendarException.objects.filter(
        calendar=calendar, day__year=year, day__month=month)}
    weeks = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{
            "day": d, "working": cal.is_working_day(d), "exception": exceptions.get(d),
            "weekend": d.weekday() >= 5, "known": cal.is_known(d), "today": d == today,
        } if d.month == month else None for d in week])
    return weeks
