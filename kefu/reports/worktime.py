"""First-response and resolution times in working time (kefu.workcal through each team's SLA calendar):
weekends, holidays and make-up days (调休) count as the calendar says, never as wall-clock hours.

Resolution time runs from creation to resolution on the order's calendar; first response from creation to
the first reply. Pauses while waiting on the customer are not removed (the SLA clocks judge those).

Computing a calendar span per order costs ~10-20 µs of Python; a month of a 1M-order year is ~80,000
orders, so the figures read a rollup (WorkTime: one row per order, kept by the ``reports.worktime`` job)
and compute live only the orders whose row is missing or stale (their times changed since).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.utils import timezone

from kefu.sla.calendars import default_calendar, work_calendar
from kefu.sla.models import Calendar

MEASURES = {"first_response": "first_response_at", "resolution": "resolved_at"}
CHUNK = 5000


@dataclass
class Mean:
    seconds: float = 0.0
    n: int = 0

    def add(self, seconds: float, n: int = 1) -> None:
        self.seconds += seconds
        self.n += n

    @property
    def hours(self) -> float | None:
        return round(self.seconds / 3600 / self.n, 2) if self.n else None


def _calendars():
    default = default_calendar()
    calendars = {cal.pk: cal for cal in Calendar.objects.all()}
    return lambda pk: work_calendar(calendars.get(pk) or default)


def _span(calendar_of, calendar_id, start, end) -> float:
    return max(calendar_of(calendar_id).business_time_between(start, end).duration.total_seconds(), 0.0)


def _fresh(measure: str) -> Q:
    """The order's stored time for ``measure`` is the one it has now (both set)."""
    field = MEASURES[measure]
    return Q(**{f"worktime__{field}": F(field)})


def _differs(field: str) -> Q:
    """Null-safe: the stored copy of ``field`` is not the order's (no row at all counts as differing)."""
    stored = f"worktime__{field}"
    return (Q(worktime__isnull=True) | Q(**{f"{stored}__isnull": True, f"{field}__isnull": False})
            | Q(**{f"{stored}__isnull": False, f"{field}__isnull": True})
            | (Q(**{f"{stored}__isnull": False, f"{field}__isnull": False}) & ~Q(**{stored: F(field)})))


def working_hours(tickets, measure: str, group: str | None = None, period=None) -> dict:
    """{group value: Mean} of the working time from creation to ``measure`` over ``tickets`` (a queryset
    already limited to the orders whose ``measure`` time falls in the period); key None without group.

    With ``period`` (the one ``tickets`` were limited by) the join reads only stored rows whose time lies in
    it: a fresh row's time is the order's, so no fresh row is left out, and PostgreSQL hashes a month of
    rows instead of every order's (at 1M orders the whole table spilled to disk on each read)."""
    from kefu import jobs

    field = MEASURES[measure]
    qs = tickets.filter(**{f"{field}__isnull": False})
    means: dict = defaultdict(Mean)
    keys = [group] if group else []
    stored = "worktime"
    if period is not None:
        from .rollup import prefixed

        bounded = prefixed(period.q(field), "worktime__")
        qs = qs.annotate(wt_in_period=FilteredRelation("worktime", condition=bounded))
        stored = "wt_in_period"
    fresh = Q(**{f"{stored}__{field}": F(field)})
    stale_total = 0
    for row in (qs.values(*keys).annotate(s=Sum(f"{stored}__{measure}_s", filter=fresh),
                                          n=Count("pk", filter=fresh), total=Count("pk")).order_by()):
        means[row[group] if group else None].add(row["s"] or 0.0, row["n"])
        stale_total += row["total"] - row["n"]
    calendar_of = None
    missing = 0
    if stale_total:  # only then the second read: orders whose rollup row is missing or out of date
        # A plain query, not .iterator(): PostgreSQL plans a cursor for the first rows (nested loops), 20x slower.
        for row in qs.filter(_differs(field)).values_list("created_at", field, "team__calendar_id", *keys):
            calendar_of = calendar_of or _calendars()
            means[row[3] if group else None].add(_span(calendar_of, row[2], row[0], row[1]))
            missing += 1
    if missing:
        jobs.enqueue("reports.worktime", {}, key="reports.worktime")
    return means


def worktime_refresh(*, limit: int = 200_000) -> int:
    """Stores the working times of orders whose row is missing or stale, in chunks (idempotent). Returns how many."""
    from kefu.tickets.models import Ticket

    calendar_of = _calendars()
    todo = (Ticket.objects.filter(Q(first_response_at__isnull=False) | Q(resolved_at__isnull=False))
            .filter(_differs("first_response_at") | _differs("resolved_at")))
    done = 0
    while done < limit:
        rows = list(todo.values_list("pk", "created_at", "first_response_at", "resolved_at", "team__calendar_id")
                    .order_by("pk")[:CHUNK])
        if not rows:
            break
        _store(rows, calendar_of)
        done += len(rows)
    return done


def _store(rows: list[tuple], calendar_of) -> None:
    """Writes the rows (pk, created, first response, resolved, team calendar) in one transaction."""
    from .models import WorkTime

    now = timezone.now()
    objs = [WorkTime(ticket_id=pk, first_response_at=fr, resolved_at=res, computed_at=now,
                     first_response_s=_span(calendar_of, cal, created, fr) if fr else None,
                     resolution_s=_span(calendar_of, cal, created, res) if res else None)
            for pk, created, fr, res, cal in rows]
    with transaction.atomic():
        WorkTime.objects.bulk_create(objs, update_conflicts=True, unique_fields=["ticket"],
                                     update_fields=["first_response_at", "first_response_s", "resolved_at",
                                                    "resolution_s", "computed_at"])


def on_calendar_days_changed(sender, calendar_id: int, days, **kwargs) -> None:
    """A calendar's days or weekly schedule were edited: the stored working times of the orders it
    measures across those days are recomputed by a job once the edit commits (readers use the old rows
    meanwhile: a calendar edit should not make every report compute live for minutes)."""
    from kefu import jobs

    span = {"from": days[0].isoformat(), "to": days[1].isoformat()} if days else {}
    key = f"reports.worktime_calendar:{calendar_id}:{span.get('from', '')}:{span.get('to', '')}"
    transaction.on_commit(lambda: jobs.enqueue("reports.worktime_calendar", {"calendar": calendar_id, **span},
                                               key=key))


def worktime_recalendar(*, calendar_id: int, days: tuple | None = None) -> int:
    """Recomputes the stored rows of the orders measured on ``calendar_id`` (the default calendar also
    measures orders of teams without one) whose spans cross ``days`` (None: all of them). Returns how many."""
    from kefu.tickets.models import Ticket

    default = default_calendar()
    scope = Q(team__calendar_id=calendar_id)
    if default.pk == calendar_id:
        scope |= Q(team__isnull=True) | Q(team__calendar__isnull=True)
    todo = Ticket.objects.filter(scope, worktime__isnull=False)
    if days is not None:
        tz = timezone.get_default_timezone()
        first = datetime.combine(days[0], time.min, tz)
        after_last = datetime.combine(days[1] + timedelta(days=1), time.min, tz)
        todo = todo.filter(Q(first_response_at__gte=first) | Q(resolved_at__gte=first), created_at__lt=after_last)
    calendar_of = _calendars()
    done, last = 0, 0
    while True:
        rows = list(todo.filter(pk__gt=last).values_list("pk", "created_at", "first_response_at", "resolved_at",
                                                         "team__calendar_id").order_by("pk")[:CHUNK])
        if not rows:
            return done
        _store(rows, calendar_of)
        done += len(rows)
        last = rows[-1][0]
