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


def _agents(active, visible, now: datetime, today: datetime) -> list[User]:
    """Active agents and supervisors with their open, overdue and resolved-today counts (three grouped reads)."""
    load = {row["assignee"]: row for row in active.filter(assignee__isnull=False).values("assignee").annotate(
        open_count=Count("id"), overdue_count=Count("id", filter=Q(due_at__lt=now))).order_by()}
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
    totals = active.aggregate(total=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)),
                              unassigned=Count("id", filter=Q(assignee__isnull=True)))
    return {
        "status_counts": [(label, by_status.get(value, 0), value) for value, label in Status.choices],
        "active_total": totals["total"],
        "overdue": totals["overdue"],
        "unassigned": totals["unassigned"],
        "today_new": visible.filter(created_at__gte=today).count(),
        "by_channel": list(visible.filter(created_at__gte=today - timedelta(days=30))
                           .values("channel").annotate(n=Count("id")).order_by("-n")),
        "by_type": list(active.values("type").annotate(n=Count("id")).order_by("-n")),
        "agents": _agents(active, visible, now, today),
    }
