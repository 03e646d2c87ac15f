"""Plain value types of the working-day calendar: business-hour periods, dated exceptions, results.

Nothing here knows about Django; the calendar core and every caller share these shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal, NamedTuple

ExceptionKind = Literal["holiday", "workday"]
_KINDS: frozenset[str] = frozenset({"holiday", "workday"})


@dataclass(frozen=True, slots=True)
class Period:
    """One stretch of business hours inside a day, e.g. 09:00-12:00.

    A period never crosses midnight: a night shift is two periods on two days.
    """

    start: time
    end: time

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise TypeError(f"Period.{name} must be a datetime.time, got {value!r}")
            # Business hours are wall-clock times in the calendar's zone; a tz here would be ambiguous.
            if value.tzinfo is not None:
                raise ValueError(f"Period.{name} must be a naive wall-clock time, got {value!r}")
        if not self.start < self.end:
            raise ValueError(f"Period.start {self.start} must be before Period.end {self.end}")


# weekday 0=Monday .. 6=Sunday -> that weekday's business periods; an empty tuple means closed.
WeeklySchedule = dict[int, tuple[Period, ...]]

_OFFICE_HOURS: tuple[Period, ...] = (Period(time(9), time(12)), Period(time(13, 30), time(18)))
DEFAULT_WEEKLY: WeeklySchedule = {0: _OFFICE_HOURS, 1: _OFFICE_HOURS, 2: _OFFICE_HOURS,
                                  3: _OFFICE_HOURS, 4: _OFFICE_HOURS, 5: (), 6: ()}


@dataclass(frozen=True, slots=True)
class DayException:
    """A dated exception to the weekly schedule.

    kind="holiday" is a day off (放假) whatever the weekday; kind="workday" is a make-up working
    day (调休上班), usually a Saturday or Sunday. A make-up day works ``periods`` when given,
    otherwise the standard Monday hours of the weekly schedule.
    """

    day: date
    kind: ExceptionKind
    periods: tuple[Period, ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if type(self.day) is not date:  # a datetime is a date subclass but has no single day in a zone
            raise TypeError(f"DayException.day must be a datetime.date, got {self.day!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"DayException.kind must be 'holiday' or 'workday', got {self.kind!r}")
        if self.kind == "holiday" and self.periods:
            raise ValueError(f"DayException.periods given for holiday {self.day}: a holiday has no hours")
        if self.periods is not None and not isinstance(self.periods, tuple):
            # Frozen means hashable and safe to share; a list would break both.
            object.__setattr__(self, "periods", tuple(self.periods))


class Deadline(NamedTuple):
    """When something is due, and whether it was computed on guessed (weekly-only) calendar data."""

    due: datetime
    provisional: bool


class Span(NamedTuple):
    """Business time between two instants, and whether guessed calendar data was used."""

    duration: timedelta
    provisional: bool

