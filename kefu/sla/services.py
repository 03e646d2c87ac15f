"""Writes on SLA clocks: the shared clock contract (clock_start / clock_stop) and recomputation.

Every deadline of the product comes from here: policy clocks (first response, next response,
resolution) are re-derived from a work order's timestamps whenever it changes; other kinds
(complaint_reply, complaint_implement ...) are started and stopped by their own flows. Both are
recomputed when a calendar changes. Ticket.due_at is the earliest due time of the order's clocks
that are counting now; it is written with update(), so it sends no signal and writes no audit row
(it is derived data, reproducible from the clocks at any time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from django.db import connections, models, router, transaction
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.tickets import events
from kefu.tickets.models import Ticket

from .calendars import work_calendar
from .clock import ClockState, ClockTimes, Target, clock_state, compute_clock
from .derive import ClockSpec, PolicyBook, pauses_by_ticket, policy_specs
from .models import Calendar, CalendarException, SlaClock, SlaPolicy
from .seed import seed_defaults
from .signals import clocks_recomputed

POLICY_KINDS = ("first_response", "next_response", "resolution")
_FIELDS = ["label", "derived", "target_amount", "target_unit", "warning_share", "started_at", "stopped_at",
           "due_at", "warn_at", "paused_seconds", "paused_now", "provisional", "alerted"]


# What clock derivation reads; loading only these keeps a 100k-order recompute off the JSON columns.
_TICKET_FIELDS = ["type", "priority", "status", "created_at", "updated_at", "first_response_at", "last_reply_at",
                  "last_customer_message_at", "resolved_at", "closed_at", "due_at", "due_warning_at", "due_provisional",
                  "due_paused", "team__calendar_id"]


class _Context:
    """What a batch of recomputations shares: the time, the calendars and the policies."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.calendars = {cal.pk: cal for cal in Calendar.objects.all()}
        if not self.calendars:  # emptied tables (a flushed database): recreate the defaults
            seed_defaults(Calendar, CalendarException, SlaPolicy)
            self.calendars = {cal.pk: cal for cal in Calendar.objects.all()}
        self.default = next((c for c in self.calendars.values() if c.is_default), None) or next(
            iter(self.calendars.values()))
        self.policies = PolicyBook.load()

    def calendar_of(self, ticket: Ticket):
        team = ticket.team if ticket.team_id else None
        return work_calendar(self.calendars.get(getattr(team, "calendar_id", None)) or self.default)


def clock_start(*, ticket: Ticket, kind: str, start: datetime, target: Target, label: str = "",
                warning_share: float = 0.8) -> SlaClock:
    """Starts (or restarts) clock ``kind`` on ``ticket`` from ``start`` with ``target``; it warns when
    ``warning_share`` of the allowed time is used (the owning flow's policy sets it)."""
    if kind in POLICY_KINDS:
        raise DomainError(f"{kind} 由 SLA 策略自动计时，不能手动启动", field="kind")
    if not isinstance(target, Target):
        raise DomainError("target 必须是 Target(amount, unit)", field="target")
    ctx = _Context(timezone.now())
    if not 0 < warning_share <= 1:
        raise DomainError(f"预警比例须在 0 到 1 之间：{warning_share}", field="warning_share")
    spec = ClockSpec(kind, label or kind, start, target, None, (), warning_share, derived=False)
    with transaction.atomic():
        clock = SlaClock.objects.filter(ticket=ticket, kind=kind).first() or SlaClock(ticket=ticket, kind=kind)
        clock.alerted = ""  # a new run of the clock may alert again
        _apply(clock, spec, _times(ctx, ticket, spec))
        clock.save()
        _set_due(ticket, [clock] + list(ticket.sla_clocks.exclude(pk=clock.pk)), ctx.now)
    return clock


def clock_stop(*, ticket: Ticket, kind: str, at: datetime) -> None:
    """Stops clock ``kind``: met when ``at`` is on or before its due time, breached otherwise."""
    with transaction.atomic():
        clock = SlaClock.objects.select_for_update().filter(ticket=ticket, kind=kind).first()
        if clock is None:
            raise DomainError(f"工单 {ticket.number} 没有 {kind} 计时", field="kind")
        if clock.stopped_at is None:
            clock.stopped_at = at
            clock.paused_now = False
            clock.save(update_fields=["stopped_at", "paused_now"])
        _set_due(ticket, list(ticket.sla_clocks.all()), timezone.now())


def clocks_recompute(*, ticket: Ticket, now: datetime | None = None) -> list[SlaClock]:
    """Re-derives every clock of one work order and its due_at."""
    ticket = Ticket.objects.select_related("team").get(pk=ticket.pk)
    recompute_tickets([ticket], _Context(now or timezone.now()))
    return list(ticket.sla_clocks.all())


def clocks_start_new(*, ticket: Ticket, now: datetime | None = None) -> list[SlaClock]:
    """The policy clocks of a work order being created, inside its transaction: derived from the order in
    memory (no status history, no clocks yet), inserted at once; the order's due fields are set in memory
    for the caller to save."""
    ctx = _Context(now or timezone.now())
    specs = policy_specs(ticket, ctx.policies.find(ticket.type, ticket.priority), [])
    clocks = []
    for spec in specs:
        clock = SlaClock(ticket=ticket, kind=spec.kind)
        _apply(clock, spec, _times(ctx, ticket, spec))
        clocks.append(clock)
    SlaClock.objects.bulk_create(clocks)
    _copy_due(ticket, earliest_clock(clocks, ctx.now))
    return clocks


def clocks_recompute_open(*, now: datetime | None = None, calendar_id: int | None = None,
                          days: tuple[date, date] | None = None, chunk: int = 2000, after_id: int = 0,
                          on_chunk: Callable[[int, int, int], None] | None = None) -> int:
    """Recomputes the clocks of every open work order (of teams using ``calendar_id`` if given; with
    ``days``, only orders with a clock running across those days: an edit of one holiday leaves every
    clock that ends before it or starts after it as it was).

    In chunks of ``chunk`` orders by id, each in its own transaction; ``on_chunk(done, total, last_id)``
    runs inside that transaction (the durable job records its checkpoint there); ``after_id`` skips the
    orders up to that id (a rerun resuming from its checkpoint). Returns how many were recomputed."""
    ctx = _Context(now or timezone.now())
    tickets = Ticket.objects.filter(status__in=["new", "open", "waiting"], pk__gt=after_id).order_by("pk")
    if days is not None:
        tz = timezone.get_default_timezone()
        first = datetime.combine(days[0], time.min, tz)
        after_last = datetime.combine(days[1] + timedelta(days=1), time.min, tz)
        crossing = SlaClock.objects.filter(stopped_at__isnull=True, started_at__lt=after_last).filter(
            models.Q(due_at__gte=first) | models.Q(paused_now=True))
        tickets = tickets.filter(pk__in=crossing.values("ticket_id"))
    if calendar_id is not None and ctx.default.pk != calendar_id:
        tickets = tickets.filter(team__calendar_id=calendar_id)
    elif calendar_id is not None:  # the default calendar also serves teams without one
        tickets = tickets.exclude(team__calendar_id__in=[c for c in ctx.calendars if c != calendar_id])
    # Ids first, then batches by id: paging with pk__gt + LIMIT let SQLite rescan the status index per page.
    ids = list(tickets.values_list("pk", flat=True))
    for begin in range(0, len(ids), chunk):
        part = ids[begin:begin + chunk]
        with transaction.atomic():
            batch = Ticket.objects.filter(pk__in=part).select_related("team").only(*_TICKET_FIELDS)
            recompute_tickets(list(batch), ctx)
            clocks_recomputed.send(sender=SlaClock, ticket_ids=part)
            if on_chunk is not None:
                on_chunk(begin + len(part), len(ids), part[-1])
    return len(ids)


def clocks_recompute_paused(*, now: datetime | None = None) -> int:
    """Moves the due times of paused clocks up to ``now`` (run by the periodic alert task)."""
    ctx = _Context(now or timezone.now())
    ids = SlaClock.objects.filter(stopped_at__isnull=True, paused_now=True).values("ticket_id")
    tickets = list(Ticket.objects.filter(pk__in=ids).select_related("team").only(*_TICKET_FIELDS))
    recompute_tickets(tickets, ctx)
    return len(tickets)


def recompute_tickets(tickets: list[Ticket], ctx: _Context) -> None:
    """Batch recomputation: three queries to read, bulk writes only for what changed."""
    ids = [t.pk for t in tickets]
    # Sorted here, not in SQL: ORDER BY created_at made the planner walk the created_at index of all events.
    rows = sorted(events.of_tickets(ids, codes=events.STATUS_CODES).values_list("created_at", "id", "ticket_id",
                                                                                 "params"))
    pauses = pauses_by_ticket((ticket_id, at, params.get("new")) for at, _pk, ticket_id, params in rows)
    existing: dict[int, dict[str, SlaClock]] = defaultdict(dict)
    for clock in SlaClock.objects.filter(ticket_id__in=ids):
        existing[clock.ticket_id][clock.kind] = clock
    new, changed, stale, dues = [], [], [], []
    for ticket in tickets:
        clocks = existing[ticket.pk]
        specs = policy_specs(ticket, ctx.policies.find(ticket.type, ticket.priority), pauses.get(ticket.pk, []))
        specs += [_manual_spec(c) for c in clocks.values() if not c.derived]
        for spec in specs:
            clock = clocks.pop(spec.kind, None)
            target = clock or SlaClock(ticket=ticket, kind=spec.kind)
            before = _snapshot(target) if clock else None
            _apply(target, spec, _times(ctx, ticket, spec))
            if clock is None:
                new.append(target)
            elif _snapshot(target) != before:
                changed.append(target)
            dues.append((ticket, target))
        stale += [c.pk for c in clocks.values()]  # a policy no longer sets this target
    _write(tickets, new, changed, stale, dues, ctx.now)


def _write(tickets: list[Ticket], new: list, changed: list, stale: list, dues: list, now: datetime) -> None:
    with transaction.atomic():
        SlaClock.objects.filter(pk__in=stale).delete()
        # ignore_conflicts: a concurrent recompute (signal vs. calendar task) may have created the row first.
        SlaClock.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        update_rows(SlaClock, changed, _FIELDS)
        by_ticket: dict[int, list[SlaClock]] = defaultdict(list)
        for ticket, clock in dues:
            by_ticket[ticket.pk].append(clock)
        moved = [ticket for ticket in tickets if _copy_due(ticket, earliest_clock(by_ticket.get(ticket.pk, []), now))]
        update_rows(Ticket, moved, DUE_FIELDS)


def update_rows(model: type[models.Model], objects: list, fields: list[str]) -> None:
    """UPDATE ... WHERE id = %s with executemany: bulk_update's CASE expressions cost seconds per
    thousand rows to build, and recomputing a calendar's orders rewrites tens of thousands."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(model._meta.db_table)} SET "
           + ", ".join(f"{quote(f.column)} = %s" for f in concrete) + f" WHERE {quote(model._meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in concrete] + [obj.pk]
            for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


DUE_FIELDS = ["due_at", "due_warning_at", "due_provisional", "due_paused"]


def _copy_due(ticket: Ticket, clock: SlaClock | None) -> bool:
    """Copies the clock's due, warning time, provisional and paused flags onto the order (the lists' badge
    reads them); True if they moved."""
    values = (clock.due_at, clock.warn_at, clock.provisional, clock.paused_now) if clock else (None, None, False, False)
    if values == tuple(getattr(ticket, f) for f in DUE_FIELDS):
        return False
    ticket.due_at, ticket.due_warning_at, ticket.due_provisional, ticket.due_paused = values
    return True


def earliest_clock(clocks: Iterable[SlaClock], now: datetime) -> SlaClock | None:
    """The clock with the earliest due time among those counting; failing that, among paused ones.

    A paused clock's due is "if the customer answered now", so it moves while paused; it is used
    only when nothing else counts, so that an order waiting on the customer still sorts by a
    deadline in the inbox (a NULL would sort first on SQLite). The alert task refreshes them.
    """
    open_clocks = [c for c in clocks if c.stopped_at is None]
    counting = [c for c in open_clocks if not c.paused_now]
    return min(counting or open_clocks, key=lambda c: c.due_at, default=None)


def _set_due(ticket: Ticket, clocks: list[SlaClock], now: datetime) -> None:
    if _copy_due(ticket, earliest_clock(clocks, now)):
        Ticket.objects.filter(pk=ticket.pk).update(**{f: getattr(ticket, f) for f in DUE_FIELDS})


def _manual_spec(clock: SlaClock) -> ClockSpec:
    return ClockSpec(clock.kind, clock.label, clock.started_at, Target(clock.target_amount, clock.target_unit),
                     clock.stopped_at, (), clock.warning_share, derived=False)


def _times(ctx: _Context, ticket: Ticket, spec: ClockSpec) -> ClockTimes:
    return compute_clock(ctx.calendar_of(ticket), start=spec.start, target=spec.target, now=ctx.now,
                         pauses=spec.pauses, stopped_at=spec.stopped_at, warning_share=spec.warning_share)


def _apply(clock: SlaClock, spec: ClockSpec, times: ClockTimes) -> None:
    if clock.pk and clock.started_at != spec.start:
        clock.alerted = ""  # restarted (e.g. a new customer message): alerts of the old run are done
    clock.label, clock.derived = spec.label, spec.derived
    clock.target_amount, clock.target_unit = spec.target.amount, spec.target.unit
    clock.warning_share, clock.started_at, clock.stopped_at = spec.warning_share, spec.start, spec.stopped_at
    clock.due_at, clock.warn_at, clock.provisional = times.due, times.warn_at, times.provisional
    clock.paused_seconds, clock.paused_now = times.paused.total_seconds(), times.paused_now


def _snapshot(clock: SlaClock) -> tuple:
    return tuple(getattr(clock, name) for name in _FIELDS)


def state_of(clock: SlaClock, now: datetime) -> ClockState:
    """The state of a stored clock at ``now``, computed from its figures (see kefu.sla.clock)."""
    times = ClockTimes(clock.due_at, clock.warn_at, timedelta(seconds=clock.paused_seconds), clock.paused_now,
                       clock.provisional)
    return clock_state(times, now=now, stopped_at=clock.stopped_at)


__all__ = ["POLICY_KINDS", "Target", "clock_start", "clock_stop", "clocks_recompute", "clocks_recompute_open",
           "clocks_start_new",
           "clocks_recompute_paused",
           "earliest_clock", "recompute_tickets", "state_of"]
