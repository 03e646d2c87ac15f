"""投诉分析 (seed 003 ch. 9 "analyse complaint data and improve"): counts, on-time shares, repeat
complainants and the average time each step takes, over the complaints a user may see.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

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


def reply_share(qs: QuerySet, now: datetime) -> Share:
    """Replies due so far (given, or overdue without one) and how many came within the limit."""
    due = qs.filter(Q(first_reply_at__isnull=False) | Q(reply_due_at__lt=now), reply_due_at__isnull=False)
    on_time = due.filter(first_reply_at__lte=F("reply_due_at")).count()
    return Share(on_time, due.count())


def implement_share(qs: QuerySet, now: datetime) -> Share:
    due = qs.filter(Q(implemented_at__isnull=False) | Q(implement_due_at__lt=now), implement_due_at__isnull=False)
    on_time = due.filter(implemented_at__lte=F("implement_due_at")).count()
    return Share(on_time, due.count())


def step_hours(qs: QuerySet) -> list[tuple[str, float, int]]:
    """Average hours from the previous step to each action (e.g. dispatch → analyse), in flow order."""
    rows = (ComplaintStep.objects.filter(complaint__in=qs.values("pk"))
            .order_by("complaint_id", "created_at", "id").values_list("complaint_id", "action", "created_at"))
    spans: dict[str, list[float]] = defaultdict(list)
    previous: tuple[int, datetime] | None = None
    for complaint_id, action, at in rows.iterator():
        if previous and previous[0] == complaint_id:
            spans[action].append((at - previous[1]).total_seconds() / 3600)
        previous = (complaint_id, at)
    return [(a.title, round(sum(spans[a.name]) / len(spans[a.name]), 1), len(spans[a.name]))
            for a in ACTIONS.values() if spans.get(a.name)]


def complaint_analysis(qs: QuerySet[Complaint], now: datetime | None = None) -> Analysis:
    now = now or timezone.now()
    months = (qs.annotate(month=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
              .values("month").annotate(n=Count("id")).order_by("month"))
    repeat = (qs.values("ticket__customer__name", "ticket__customer_id").annotate(n=Count("id"))
              .filter(n__gt=1).order_by("-n", "ticket__customer__name")[:20])
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
        repeat_customers=[(row["ticket__customer__name"], row["n"]) for row in repeat],
        step_hours=step_hours(qs),
    )
