"""Invariants of WorkCalendar checked with hypothesis, on the real 2025-2026 data and on random calendars.

The chinese-calendar package itself is the independent oracle for which days are working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.workcal import DayException, Period, WorkCalendar
from kefu.workcal.seed import china_calendar

SH = ZoneInfo("Asia/Shanghai")
CHINA = china_calendar([2025, 2026])

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31, 23, 59),  # noqa: DTZ001
                      timezones=st.just(SH))
days_n = st.integers(min_value=0, max_value=30)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))


def inside_business_hours(cal: WorkCalendar, moment: datetime) -> bool:
    return any(p.start <= moment.timetz().replace(tzinfo=None) <= p.end for p in cal.periods_on(moment.date()))


def test_working_days_match_the_package_for_every_day_of_2025_and_2026() -> None:
    day = date(2025, 1, 1)
    while day.year < 2027:
        assert CHINA.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@given(starts, days_n)
def test_working_day_deadline_counts_exactly_n_package_workdays(start: datetime, n: int) -> None:
    due = CHINA.add_working_days(start, n)
    assert due.due == CHINA.end_of_business(due.due.date())  # end of business of a working day
    if due.provisional:
        return  # beyond the package's data there is no oracle
    counted, day = 0, start.date()
    while day < due.due.date():
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    start_working = chinese_calendar.is_workday(start.date())
    assert counted == (n if n else 0 if start_working else 1)


@given(starts, starts, days_n)
def test_working_day_deadline_is_monotonic_in_start(a: datetime, b: datetime, n: int) -> None:
    early, late = sorted((a, b))
    assert CHINA.add_working_days(early, n).due <= CHINA.add_working_days(late, n).due


@given(starts, days_n, days_n)
def test_working_day_deadline_is_monotonic_in_n(start: datetime, m: int, n: int) -> None:
    low, high = sorted((m, n))
    assert CHINA.add_working_days(start, low).due <= CHINA.add_working_days(start, high).due
    if 1 <= low < high:
        assert CHINA.add_working_days(start, low).due < CHINA.add_working_days(start, high).due


@given(starts, days_n, st.sampled_from([time(9), time(12), time(18)]))
def test_cutoff_saves_at_most_one_day(start: datetime, n: int, cutoff: time) -> None:
    with_cutoff = china_calendar([2025, 2026], start_day_cutoff=cutoff)
    plain, early = CHINA.add_working_days(start, n).due, with_cutoff.add_working_days(start, n).due
    assert early <= plain
    assert early == plain or (n >= 1 and CHINA.add_working_days(start, n - 1).due == early)


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Random weekly schedules (0-3 periods a day, on a 30-minute grid) and random exceptions in 2026."""
    def periods() -> tuple[Period, ...]:
        marks = sorted(draw(st.sets(st.integers(0, 47), max_size=6)))
        pairs = list(zip(marks[::2], marks[1::2], strict=False))
        return tuple(Period(time(a // 2, a % 2 * 30), time(b // 2, b % 2 * 30)) for a, b in pairs)
    weekly = {wd: periods() for wd in range(7)}
    if not any(weekly.values()):
        weekly[0] = (Period(time(9), time(17)),)
    days = draw(st.sets(st.integers(0, 364), max_size=40))
    exceptions = []
    for offset in days:
        day = date(2026, 1, 1) + timedelta(days=offset)
        own = periods()
        if draw(st.booleans()) or (not own and not weekly[0]):
            exceptions.append(DayException(day, "holiday"))
        else:
            exceptions.append(DayException(day, "workday", periods=own or None))
    return WorkCalendar(weekly=weekly, exceptions=exceptions, known_years={2026})


calendars_or_china = st.one_of(st.just(CHINA), calendars())


@settings(max_examples=300)
@given(calendars_or_china, starts, durations)
def test_business_hours_deadline_is_inside_hours_and_measures_back_exactly(
        cal: WorkCalendar, start: datetime, hours: timedelta) -> None:
    due = cal.add_business_hours(start, hours).due
    assert due >= start
    assert inside_business_hours(cal, due)
    assert cal.business_time_between(start, due).duration == hours
    # Earliest such instant: a moment earlier, less than ``hours`` had elapsed.
    if hours:
        assert cal.business_time_between(start, due - timedelta(microseconds=1)).duration < hours


@given(calendars_or_china, starts, durations, durations)
def test_business_hours_are_additive(cal: WorkCalendar, start: datetime, a: timedelta, b: timedelta) -> None:
    step = cal.add_business_hours(start, a).due
    assert cal.add_business_hours(step, b).due == cal.add_business_hours(start, a + b).due


@given(calendars_or_china, starts, starts, durations)
def test_business_hours_deadline_is_monotonic(cal: WorkCalendar, a: datetime, b: datetime, h: timedelta) -> None:
    early, late = sorted((a, b))
    assert cal.add_business_hours(early, h).due <= cal.add_business_hours(late, h).due
    assert cal.add_business_hours(early, h).due <= cal.add_business_hours(early, h * 2).due


@given(calendars_or_china, starts, starts, starts)
def test_business_time_between_adds_up_and_never_exceeds_real_time(
        cal: WorkCalendar, a: datetime, b: datetime, c: datetime) -> None:
    ab, bc, ac = (cal.business_time_between(x, y).duration for x, y in ((a, b), (b, c), (a, c)))
    assert ab + bc == ac
    assert cal.business_time_between(b, a).duration == -ab
    assert abs(ab) <= abs(b - a)


@given(calendars(), starts, days_n)
def test_working_day_deadline_never_lands_on_a_closed_day(cal: WorkCalendar, start: datetime, n: int) -> None:
    due = cal.add_working_days(start, n).due
    assert cal.is_working_day(due.date())
    assert due.timetz().replace(tzinfo=None) == cal.periods_on(due.date())[-1].end


@pytest.mark.parametrize("year", [2025, 2026])
def test_known_years_are_not_provisional(year: int) -> None:
    assert not CHINA.add_working_days(datetime(year, 6, 1, 10, tzinfo=SH), 30).provisional
