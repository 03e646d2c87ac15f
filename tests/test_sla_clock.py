"""The pure SLA clock: due, warning and state come from timestamps and the calendar only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.sla.clock import ClockState, Target, clock_state, compute_clock
from kefu.workcal.seed import china_calendar

SH = ZoneInfo("Asia/Shanghai")
CAL = china_calendar([2025, 2026])


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


def test_five_working_days_over_national_day_is_due_end_of_business_13_october():
    times = compute_clock(CAL, start=at(2026, 9, 30, 16), target=Target(5, "working_days"),
                          now=at(2026, 9, 30, 16))
    assert times.due == at(2026, 10, 13, 18)
    assert not times.provisional


def test_warning_at_eighty_percent_of_business_time():
    # 10 business hours from Monday 09:00: 8h used at Monday 18:00 (3h + 4.5h = 7.5h) + 0.5h -> Tuesday 09:30
    times = compute_clock(CAL, start=at(2026, 3, 2, 9), target=Target(10, "business_hours"), now=at(2026, 3, 2, 9))
    assert times.due == at(2026, 3, 3, 11, 30)
    assert times.warn_at == at(2026, 3, 3, 9, 30)
    assert clock_state(times, now=at(2026, 3, 3, 9, 29), stopped_at=None) == ClockState.RUNNING
    assert clock_state(times, now=at(2026, 3, 3, 9, 30), stopped_at=None) == ClockState.WARNING
    assert clock_state(times, now=at(2026, 3, 3, 11, 30), stopped_at=None) == ClockState.BREACHED


def test_pause_moves_due_by_the_business_time_spent_paused():
    start = at(2026, 3, 2, 9)
    target = Target(4, "business_hours")  # due Monday 14:30 without pause
    plain = compute_clock(CAL, start=start, target=target, now=start)
    assert plain.due == at(2026, 3, 2, 14, 30)
    # paused 10:00-11:00 (1h business) -> due 15:30
    paused = compute_clock(CAL, start=start, target=target, now=at(2026, 3, 2, 12),
                           pauses=[(at(2026, 3, 2, 10), at(2026, 3, 2, 11))])
    assert paused.due == at(2026, 3, 2, 15, 30)
    assert paused.paused == timedelta(hours=1)


def test_open_pause_gives_paused_state_and_counts_up_to_now():
    start = at(2026, 3, 2, 9)
    times = compute_clock(CAL, start=start, target=Target(4, "business_hours"), now=at(2026, 3, 2, 11),
                          pauses=[(at(2026, 3, 2, 10), None)])
    assert times.paused_now
    assert times.due == at(2026, 3, 2, 15, 30)
    assert clock_state(times, now=at(2026, 3, 2, 11), stopped_at=None) == ClockState.PAUSED


def test_stopped_clock_is_met_or_breached_by_its_stop_time():
    times = compute_clock(CAL, start=at(2026, 3, 2, 9), target=Target(1, "business_hours"), now=at(2026, 3, 2, 9))
    assert clock_state(times, now=at(2026, 3, 9, 9), stopped_at=at(2026, 3, 2, 10)) == ClockState.MET
    assert clock_state(times, now=at(2026, 3, 9, 9), stopped_at=at(2026, 3, 2, 10, 1)) == ClockState.BREACHED


def test_calendar_hours_ignore_the_calendar_and_pause_in_elapsed_time():
    start = at(2026, 10, 1, 8)  # a holiday: calendar hours still run
    times = compute_clock(CAL, start=start, target=Target(24, "calendar_hours"), now=at(2026, 10, 1, 20),
                          pauses=[(at(2026, 10, 1, 10), at(2026, 10, 1, 12))])
    assert times.due == at(2026, 10, 2, 10)
    assert times.warn_at == start + timedelta(hours=24 * 0.8 + 2)


def test_year_without_data_is_provisional():
    times = compute_clock(CAL, start=at(2026, 12, 30, 10), target=Target(4, "working_days"),
                          now=at(2026, 12, 30, 10))
    assert times.provisional
    assert times.due == at(2027, 1, 5, 18)


@pytest.mark.parametrize("amount, unit", [(-1, "business_hours"), (1.5, "working_days"), (1, "weeks")])
def test_bad_target_is_refused_naming_the_field(amount, unit):
    with pytest.raises(ValueError, match="amount|unit"):
        Target(amount, unit)
