"""WorkCalendar: working days and business hours under a weekly schedule plus dated exceptions.

Definitions (see docs/calendar.md):

* A working day is a date with at least one business period: a weekday of the weekly schedule
  that is not a holiday exception, or a make-up working day (调休上班).
* ``add_working_days(start, n)`` answers "within n working days": the end of business of the n-th
  working day after the day of ``start`` (day 0). n = 0 means the end of business of the start day
  if it is a working day, else of the next working day. With ``start_day_cutoff`` set, a start
  on a working day strictly before the cut-off counts that day as day 1.
* Business time is measured in wall-clock time of the calendar's zone, period by period.
* A result is *provisional* when the computation walked over a date whose year is not in
  ``known_years``: such a year follows the weekly schedule (plus any exceptions given for it),
  which may miss holidays that are announced later.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from kefu.workcal import _validate as check
from kefu.workcal._tables import YearTable, build_year, time_to_us, us_to_time
from kefu.workcal.types import DEFAULT_WEEKLY, DayException, Deadline, Period, Span, WeeklySchedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
_LAST_YEAR = 9998  # date.max is 9999-12-31; leave one year for "next working day" look-ahead


class WorkCalendar:
    """Working-day and business-hour arithmetic. Immutable after construction; safe to share."""

    def __init__(self, weekly: WeeklySchedule = DEFAULT_WEEKLY, exceptions: Iterable[DayException] = (),
                 known_years: Iterable[int] = (), tz: tzinfo = SHANGHAI,
                 start_day_cutoff: time | None = None) -> None:
        # Read-only views: year tables are cached, so a later edit of the inputs would go unnoticed.
        self.weekly = MappingProxyType(check.check_weekly(weekly))
        by_day, self._exception_periods = check.check_exceptions(exceptions, self.weekly)
        self.exceptions = MappingProxyType(by_day)
        self.known_years = frozenset(known_years)
        self.tz = check.check_tz(tz)
        self.start_day_cutoff = check.check_cutoff(start_day_cutoff)
        self._tables: dict[int, YearTable] = {}

    def __repr__(self) -> str:
        years = f"{min(self.known_years)}..{max(self.known_years)}" if self.known_years else "none"
        return (f"WorkCalendar(known_years={years} ({len(self.known_years)}), exceptions={len(self.exceptions)}, tz={self.tz}, "
                f"start_day_cutoff={self.start_day_cutoff})")

    # ---- days -------------------------------------------------------------------------------

    def periods_on(self, d: date) -> tuple[Period, ...]:
        """Business periods of date ``d`` in order; empty when it is not a working day."""
        d = self._as_date(d, "d")
        table = self._table(d.year)
        return table.periods[d.toordinal() - table.first_ordinal]

    def exception_on(self, d: date) -> DayException | None:
        """The holiday or make-up day declared for ``d`` (its ``name`` is shown to staff), if any."""
        return self.exceptions.get(self._as_date(d, "d"))

    def is_working_day(self, d: date) -> bool:
        return bool(self.periods_on(d))

    def is_known(self, d: date) -> bool:
        """True when the calendar has official data for the year of ``d``."""
        return self._as_date(d, "d").year in self.known_years

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d = self._as_date(d, "d")
        table, idx = self._nth_after(self._table(d.year), d.toordinal() - date(d.year, 1, 1).toordinal(), 1)
        return date.fromordinal(table.first_ordinal + idx)

    def end_of_business(self, d: date) -> datetime | None:
        """Close of the last period of ``d`` as an aware datetime, or None if ``d`` is not a working day."""
        d = self._as_date(d, "d")
        table = self._table(d.year)
        return table.closes[d.toordinal() - table.first_ordinal]

    def missing_years(self, start: date, end: date) -> set[int]:
        """Years between ``start`` and ``end`` (either order, inclusive) with no official data."""
        low, high = sorted((self._as_date(start, "start").year, self._as_date(end, "end").year))
        return {year for year in range(low, high + 1) if year not in self.known_years}

    # ---- deadlines ----------------------------------------------------------------------------

    def add_working_days(self, start: datetime, n: int) -> Deadline:
        """Deadline for "within ``n`` working days" of ``start``: end of business of the n-th working day
        after the start day, the start day being day 0.

        n = 0 gives the end of business of the start day if it is a working day, else of the next one.
        With ``start_day_cutoff`` (e.g. time(12)) a start on a working day before 12:00 makes the start
        day itself day 1, so n = 1 is due the same evening; at or after 12:00 the rule above applies.
        """
        n = check.check_count(n)
        local = check.check_aware(start, "start").astimezone(self.tz)
        year = local.year
        table = self._tables.get(year) or self._table(year)
        idx = local.toordinal() - table.first_ordinal
        working_today = table.work_cum[idx + 1] != table.work_cum[idx]
        cutoff = self.start_day_cutoff
        if n and working_today and cutoff is not None and local.time() < cutoff:
            n -= 1  # the start day is day 1, so one fewer day is left to find after it
        if n == 0 and working_today:
            return Deadline(table.closes[idx], not table.known)
        due_table, due_idx = self._nth_after(table, idx, n or 1)
        return Deadline(due_table.closes[due_idx], self._provisional(table, due_table))

    def add_business_hours(self, start: datetime, hours: float | timedelta) -> Deadline:
        """The earliest instant at which ``hours`` of business time have elapsed since ``start``.

        The clock only runs inside business periods. A deadline reached exactly at the end of a period
        is that end (11:00 + 1h = 12:00, not 13:30). ``hours`` = 0 moves a start outside business hours
        forward to the next opening, so a deadline never lies outside business hours.
        """
        amount = check.duration_us(hours)
        local = check.check_aware(start, "start").astimezone(self.tz)
        table, idx, position = self._position(local)
        if amount == 0:
            due_table, due_idx, due_us = self._open_at_or_after(table, idx, local)
        else:
            due_table, due_idx, due_us = self._locate(table, position + amount)
        due = datetime.combine(date.fromordinal(due_table.first_ordinal + due_idx), us_to_time(due_us),
                               tzinfo=self.tz)
        return Deadline(due, self._provisional(table, due_table))

    def add_calendar_hours(self, start: datetime, hours: float | timedelta) -> Deadline:
        """``hours`` of elapsed real time, for 7x24 clocks; never provisional (no calendar involved)."""
        amount = timedelta(microseconds=check.duration_us(hours))
        utc = check.check_aware(start, "start").astimezone(ZoneInfo("UTC"))
        # Add in UTC: aware arithmetic in a local zone is wall-clock and would be wrong across DST.
        return Deadline((utc + amount).astimezone(self.tz), False)

    def business_time_between(self, a: datetime, b: datetime) -> Span:
        """Business time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        local_a = check.check_aware(a, "a").astimezone(self.tz)
        local_b = check.check_aware(b, "b").astimezone(self.tz)
        if local_b < local_a:
            span = self.business_time_between(b, a)
            return Span(-span.duration, span.provisional)
        table_a, _, pos_a = self._position(local_a)
        table_b, _, pos_b = self._position(local_b)
        total = pos_b - pos_a
        for year in range(table_a.year, table_b.year):
            total += self._table(year).business_us
        return Span(timedelta(microseconds=total), self._provisional(table_a, table_b))

    # ---- internals ----------------------------------------------------------------------------

    def _table(self, year: int) -> YearTable:
        table = self._tables.get(year)
        if table is None:
            if not 1 <= year <= _LAST_YEAR:
                raise ValueError(f"the computation reaches year {year}, outside 1..{_LAST_YEAR}")
            table = build_year(year, known=year in self.known_years, tz=self.tz,
                               periods_for=self._resolve_periods)
            self._tables[year] = table
        return table

    def _resolve_periods(self, d: date) -> tuple[Period, ...]:
        found = self._exception_periods.get(d)
        return found if found is not None else self.weekly[d.weekday()]

    def _as_date(self, d: object, name: str) -> date:
        if isinstance(d, datetime):  # a datetime's date depends on the zone: take it in ours
            return check.check_aware(d, name).astimezone(self.tz).date()
        if not isinstance(d, date):
            raise TypeError(f"{name} must be a datetime.date, got {d!r}")
        return d

    def _nth_after(self, table: YearTable, idx: int, n: int) -> tuple[YearTable, int]:
        """The n-th (n >= 1) working day strictly after day ``idx`` of ``table``."""
        k = table.work_cum[idx + 1] + n - 1
        while k >= len(table.work_idx):
            k -= len(table.work_idx)
            table = self._table(table.year + 1)
        return table, table.work_idx[k]

    def _provisional(self, first: YearTable, last: YearTable) -> bool:
        if first is last or first.year == last.year:
            return not first.known
        return any(year not in self.known_years for year in range(first.year, last.year + 1))

    def _position(self, local: datetime) -> tuple[YearTable, int, int]:
        """(table, day index, business microseconds from 1 January up to ``local``)."""
        table = self._table(local.year)
        idx = local.toordinal() - table.first_ordinal
        now = time_to_us(local.time())
        position = table.biz_cum[idx]
        for begin, end in table.bounds[idx]:
            if now <= begin:
                break
            position += (now if now < end else end) - begin
        return table, idx, position

    def _locate(self, table: YearTable, target: int) -> tuple[YearTable, int, int]:
        """Earliest (table, day index, time-of-day µs) whose business position equals ``target`` > 0."""
        while target > table.business_us:
            target -= table.business_us
            table = self._table(table.year + 1)
        idx = bisect_left(table.biz_cum, target) - 1  # last day that starts before the target is reached
        remaining = target - table.biz_cum[idx]
        for begin, end in table.bounds[idx]:
            if remaining <= end - begin:
                return table, idx, begin + remaining
            remaining -= end - begin
        raise AssertionError("biz_cum and bounds disagree")  # pragma: no cover - tables are consistent

    def _open_at_or_after(self, table: YearTable, idx: int, local: datetime) -> tuple[YearTable, int, int]:
        """The first business instant at or after ``local``."""
        now = time_to_us(local.time())
        for begin, end in table.bounds[idx]:
            if now <= end:
                return table, idx, max(now, begin)
        table, idx = self._nth_after(table, idx, 1)
        return table, idx, table.bounds[idx][0][0]


__all__ = ["SHANGHAI", "WorkCalendar"]
