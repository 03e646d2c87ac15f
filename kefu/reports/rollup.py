"""The per-day rollup of the orders' stable figures (DayFact), kept by durable background work.

What a day holds (local days, Asia/Shanghai), per department × team × agent × channel × type × priority:
the orders created that day (how many, how many still open, their stopped first-response / next-response
/ resolution clocks and how many of those met their due time), the orders resolved that day, and the
created orders' running, unpaused clocks by the day they fall due (``due_day``).

How it stays right (docs/reports.md, "Rollups"):
- Every change of an order (``ticket_changed``, after commit, after the SLA clocks were re-derived) and
  every deletion bumps the version of the days the order touches: the day it was created, the day it is
  resolved now and the day it was resolved when it was loaded (a reopen), in one statement. Then one
  ``reports.rollup`` job is enqueued (one key: changes while it waits join it).
- The job rebuilds every day whose version moved (and fills days never built), one day per transaction:
  it reads the version, recomputes the day's rows from the orders and clocks, replaces them and stores
  the version it built. Recomputing a day is idempotent; a run killed mid-way rolls its day back and the
  day stays dirty until the job runs again (at least once, kefu.jobs).
- Readers (kefu/reports/facts.py) take a day from the rollup only while its built version is its
  version; every other day is computed live by the same function, so the figures are the live ones.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, Count, DateField, F, Min, Q, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.tickets.drill import day_range_q
from kefu.tickets.models import ACTIVE_STATUSES, Ticket

DIMS = ("department_id", "team_id", "assignee_id", "channel", "type", "priority")
KINDS = {"first_response": "fr", "next_response": "nr", "resolution": "res"}
MEASURES = ("created", "open", "resolved", "fr_stopped", "fr_met", "nr_stopped", "nr_met", "res_stopped", "res_met",
            "fr_running", "nr_running", "res_running")
HORIZON_DAYS = 800  # the job fills days this far back; older days are read live
SETTLE = timedelta(minutes=10)  # a day built sooner than this after it ended is built once more


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def days_q(field: str, days) -> Q:
    q = Q(pk__in=[])
    for start, end in _spans(sorted(set(days))):
        q |= day_range_q(field, start, end)
    return q


def _spans(days: list[date]):
    """Consecutive runs of days as (first, last)."""
    start = prev = None
    for day in days:
        if prev is not None and day == prev + timedelta(days=1):
            prev = day
            continue
        if start is not None:
            yield start, prev
        start = prev = day
    if start is not None:
        yield start, prev


def build_rows(days, scope: Q | None = None, today: date | None = None, clocks: bool = True,
               dims: tuple[str, ...] = DIMS) -> dict[tuple, dict]:
    """{(day, *dims, due_day): {measure: n}} for ``days``, computed from the orders and their clocks now;
    ``dims`` (DIMS, or fewer for a reader that groups by fewer: fewer rows to fold in Python);
    ``scope`` (a Q on the order's dimension fields) limits the orders. Running clocks already due before
    ``today`` (they stay due until they stop, which changes the order) are kept in the row without a
    due day, so only clocks that may still fall due later make rows of their own."""
    from kefu.sla.models import SlaClock

    tz = timezone.get_current_timezone()
    today = today or timezone.localdate()
    scope = scope or Q()
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    tickets = Ticket.objects.filter(scope)
    created = (tickets.filter(days_q("created_at", days)).annotate(d=TruncDate("created_at", tzinfo=tz))
               .values("d", *dims).annotate(n=Count("id"), o=Count("id", filter=Q(status__in=ACTIVE_STATUSES)))
               .order_by())
    for r in created:
        row = rows[(r["d"], *(r[k] for k in dims), None)]
        row["created"], row["open"] = r["n"], r["o"]
    resolved = (tickets.filter(days_q("resolved_at", days)).annotate(d=TruncDate("resolved_at", tzinfo=tz))
                .values("d", *dims).annotate(n=Count("id")).order_by())
    for r in resolved:
        rows[(r["d"], *(r[k] for k in dims), None)]["resolved"] = r["n"]
    if not clocks:
        return rows
    # one pass over the day's clocks (joined to their orders, not through a sub-select): stopped ones by
    # kind, running unpaused ones by the day they fall due (paused ones are always read live)
    tdims = [f"ticket__{k}" for k in dims]
    due = Case(When(stopped_at__isnull=True, then=TruncDate("due_at", tzinfo=tz)), default=None,
               output_field=DateField())
    counted = (SlaClock.objects.filter(prefixed(scope & days_q("created_at", days), "ticket__"), kind__in=list(KINDS))
              .filter(Q(stopped_at__isnull=False) | Q(paused_now=False))
              .annotate(d=TruncDate("ticket__created_at", tzinfo=tz), due=due)
              .values("d", "due", "kind", *tdims)
              .annotate(n=Count("id"), met=Count("id", filter=Q(stopped_at__lte=F("due_at")))).order_by())
    for r in counted:
        prefix = KINDS[r["kind"]]
        if r["due"] is None:
            row = rows[(r["d"], *(r[k] for k in tdims), None)]
            row[f"{prefix}_stopped"], row[f"{prefix}_met"] = r["n"], r["met"]
        else:
            row = rows[(r["d"], *(r[k] for k in tdims), r["due"] if r["due"] >= today else None)]
            row[f"{prefix}_running"] += r["n"]
    return rows


def prefixed(q: Q, prefix: str) -> Q:
    """The same condition reached through a relation (``prefix`` like "ticket__")."""
    out = Q(_connector=q.connector, _negated=q.negated)
    out.children = [prefixed(c, prefix) if isinstance(c, Q) else (f"{prefix}{c[0]}", c[1]) for c in q.children]
    return out


def touched_days(ticket: Ticket) -> set[date]:
    """The days whose figures an order counts in: created, resolved now, resolved when it was loaded."""
    days = {local_day(ticket.created_at), local_day(ticket.resolved_at),
            local_day(getattr(ticket, "_reports_resolved_at", None))}
    return {d for d in days if d is not None}


def days_changed(days) -> None:
    """Marks the days dirty (their version moves, in one statement) and, when a past day changed, rings the
    rollup job. Today's figures are read live anyway, but today is marked too: the rollup must not trust
    a day built before a change that a server with a clock behind the job's wrote (or a test that moved
    the clock); the job's periodic run (every 10 minutes) builds it."""
    from kefu import jobs

    days = sorted(set(days))
    if not days:
        return
    table = connection.ops.quote_name("reports_rollupday")
    values = ", ".join(["(%s, 1, -1)"] * len(days))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (day, version, built_version) VALUES {values} "  # noqa: S608
                           f"ON CONFLICT (day) DO UPDATE SET version = {table}.version + 1", days)
        if days[0] < timezone.localdate():
            # Only a past day can be built now. A change of today's orders (every reply, most changes) moves
            # the version and no more: the job builds today once it is over, after that last change.
            jobs.enqueue("reports.rollup", {}, key="reports.rollup")


def on_ticket_changed(sender, ticket: Ticket, created: bool = False, **kwargs) -> None:
    days = touched_days(ticket)
    if created and min(days) >= timezone.localdate():
        # A new order of today: no built day holds it (the job builds a day only once it is over, and
        # rebuilds it once more after SETTLE), so creating an order costs the write path nothing here.
        return
    days_changed(days)
    ticket._reports_resolved_at = ticket.resolved_at


def on_clocks_recomputed(sender, ticket_ids, **kwargs) -> None:
    """A calendar or policy edit moved these open orders' running clocks in bulk (no ticket_changed): the
    days they were created on count those clocks, so they are rebuilt (in the recompute's transaction)."""
    days = (Ticket.objects.filter(pk__in=ticket_ids).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("day", flat=True).distinct())
    days_changed(list(days))


def on_ticket_deleted(sender, instance: Ticket, **kwargs) -> None:
    days = touched_days(instance)
    transaction.on_commit(lambda: days_changed(days))


def on_ticket_loaded(sender, instance: Ticket, **kwargs) -> None:
    """Remembers the resolution time an order had when it was read (a reopen clears it)."""
    instance._reports_resolved_at = instance.__dict__.get("resolved_at")


def build_day(day: date) -> bool:
    """Rebuilds one day's rows in one transaction; False when another worker is building it now."""
    from .models import DayFact, RollupDay

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one builder per day; writers of versions never wait on it
                cursor.execute("SELECT pg_try_advisory_xact_lock(1515, %s)", [day.toordinal()])
                if not cursor.fetchone()[0]:
                    return False
        state, _created = RollupDay.objects.get_or_create(day=day)
        version = state.version  # read before the orders: a change committed after this bumps it again
        rows = build_rows([day])
        DayFact.objects.filter(day=day).delete()
        DayFact.objects.bulk_create([DayFact(day=key[0], **dict(zip(DIMS, key[1:7], strict=True)), due_day=key[7],
                                             **values) for key, values in rows.items()], batch_size=2000)
        RollupDay.objects.filter(day=day).update(built_version=version, built_at=timezone.now())
    return True


def dirty_days(today: date | None = None) -> list[date]:
    """Days before today never built, changed since they were built, or built before they settled (a
    write with a clock a little behind may land after midnight), newest first, within the horizon."""
    from .models import RollupDay

    today = today or timezone.localdate()
    first = Ticket.objects.aggregate(m=Min("created_at"))["m"]
    if first is None:
        return []
    start = max(local_day(first), today - timedelta(days=HORIZON_DAYS))
    tz = timezone.get_current_timezone()
    clean = {day for day, built_at in RollupDay.objects.filter(day__gte=start, built_version=F("version"))
             .values_list("day", "built_at")
             if built_at and built_at >= datetime.combine(day + timedelta(days=1), datetime.min.time(), tz) + SETTLE}
    return [d for d in (today - timedelta(days=i) for i in range(1, (today - start).days + 1)) if d not in clean]


def rollup_refresh(*, limit: int | None = None, today: date | None = None) -> int:
    """Builds every dirty day (newest first); returns how many days it built. Safe to run twice or at once."""
    built = 0
    for day in dirty_days(today)[:limit]:
        built += build_day(day)
    return built
