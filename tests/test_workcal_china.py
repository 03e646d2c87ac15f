"""Fixed cases from the official 2025 and 2026 arrangements, as shipped by the chinese-calendar package."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.workcal import Deadline, Span, WorkCalendar
from kefu.workcal.seed import china_calendar, exceptions_from_chinese_calendar, supported_years

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    exceptions, known = exceptions_from_chinese_calendar([2025, 2026])
    return WorkCalendar(exceptions=exceptions, known_years=known)


def test_package_covers_2025_and_2026_but_not_2027() -> None:
    years = supported_years()
    assert {2025, 2026} <= years and 2027 not in years
    _, known = exceptions_from_chinese_calendar([2025, 2026, 2027])
    assert known == {2025, 2026}


@pytest.mark.parametrize("day", [
    date(2026, 1, 4),                       # 元旦 make-up Sunday
    date(2026, 2, 14), date(2026, 2, 28),   # 春节 make-up Saturdays
    date(2026, 5, 9),                       # 劳动节 make-up Saturday
    date(2026, 9, 20), date(2026, 10, 10),  # 国庆 make-up Sunday and Saturday
    date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11),
])
def test_official_makeup_days_are_working_days(cal: WorkCalendar, day: date) -> None:
    assert day.weekday() >= 5
    assert cal.is_working_day(day)


@pytest.mark.parametrize("day", [
    date(2026, 1, 1), date(2026, 1, 2),
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 23),
    date(2026, 4, 6), date(2026, 5, 4), date(2026, 5, 5), date(2026, 6, 19),
    date(2026, 9, 25),  # 中秋 falls on a Friday in 2026
    *(date(2026, 10, d) for d in range(1, 8)),
    date(2025, 1, 28), date(2025, 2, 4), date(2025, 10, 8),
])
def test_official_holidays_are_not_working_days(cal: WorkCalendar, day: date) -> None:
    assert not cal.is_working_day(day)


def test_holiday_exceptions_carry_the_chinese_name() -> None:
    exceptions, _ = exceptions_from_chinese_calendar([2026])
    by_day = {exc.day: exc for exc in exceptions}
    assert by_day[date(2026, 2, 17)].name == "春节" and by_day[date(2026, 2, 17)].kind == "holiday"
    assert by_day[date(2026, 10, 10)].kind == "workday" and "国庆节" in by_day[date(2026, 10, 10)].name


def test_next_working_day_across_the_long_holidays(cal: WorkCalendar) -> None:
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 14)
    assert cal.next_working_day(date(2026, 2, 14)) == date(2026, 2, 24)
    assert cal.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert cal.next_working_day(date(2025, 12, 31)) == date(2026, 1, 4)


def test_national_day_work_order_is_due_on_13_october(cal: WorkCalendar) -> None:
    """Issue 3: created 2026-09-30 16:00 (day 0), 5 working days -> end of business 2026-10-13.

    10-01..07 are holidays; days 1-5 are 10-08 (Thu), 10-09 (Fri), 10-10 (make-up Saturday),
    10-12 (Mon) and 10-13 (Tue). 10-11 is an ordinary Sunday.
    """
    assert not cal.is_working_day(date(2026, 10, 11))
    days = [date(2026, 9, 30)]
    for _ in range(5):
        days.append(cal.next_working_day(days[-1]))
    assert days[1:] == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10),
                        date(2026, 10, 12), date(2026, 10, 13)]
    assert cal.add_working_days(at(2026, 9, 30, 16), 5) == Deadline(at(2026, 10, 13, 18), False)


def test_spring_festival_business_hours(cal: WorkCalendar) -> None:
    # Friday 02-13 17:00: 1h, the make-up Saturday 02-14 7.5h, nothing until 02-24; 7.5h on 02-24
    # and 02-25 leave 0.5h for 02-26.
    assert cal.add_business_hours(at(2026, 2, 13, 17), 24).due == at(2026, 2, 26, 9, 30)
    span = cal.business_time_between(at(2026, 2, 13, 17), at(2026, 2, 24, 9))
    assert span == Span(timedelta(hours=8.5), False)


def test_complaint_reply_within_24_business_hours_over_national_day(cal: WorkCalendar) -> None:
    # 2h on 09-30, 7.5 on 10-08 and 10-09, 7h into the make-up Saturday 10-10.
    assert cal.add_business_hours(at(2026, 9, 30, 16), 24) == Deadline(at(2026, 10, 10, 17, 30), False)


def test_deadline_reaching_2027_is_provisional_and_follows_the_weekly_schedule(cal: WorkCalendar) -> None:
    # 12-30 is day 0; 12-31 day 1; 2027 has no data, so 01-01 (a Friday) counts as a plain working day
    # although it will surely be 元旦; then 01-04, 01-05. The result says it is a guess.
    deadline = cal.add_working_days(at(2026, 12, 30, 16), 4)
    assert deadline == Deadline(at(2027, 1, 5, 18), True)
    assert cal.missing_years(date(2026, 12, 30), deadline.due.date()) == {2027}
    assert cal.add_working_days(at(2026, 12, 30, 16), 1) == Deadline(at(2026, 12, 31, 18), False)


def test_whole_computation_inside_2027_is_provisional(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at(2027, 3, 1, 10), 0) == Deadline(at(2027, 3, 1, 18), True)
    assert cal.add_business_hours(at(2027, 3, 1, 10), 1).provisional
    assert not cal.is_known(date(2027, 3, 1))


def test_china_calendar_with_cutoff() -> None:
    cal = china_calendar([2026], start_day_cutoff=time(12))
    assert cal.add_working_days(at(2026, 9, 30, 10), 5).due == at(2026, 10, 12, 18)
    assert cal.add_working_days(at(2026, 9, 30, 16), 5).due == at(2026, 10, 13, 18)
