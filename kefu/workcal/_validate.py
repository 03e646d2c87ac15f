"""Checks on calendar configuration; each error names the offending field so an admin can fix it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from kefu.workcal.types import DayException, Period, WeeklySchedule


def check_periods(periods: object, where: str) -> tuple[Period, ...]:
    """Return ``periods`` sorted by start, refusing non-Period items and overlaps."""
    if not isinstance(periods, tuple | list):
        raise TypeError(f"{where} must be a tuple of Period, got {periods!r}")
    for item in periods:
        if not isinstance(item, Period):
            raise TypeError(f"{where} must contain Period items, got {item!r}")
    ordered = tuple(sorted(periods, key=lambda p: p.start))
    for before, after in zip(ordered, ordered[1:], strict=False):
        # Touching periods (12:00-13:00, 13:00-14:00) are fine; overlapping ones would count twice.
        if after.start < before.end:
            raise ValueError(f"{where}: periods {before.start}-{before.end} and "
                             f"{after.start}-{after.end} overlap")
    return ordered


def check_weekly(weekly: WeeklySchedule) -> dict[int, tuple[Period, ...]]:
    """Normalise a weekly schedule: all seven weekdays present, periods sorted, at least one open day."""
    if not isinstance(weekly, dict):
        raise TypeError(f"weekly must be a dict of weekday -> periods, got {weekly!r}")
    for key in weekly:
        if key not in range(7):
            raise ValueError(f"weekly: key {key!r} is not a weekday 0 (Monday) .. 6 (Sunday)")
    normal = {wd: check_periods(weekly.get(wd, ()), f"weekly[{wd}]") for wd in range(7)}
    # Without one open weekday a search for the next working day in a year with no data never ends.
    if not any(normal.values()):
        raise ValueError("weekly: at least one weekday must have business hours")
    return normal


def check_exceptions(exceptions: Iterable[DayException], weekly: Mapping[int, tuple[Period, ...]]
                     ) -> tuple[dict[date, DayException], dict[date, tuple[Period, ...]]]:
    """Index exceptions by date and resolve each to its business periods (empty for a holiday).

    Refuses duplicates, and make-up days whose hours cannot be determined.
    """
    by_day: dict[date, DayException] = {}
    resolved: dict[date, tuple[Period, ...]] = {}
    for position, exc in enumerate(exceptions):
        where = f"exceptions[{position}] ({exc.day if isinstance(exc, DayException) else exc!r})"
        if not isinstance(exc, DayException):
            raise TypeError(f"{where} must be a DayException")
        if exc.day in by_day:
            raise ValueError(f"{where}: a second exception for the same date")
        by_day[exc.day] = exc
        resolved[exc.day] = _exception_periods(exc, weekly, where)
    return by_day, resolved


def _exception_periods(exc: DayException, weekly: Mapping[int, tuple[Period, ...]],
                       where: str) -> tuple[Period, ...]:
    if exc.kind == "holiday":
        return ()
    if exc.periods is None:
        if not weekly[0]:
            raise ValueError(f"{where}.periods: required because weekly[0] (Monday) is closed, "
                             "so there are no standard hours to borrow for a make-up day")
        return weekly[0]
    periods = check_periods(exc.periods, f"{where}.periods")
    if not periods:
        raise ValueError(f"{where}.periods: a make-up working day needs at least one period")
    return periods


def check_cutoff(cutoff: time | None) -> time | None:
    if cutoff is not None and (not isinstance(cutoff, time) or cutoff.tzinfo is not None):
        raise ValueError(f"start_day_cutoff must be a naive datetime.time or None, got {cutoff!r}")
    return cutoff


def check_tz(tz: object) -> tzinfo:
    if not isinstance(tz, tzinfo):
        raise TypeError(f"tz must be a tzinfo such as ZoneInfo('Asia/Shanghai'), got {tz!r}")
    return tz


def check_aware(value: object, name: str) -> datetime:
    """Refuse anything but an aware datetime: a naive one has no defined instant."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value


def check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int number of working days, got {n!r}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return n


def duration_us(hours: object, name: str = "hours") -> int:
    """Hours (a number) or a timedelta, as whole microseconds, refusing negatives and non-finite values."""
    if isinstance(hours, timedelta):
        delta = hours
    elif isinstance(hours, int | float) and not isinstance(hours, bool):
        if not math.isfinite(hours):
            raise ValueError(f"{name} must be a finite number, got {hours!r}")
        delta = timedelta(hours=hours)
    else:
        raise TypeError(f"{name} must be a number of hours or a timedelta, got {hours!r}")
    if delta < timedelta(0):
        raise ValueError(f"{name} must not be negative, got {hours!r}")
    return delta // timedelta(microseconds=1)
