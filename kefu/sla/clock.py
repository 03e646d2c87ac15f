"""SLA clock arithmetic on plain data (no Django), like healthchecks' ``Check.get_status``.

A clock is a start instant, a target (amount + unit), pause intervals and perhaps a stop instant.
Its due time, warning instant and state are *computed* from those timestamps and a calendar,
never kept as hand-set flags: recomputing with the same inputs always gives the same answer.

Pausing (e.g. 等待客户, waiting on the customer) moves the due time later by the time spent paused,
measured the way the target is: business time for business-hour and working-day targets
(a pause of three office hours moves the deadline three office hours), elapsed time for
calendar-hour targets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kefu.workcal import WorkCalendar

UNITS = ("business_hours", "calendar_hours", "working_days")
UNIT_LABELS = {"business_hours": "工作小时", "calendar_hours": "自然小时", "working_days": "工作日"}


class ClockState(StrEnum):
    RUNNING = "running"  # counting, less than the warning share used
    PAUSED = "paused"  # stopped counting for now (waiting on the customer)
    WARNING = "warning"  # the warning share of the allowed time is used up (预警)
    MET = "met"  # stopped on or before its due time (达标)
    BREACHED = "breached"  # past due while running, or stopped late (超时)


STATE_LABELS = {ClockState.RUNNING: "计时中", ClockState.PAUSED: "已暂停", ClockState.WARNING: "即将超时",
                ClockState.MET: "已达标", ClockState.BREACHED: "已超时"}


@dataclass(frozen=True, slots=True)
class Target:
    """How long a clock allows: ``amount`` of ``unit`` (business_hours, calendar_hours, working_days)."""

    amount: float
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {self.unit!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int | float) or not self.amount >= 0:
            raise ValueError(f"amount must be a number >= 0, got {self.amount!r}")
        if self.unit == "working_days" and self.amount != int(self.amount):
            raise ValueError(f"amount must be a whole number of working days, got {self.amount!r}")

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount} {UNIT_LABELS[self.unit]}"


Pause = tuple[datetime, datetime | None]  # (began, ended); ended None = still paused


@dataclass(frozen=True, slots=True)
class ClockTimes:
    """The computed side of a clock at one instant."""

    due: datetime
    warn_at: datetime
    paused: timedelta  # time spent paused so far, in the target's measure
    paused_now: bool
    provisional: bool  # the calendar lacked official data for a year the computation crossed


def compute_clock(cal: WorkCalendar, *, start: datetime, target: Target, now: datetime,
                  pauses: Iterable[Pause] = (), stopped_at: datetime | None = None,
                  warning_share: float = 0.8) -> ClockTimes:
    """Due time and warning instant of a clock as of ``now`` (an open pause counts up to ``now``)."""
    end = stopped_at or now
    paused, paused_now = _paused(cal, target.unit, start, end, pauses)
    base = _base_due(cal, start, target)
    due, extended_provisional = _extend(cal, target.unit, base.due, paused)
    warn_at = _warn_at(cal, target.unit, start, due, paused, warning_share)
    return ClockTimes(due, warn_at, paused, paused_now and stopped_at is None,
                      base.provisional or extended_provisional)


def clock_state(times: ClockTimes, *, now: datetime, stopped_at: datetime | None) -> ClockState:
    """The state at ``now``. A pause that began after the due time does not hide the breach."""
    if stopped_at is not None:
        return ClockState.MET if stopped_at <= times.due else ClockState.BREACHED
    if now >= times.due:
        return ClockState.BREACHED
    if times.paused_now:
        return ClockState.PAUSED
    return ClockState.WARNING if now >= times.warn_at else ClockState.RUNNING


def _base_due(cal: WorkCalendar, start: datetime, target: Target):
    if target.unit == "working_days":
        return cal.add_working_days(start, int(target.amount))
    if target.unit == "business_hours":
        return cal.add_business_hours(start, target.amount)
    return cal.add_calendar_hours(start, target.amount)


def _measure(cal: WorkCalendar, unit: str, a: datetime, b: datetime) -> timedelta:
    return b - a if unit == "calendar_hours" else cal.business_time_between(a, b).duration


def _paused(cal: WorkCalendar, unit: str, start: datetime, end: datetime,
            pauses: Iterable[Pause]) -> tuple[timedelta, bool]:
    total, open_now = timedelta(0), False
    for began, ended in pauses:
        open_now = open_now or (ended is None and began <= end)
        low, high = max(began, start), min(ended or end, end)
        if high > low:
            total += _measure(cal, unit, low, high)
    return total, open_now


def _extend(cal: WorkCalendar, unit: str, due: datetime, paused: timedelta) -> tuple[datetime, bool]:
    if not paused:
        return due, False  # add_business_hours(x, 0) would move a due at a closing time to the next opening
    if unit == "calendar_hours":
        return due + paused, False
    moved = cal.add_business_hours(due, paused)
    return moved.due, moved.provisional


def _warn_at(cal: WorkCalendar, unit: str, start: datetime, due: datetime, paused: timedelta,
             share: float) -> datetime:
    """The instant ``share`` of the allowed (unpaused) time is used, pauses before it counted in."""
    allowed = max(_measure(cal, unit, start, due) - paused, timedelta(0))
    offset = allowed * share + paused
    if unit == "calendar_hours":
        return min(start + offset, due)
    return min(cal.add_business_hours(start, offset).due, due)


__all__ = ["STATE_LABELS", "UNITS", "UNIT_LABELS", "ClockState", "ClockTimes", "Pause", "Target",
           "clock_state", "compute_clock"]
