"""Per-year lookup tables that make deadline arithmetic a few list look-ups instead of a day-by-day walk.

A year is built once, the first time a computation touches it, and then shared by every call.
Times of day are integer microseconds so that business-time sums are exact (timedelta resolution).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from kefu.workcal.types import Period

US_PER_SECOND = 1_000_000
Bounds = tuple[tuple[int, int], ...]


def time_to_us(value: time) -> int:
    """Microseconds since midnight of a wall-clock time."""
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US_PER_SECOND + value.microsecond


def us_to_time(us: int) -> time:
    """Inverse of time_to_us; 24:00 cannot occur because periods end before midnight."""
    seconds, micro = divmod(us, US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


@dataclass(frozen=True, slots=True)
class YearTable:
    """Everything the calendar needs to know about one year, indexed by day of year (0 = 1 January).

    work_cum[i]  = number of working days among day indexes < i (length days + 1), so the working
                   days up to and including day i are work_cum[i + 1].
    work_idx     = day indexes of the working days, in order: the k-th working day is work_idx[k].
    biz_cum[i]   = business microseconds in the days before day i (length days + 1).
    closes[i]    = end of business of day i as an aware datetime (None when closed); deadlines
                   land there, so building them once here keeps add_working_days allocation-free.
    """

    year: int
    known: bool
    first_ordinal: int
    periods: list[tuple[Period, ...]]
    bounds: list[Bounds]
    work_cum: list[int]
    work_idx: list[int]
    biz_cum: list[int]
    closes: list[datetime | None]

    @property
    def business_us(self) -> int:
        """Business microseconds in the whole year."""
        return self.biz_cum[-1]


def build_year(year: int, *, known: bool, tz: tzinfo,
               periods_for: Callable[[date], tuple[Period, ...]]) -> YearTable:
    """Resolve every day of ``year`` through ``periods_for`` and tabulate counts and sums."""
    first = date(year, 1, 1)
    days = 366 if _stdlib_calendar.isleap(year) else 365
    first_ordinal = first.toordinal()
    periods: list[tuple[Period, ...]] = []
    bounds: list[Bounds] = []
    work_cum = [0]
    work_idx: list[int] = []
    biz_cum = [0]
    closes: list[datetime | None] = []
    for i in range(days):
        day = date.fromordinal(first_ordinal + i)
        day_periods = periods_for(day)
        day_bounds = tuple((time_to_us(p.start), time_to_us(p.end)) for p in day_periods)
        periods.append(day_periods)
        bounds.append(day_bounds)
        if day_periods:
            work_idx.append(i)
            closes.append(datetime.combine(day, day_periods[-1].end, tzinfo=tz))
        else:
            closes.append(None)
        work_cum.append(len(work_idx))
        biz_cum.append(biz_cum[-1] + sum(end - start for start, end in day_bounds))
    return YearTable(year=year, known=known, first_ordinal=first_ordinal, periods=periods,
                     bounds=bounds, work_cum=work_cum, work_idx=work_idx, biz_cum=biz_cum, closes=closes)
