"""The wall view (大屏) for the floor: today's queue, waiting, breaching soon and breached, per team; the
page polls itself (htmx) so it stays current without a reload."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from kefu import policy
from kefu.sla.models import SlaClock
from kefu.sla.outcomes import outcome_q
from kefu.tickets.drill import Drill
from kefu.tickets.models import ACTIVE_STATUSES, Status, Ticket

from .filters import Period, ReportFilter


def figures(user, now: datetime) -> dict:
    today = timezone.localtime(now).date()
    department = policy.report_fixed_department(user)
    f = ReportFilter(Period(today, today), department=department)
    tickets = Ticket.objects.filter(policy.report_ticket_scope(user))
    active = tickets.filter(status__in=ACTIVE_STATUSES)
    running = SlaClock.objects.filter(ticket__in=active.values("pk"))
    counts = active.aggregate(active=Count("id"), unassigned=Count("id", filter=Q(assignee__isnull=True)),
                              waiting=Count("id", filter=Q(status=Status.WAITING)))
    soon_tickets = active.filter(pk__in=running.filter(outcome_q("warning", now)).values("ticket_id"))
    # the few orders breaching soon, once: their count and the first 8 by due time (ordering every open
    # order by due time and probing each for a warning clock read ~236,000 orders at 1M)
    soon = sorted(soon_tickets.values_list("due_at", "pk"), key=lambda r: (r[0] is None, r[0] or now, r[1]))
    first = [pk for _due, pk in soon[:8]]
    late_tickets = active.filter(pk__in=running.filter(outcome_q("late", now)).values("ticket_id"))
    teams = list(active.values("team__name").annotate(n=Count("id"), late=Count("id", filter=Q(due_at__lt=now)))
                 .order_by("-n")[:12])
    base = {"department": department} if department else {}
    link = lambda status="active", **extra: "/tickets/?" + "&".join(  # noqa: E731
        [f"view=all&status={status}", Drill(**base, **extra).query()]).rstrip("&")
    return {
        "now": now, "today_new": tickets.filter(f.period.q("created_at")).count(), **counts,
        "soon": len(soon), "late": late_tickets.count(), "teams": teams,
        "soon_list": sorted(Ticket.objects.filter(pk__in=first).select_related("assignee"), key=lambda t: first.index(t.pk)),
        "links": {"today_new": link("", on="created", start=today, end=today), "active": link(),
                  "unassigned": link().replace("view=all", "view=unassigned"), "waiting": link("waiting"),
                  "soon": link(sla="any.warning"), "late": link(sla="any.late")},
    }
