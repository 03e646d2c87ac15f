"""投诉分析 (seed 003 ch. 9 "analyse complaint data and improve"): counts, on-time shares, repeat
complainants and the average time each step takes, over the complaints a user may see.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections
from django.db.models import Avg, Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.models import Customer
from kefu.sla.models import SlaClock
from kefu.sla.outcomes import outcome_counts

from . import deadlines
from .models import ACTIONS, Complaint, ComplaintStep, ObjectKind, Party


@dataclass
class Share:
    on_time: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass
class Analysis:
    total: int
    by_category: list[tuple[str, int]]
    by_object: list[tuple[str, int]]
    by_department: list[tuple[str, int]]
    by_party: list[tuple[str, int]]
    by_root_cause: list[tuple[str, int]]
    by_month: list[tuple[str, int]]
    reply_share: Share
    implement_share: Share
    repeat_customers: list[tuple[str, int]]
    step_hours: list[tuple[str, float, int]] = field(default_factory=list)


def _counts(qs: QuerySet, key: str, labels: dict | None = None) -> list[tuple[str, int]]:
    rows = qs.values(key).annotate(n=Count("id")).order_by("-n", key)
    return [(str((labels or {}).get(row[key], row[key]) or _("未填写")), row["n"]) for row in rows]


def clock_share(qs: QuerySet, kind: str, now: datetime) -> Share:
    """Of the complaints' clocks of one kind that are due so far (stopped, or past due while counting), how
    many stopped in time: read from the SLA clocks, the one source of on-time state. One query."""
    clocks = SlaClock.objects.filter(ticket_id__in=qs.order_by().values("ticket_id"), kind=kind)
    counts = outcome_counts(clocks, now)
    return Share(counts["met"], counts["due"])


def reply_share(qs: QuerySet, now: datetime) -> Share:
    return clock_share(qs, deadlines.REPLY, now)


def implement_share(qs: QuerySet, now: datetime) -> Share:
    return clock_share(qs, deadlines.IMPLEMENT, now)


def step_hours(qs: QuerySet) -> list[tuple[str, float, int]]:
    """Average hours from the previous step to each action (e.g. dispatch → analyse), in flow order.

    One grouped query over the stored spans of the complaints' steps (kefu.complaints.spans writes each
    step's span with the step), so nothing orders or walks the steps (issue 9: 1M steps walked in Python,
    then a LAG() pass over 600,000 steps)."""
    rows = (ComplaintStep.objects.filter(complaint__in=qs.order_by().values("pk"), span__isnull=False)
            .exclude(action="receive").values("action").annotate(avg=Avg("span"), n=Count("*")).order_by())
    found = {row["action"]: (row["avg"], row["n"]) for row in rows}
    return [(a.title, round(found[a.name][0].total_seconds() / 3600, 1), found[a.name][1])
            for a in ACTIONS.values() if a.name in found and found[a.name][1]]


def repeat_customers(qs: QuerySet, limit: int = 20) -> list[tuple[str, int]]:
    """Customers with more than one of the complaints, most first: counted on the complaints' own copy of
    their order's customer, and only those counted are joined to their names (joining every complaint to
    its order and customer read 50k random rows of each at 1M orders)."""
    grouped, params = (qs.order_by().values("order_customer_id").annotate(n=Count("id")).filter(n__gt=1)
                       .values("order_customer_id", "n").query.sql_with_params())
    sql = (f"SELECT customer.name, grouped.n FROM ({grouped}) grouped JOIN {Customer._meta.db_table} customer "
           f"ON customer.id = grouped.order_customer_id ORDER BY grouped.n DESC, customer.name LIMIT {int(limit)}")
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(name, n) for name, n in cursor.fetchall()]


def complaint_analysis(qs: QuerySet[Complaint], now: datetime | None = None) -> Analysis:
    now = now or timezone.now()
    months = (qs.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
              .values("month").annotate(n=Count("id")).order_by("month"))
    return Analysis(
        total=qs.count(),
        by_category=_counts(qs, "category__name"),
        by_object=_counts(qs, "object_kind", dict(ObjectKind.choices)),
        by_department=_counts(qs.exclude(dispatched_to=None), "dispatched_to__name"),
        by_party=_counts(qs.exclude(responsible_party=""), "responsible_party", dict(Party.choices)),
        by_root_cause=_counts(qs.exclude(root_cause=""), "root_cause")[:15],
        by_month=[(row["month"].strftime("%Y-%m"), row["n"]) for row in months],
        reply_share=reply_share(qs, now),
        implement_share=implement_share(qs, now),
        repeat_customers=repeat_customers(qs),
        step_hours=step_hours(qs),
    )
