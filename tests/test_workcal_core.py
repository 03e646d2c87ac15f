"""WorkCalendar on small hand-made calendars: periods, make-up days, cut-off, refusals, provisional."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.workcal import DEFAULT_WEEKLY, DayException, Deadline, Period, Span, WorkCalendar

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture
def cal() -> WorkCalendar:
    # 2026-03-02 is a Monday. Friday 03-06 is a holiday; Saturday 03-07 is a short make-up day.
    return WorkCalendar(
        weekly=DEFAULT_WEEKLY,
        exceptions=[
            DayException(date(2026, 3, 6), "holiday", name="test holiday"),
            DayException(date(2026, 3, 7), "workday", periods=(Period(time(10), time(15)),)),
            DayException(date(2026, 3, 8), "workday"),  # Sunday, standard Monday hours
        ],
        known_years={2026},
    )


def test_weekday_holiday_and_makeup_days(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 3, 5))
    assert not cal.is_working_day(date(2026, 3, 6))
    assert cal.periods_on(date(2026, 3, 7)) == (Period(time(10), time(15)),)
    assert cal.periods_on(date(2026, 3, 8)) == DEFAULT_WEEKLY[0]
    assert not cal.is_working_day(date(2026, 3, 14))
    assert cal.periods_on(date(2026, 3, 14)) == ()


def test_next_working_day_is_strictly_after(cal: WorkCalendar) -> None:
    assert cal.next_working_day(date(2026, 3, 5)) == date(2026, 3, 7)
    assert cal.next_working_day(date(2026, 3, 8)) == date(2026, 3, 9)
    assert cal.next_working_day(date(2026, 3, 13)) == date(2026, 3, 16)


def test_add_working_days_ends_at_close_of_makeup_day_hours(cal: WorkCalendar) -> None:
    # Thursday 03-05 is day 0; Friday is a holiday, so Saturday's make-up day (closing 15:00) is day 1.
    assert cal.add_working_days(at(2026, 3, 5, 10), 1) == Deadline(at(2026, 3, 7, 15), False)
    assert cal.add_working_days(at(2026, 3, 5, 10), 2) == Deadline(at(2026, 3, 8, 18), False)
    assert cal.add_working_days(at(2026, 3, 5, 10), 3) == Deadline(at(2026, 3, 9, 18), False)


def test_zero_working_days_is_close_of_start_day_or_next_working_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at(2026, 3, 5, 20), 0).due == at(2026, 3, 5, 18)
    assert cal.add_working_days(at(2026, 3, 6, 10), 0).due == at(2026, 3, 7, 15)


def test_start_on_a_holiday_counts_from_that_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(at(2026, 3, 6, 10), 1).due == at(2026, 3, 7, 15)


def test_cutoff_counts_the_start_day_only_before_the_cutoff() -> None:
    cal = WorkCalendar(known_years={2026}, start_day_cutoff=time(12))
    monday_morning, monday_noon = at(2026, 3, 2, 11, 59), at(2026, 3, 2, 12)
    assert cal.add_working_days(monday_morning, 1).due == at(2026, 3, 2, 18)
    assert cal.add_working_days(monday_morning, 5).due == at(2026, 3, 6, 18)
    assert cal.add_working_days(monday_noon, 1).due == at(2026, 3, 3, 18)
    assert cal.add_working_days(monday_morning, 0).due == at(2026, 3, 2, 18)
    # Saturday is not a working day: the cut-off does not make it count.
    assert cal.add_working_days(at(2026, 3, 7, 8), 1).due == at(2026, 3, 9, 18)


def test_business_hours_skip_lunch_nights_and_weekends(cal: WorkCalendar) -> None:
    assert cal.add_business_hours(at(2026, 3, 2, 11), 1).due == at(2026, 3, 2, 12)
    assert cal.add_business_hours(at(2026, 3, 2, 11), 1.5).due == at(2026, 3, 2, 14)
    assert cal.add_business_hours(at(2026, 3, 2, 12, 30), 1).due == at(2026, 3, 2, 14, 30)
    # Thursday 17:00 + 3h: 1h Thursday, Friday holiday, 2h into Saturday's 10:00-15:00.
    assert cal.add_business_hours(at(2026, 3, 5, 17), 3).due == at(2026, 3, 7, 12)
    # 24h = 1 (Thu) + 5 (Sat) + 7.5 (make-up Sunday) + 7.5 (Mon) + 3 (Tue morning).
    assert cal.add_business_hours(at(2026, 3, 5, 17), timedelta(hours=24)).due == at(2026, 3, 10, 12)


def test_zero_hours_moves_an_after_hours_start_to_the_next_opening(cal: WorkCalendar) -> None:
    assert cal.add_business_hours(at(2026, 3, 2, 10), 0).due == at(2026, 3, 2, 10)
    assert cal.add_business_hours(at(2026, 3, 2, 12, 10), 0).due == at(2026, 3, 2, 13, 30)
    assert cal.add_business_hours(at(2026, 3, 5, 19), 0).due == at(2026, 3, 7, 10)


def test_business_time_between(cal: WorkCalendar) -> None:
    assert cal.business_time_between(at(2026, 3, 2, 8), at(2026, 3, 3, 8)) == Span(timedelta(hours=7.5), False)
    assert cal.business_time_between(at(2026, 3, 5, 17), at(2026, 3, 7, 12)).duration == timedelta(hours=3)
    assert cal.business_time_between(at(2026, 3, 2, 12), at(2026, 3, 2, 13, 30)).duration == timedelta(0)
    assert cal.business_time_between(at(2026, 3, 3, 8), at(2026, 3, 2, 8)).duration == -timedelta(hours=7.5)


def test_three_periods_a_day() -> None:
    shifts = (Period(time(8), time(11)), Period(time(12), time(16)), Period(time(19), time(21)))
    cal = WorkCalendar(weekly={wd: shifts for wd in range(7)}, known_years={2026})
    start = at(2026, 3, 2, 10)
    assert cal.add_business_hours(start, 5).due == at(2026, 3, 2, 16)
    assert cal.add_business_hours(start, 6).due == at(2026, 3, 2, 20)
    assert cal.add_business_hours(start, 8).due == at(2026, 3, 3, 9)
    assert cal.add_working_days(start, 1).due == at(2026, 3, 3, 21)
    assert cal.business_time_between(start, at(2026, 3, 3, 10)).duration == timedelta(hours=9)


def test_periods_given_out_of_order_are_sorted() -> None:
    cal = WorkCalendar(weekly={0: (Period(time(14), time(17)), Period(time(9), time(12)))}, known_years={2026})
    assert cal.periods_on(date(2026, 3, 2)) == (Period(time(9), time(12)), Period(time(14), time(17)))


def test_results_are_in_the_calendar_zone_whatever_the_input_zone(cal: WorkCalendar) -> None:
    utc_start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    due = cal.add_business_hours(utc_start, 1).due
    assert due == at(2026, 3, 2, 11) and due.tzinfo == SH
    # 2026-03-02 20:00 UTC is already Tuesday 04:00 in Shanghai.
    assert cal.add_working_days(datetime(2026, 3, 2, 20, tzinfo=UTC), 1).due == at(2026, 3, 4, 18)


def test_unknown_year_follows_weekly_schedule_and_is_provisional() -> None:
    cal = WorkCalendar(known_years={2026})
    assert cal.add_working_days(at(2026, 12, 30, 10), 1) == Deadline(at(2026, 12, 31, 18), False)
    assert cal.add_working_days(at(2026, 12, 30, 10), 2) == Deadline(at(2027, 1, 1, 18), True)
    assert cal.add_business_hours(at(2026, 12, 31, 17), 2).provisional
    assert cal.business_time_between(at(2026, 12, 31, 9), at(2027, 1, 1, 9)) == Span(timedelta(hours=7.5), True)
    assert cal.missing_years(date(2025, 6, 1), date(2027, 1, 1)) == {2025, 2027}
    assert cal.is_known(date(2026, 5, 1)) and not cal.is_known(date(2027, 5, 1))


def test_calendar_hours_are_real_elapsed_time(cal: WorkCalendar) -> None:
    assert cal.add_calendar_hours(at(2026, 3, 5, 17), 24) == Deadline(at(2026, 3, 6, 17), False)


@pytest.mark.parametrize("method", ["add_working_days", "add_business_hours", "add_calendar_hours"])
def test_naive_start_is_refused_naming_the_argument(cal: WorkCalendar, method: str) -> None:
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        getattr(cal, method)(datetime(2026, 3, 2, 10), 1)  # noqa: DTZ001 - the point of the test


def test_naive_bounds_are_refused_naming_the_argument(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="b must be timezone-aware"):
        cal.business_time_between(at(2026, 3, 2), datetime(2026, 3, 3))  # noqa: DTZ001


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"weekly": {7: ()}}, "weekly: key 7"),
    ({"weekly": {0: ()}}, "at least one weekday"),
    ({"weekly": {0: (Period(time(9), time(12)), Period(time(11), time(13)))}}, r"weekly\[0\].*overlap"),
    ({"exceptions": [DayException(date(2026, 1, 1), "holiday")] * 2}, "second exception"),
    ({"exceptions": [DayException(date(2026, 1, 3), "workday", periods=())]}, "at least one period"),
    ({"weekly": {5: (Period(time(9), time(12)),)}, "exceptions": [DayException(date(2026, 1, 4), "workday")]},
     r"Monday\) is closed"),
    ({"start_day_cutoff": "12:00"}, "start_day_cutoff"),
])
def test_bad_configuration_names_the_field(kwargs: dict, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        WorkCalendar(**kwargs)


def test_bad_values_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="Period.start"):
        Period(time(12), time(9))
    with pytest.raises(ValueError, match="DayException.kind"):
        DayException(date(2026, 1, 1), "vacation")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n must be >= 0"):
        cal.add_working_days(at(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="hours must not be negative"):
        cal.add_business_hours(at(2026, 3, 2), -0.5)
    with pytest.raises(ValueError, match="hours must be a finite number"):
        cal.add_business_hours(at(2026, 3, 2), float("nan"))


def test_exception_on_returns_the_declared_exception(cal: WorkCalendar) -> None:
    assert cal.exception_on(date(2026, 3, 6)) == DayException(date(2026, 3, 6), "holiday", name="test holiday")
    assert cal.exception_on(date(2026, 3, 5)) is None
