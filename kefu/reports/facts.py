"""The orders' counts and SLA outcomes of a report period, from the day rollup where it is built and live
elsewhere (kefu/reports/rollup.py), with the same definitions as the live queries they replace:

- created / open: orders created in the period (open: not resolved or closed now), by their created day;
- resolved: orders resolved in the period, by their resolved day;
- SLA (kefu.sla.outcomes): of the period's created orders' clocks, *due* = stopped, or running and past due
  now; *met* = stopped by the due time. Stopped clocks and running unpaused clocks that fell due before today
  come from the rollup; running clocks due today (before now) and paused clocks are always read live.

Days from today on, and days whose rollup is not built for their latest change, are computed live.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu.sla.models import SlaClock

from .rollup import DIMS, KINDS, MEASURES, build_rows, days_q, prefixed

GROUPS = ("day", *DIMS)


@dataclass
class Facts:
    created: int = 0
    open: int = 0
    resolved: int = 0
    clocks: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    due: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    met: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    def add(self, values: dict, running_due: bool) -> None:
        self.created += values.get("created") or 0
        self.open += values.get("open") or 0
        self.resolved += values.get("resolved") or 0
        for kind, p in KINDS.items():
            stopped, running = values.get(f"{p}_stopped") or 0, values.get(f"{p}_running") or 0
            self.clocks[kind] += stopped + running
            self.due[kind] += stopped + (running if running_due else 0)
            self.met[kind] += values.get(f"{p}_met") or 0


def built_days(days: list[date], today: date | None = None) -> set[date]:
    """The days read from the rollup: built for their latest change, and not built on a later day than
    ``today`` (a reader asking about an earlier moment than the build must not see clocks as due that fell
    due in between)."""
    from .models import RollupDay

    if not days:
        return set()
    today = today or timezone.localdate()
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    return set(RollupDay.objects.filter(day__gte=min(days), day__lte=max(days), built_version=F("version"),
                                        built_at__lt=tomorrow).values_list("day", flat=True))


def order_facts(scope: Q, period, group: tuple[str, ...], now: datetime, sla: bool = True) -> dict[tuple, Facts]:
    """{group values: Facts} of the orders matching ``scope`` (a Q on the order's own dimension fields);
    ``sla=False``: order counts only (no live read of clocks)."""
    from .models import DayFact

    assert set(group) <= set(GROUPS), group
    today = timezone.localtime(now).date()
    days = period.dates()
    clean = built_days([d for d in days if d < today], today)
    live = [d for d in days if d not in clean]
    out: dict[tuple, Facts] = defaultdict(Facts)
    if clean:
        running_due = Q(due_day__isnull=True) | Q(due_day__lt=today)
        sums = {f"s_{m}": Sum(m, filter=running_due if m.endswith("_running") else None)
                for m in MEASURES}
        sums.update({f"all_{m}": Sum(m) for m in MEASURES if m.endswith("_running")})
        rollup_rows = DayFact.objects.filter(scope, days_q_date(clean))
        rows = ([rollup_rows.aggregate(**sums)] if not group else
                rollup_rows.values(*group).annotate(**sums).order_by())
        for row in rows:
            facts = out[tuple(row[g] for g in group)]
            facts.add({m: row[f"s_{m}"] for m in MEASURES}, running_due=True)
            for kind, p in KINDS.items():  # clocks not yet due still count as clocks (they make a row)
                facts.clocks[kind] += (row[f"all_{p}_running"] or 0) - (row[f"s_{p}_running"] or 0)
    if live:
        dims = tuple(d for d in DIMS if d in group)  # the live days grouped only as the reader groups
        index = {g: i for i, g in enumerate(("day", *dims))}
        for key, values in build_rows(live, scope, today, clocks=sla, dims=dims).items():
            due_day = key[-1]
            out[tuple(key[index[g]] for g in group)].add(values, running_due=due_day is None or due_day < today)
    if sla:
        _live_clocks(out, scope, period, group, now, today)
    return out


def days_q_date(days) -> Q:
    """A Q on DayFact.day for a set of days (ranges of consecutive days)."""
    from .rollup import _spans

    q = Q(pk__in=[])
    for start, end in _spans(sorted(days)):
        q |= Q(day__gte=start, day__lte=end)
    return q


def _live_clocks(out: dict, scope: Q, period, group: tuple, now: datetime, today: date) -> None:
    """Running clocks the rollup never holds as due: paused ones, and unpaused ones due today before now."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()), tz)
    fields = {g: TruncDate("ticket__created_at", tzinfo=tz) if g == "day" else F(f"ticket__{g}") for g in group}
    running = SlaClock.objects.filter(prefixed(scope & days_q("created_at", period.dates()), "ticket__"),
                                      kind__in=list(KINDS), stopped_at__isnull=True)
    # two reads, each served by its partial index (migration 0004): paused clocks, unpaused ones due today
    for part in (Q(paused_now=True), Q(paused_now=False, due_at__gte=start, due_at__lt=now)):
        rows = (running.filter(part).annotate(**{f"g_{g}": e for g, e in fields.items()})
                .values("kind", *[f"g_{g}" for g in group])
                .annotate(paused=Count("id", filter=Q(paused_now=True)), due=Count("id", filter=Q(due_at__lt=now)))
                .order_by())
        for row in rows:
            facts = out[tuple(row[f"g_{g}"] for g in group)]
            facts.clocks[row["kind"]] += row["paused"]
            facts.due[row["kind"]] += row["due"]


def report_facts(user, f, group: tuple[str, ...], now: datetime, sla: bool = True) -> dict[tuple, Facts]:
    """order_facts for a report's user (their role's orders) and filter."""
    from kefu import policy

    return order_facts(policy.report_ticket_scope(user) & f.tickets_q(), f.period, group, now, sla)


def sla_rows(facts: dict[tuple, Facts], kinds) -> list[dict]:
    """outcome_counts' rows ({"kind", "due", "met"} plus the group) for every group and kind with clocks."""
    rows = []
    for key, fact in facts.items():
        for kind in kinds:
            if fact.clocks[kind]:
                rows.append({"key": key, "kind": kind, "due": fact.due[kind], "met": fact.met[kind]})
    return sorted(rows, key=lambda r: (tuple("" if v is None else str(v) for v in r["key"]), r["kind"]))
