"""部门概览 (the supervisor's view of the day) as SQL aggregates over the orders the user may see.

Issue 9 measured this page at over 300 s on 1M orders: per-agent counts were written as
``assigned_tickets IN (subquery)`` filters on a join of users to every order. Here each figure is one
grouped query that reads only the rows it counts: active orders through the (status, due_at) index,
today's resolutions and intake through their time indexes, and per-agent figures grouped by assignee.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from .models import ACTIVE_STATUSES, Status


def _agents(load: dict, visible, today: datetime) -> list[User]:
    """Active agents with their open, overdue and resolved-today counts (``load`` from the active scan)."""
    resolved = dict(visible.filter(resolved_at__gte=today, assignee__isnull=False).values("assignee")
                    .annotate(n=Count("id")).order_by().values_list("assignee", "n"))
    # Seats only: a supervisor is not part of the agents' load (坐席负载).
    people = list(policy.seats()
                  .select_related("team"))
    for person in people:
        row = load.get(person.pk, {})
        person.open_count = row.get("open_count", 0)
        person.overdue_count = row.get("overdue_count", 0)
        person.resolved_today = resolved.get(person.pk, 0)
    return sorted(people, key=lambda p: (-p.open_count, p.display_name))


def overview_figures(user: User, now: datetime) -> dict:
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    visible = policy.visible_tickets(user)
    active = visible.filter(status__in=ACTIVE_STATUSES)
    by_status = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    # One pass over the open orders gives the totals and every agent's load (grouped by assignee, the
    # unassigned as the None group): at a million orders each pass over the 300,000 open ones cost
    # 0.6 s on the shared machine, and there were three.
    load = {row["assignee"]: row for row in active.values("assignee").annotate(
        open_count=Count("id"), overdue_count=Count("id", filter=Q(due_at__lt=now))).order_by()}
    return {
        "status_counts": [(label, by_status.get(value, 0), value) for value, label in Status.choices],
        "active_total": sum(row["open_count"] for row in load.values()),
        "overdue": sum(row["overdue_count"] for row in load.values()),
        "unassigned": load.get(None, {}).get("open_count", 0),
        "today_new": visible.filter(created_at__gte=today).count(),
        "by_channel": list(visible.filter(created_at__gte=today - timedelta(days=30))
                           .values("channel").annotate(n=Count("id")).order_by("-n")),
        "agents": _agents(load, visible, today),
    }
