"""The inspector's home in figures: counts, rule hit rates with their rejection share, the score trend.
Each is one aggregate query over current results, so the page stays fast with 100,000 of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from .models import Appeal, AppealState, Finding, Inspection
from .selectors import review_queue, rule_precision


def _since(days: int, now: datetime) -> datetime:
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return start - timedelta(days=days - 1)


def counts(user: User, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    current = Inspection.objects.filter(policy.qa_scope(user), is_current=True)
    today, week = _since(1, now), _since(7, now)
    figures = current.aggregate(
        today=Count("id", filter=Q(created_at__gte=today)),
        week=Count("id", filter=Q(started_at__gte=week)),
        week_avg=Avg("score", filter=Q(started_at__gte=week)),
        week_fatal=Count("id", filter=Q(started_at__gte=week, fatal=True)),
        total=Count("id"),
    )
    figures["queue"] = review_queue(user).count()
    figures["open_appeals"] = Appeal.objects.filter(policy.qa_scope(user, "inspection__agent"),
                                                    state=AppealState.OPEN).count()
    return figures


def rule_hit_rates(user: User, days: int = 30, now: datetime | None = None) -> list[dict]:
    """Per rule: the share of the period's conversations it hit, and the share of its hits rejected."""
    now = now or timezone.now()
    since = _since(days, now)
    scope = Inspection.objects.filter(policy.qa_scope(user), is_current=True, started_at__gte=since)
    total = scope.count()
    hits = (Finding.objects.filter(inspection__in=scope.values("id")).values("rule")
            .annotate(conversations=Count("inspection_id", distinct=True), hits=Count("id")).order_by("-hits"))
    precision = {row["rule"]: row for row in rule_precision(user)}
    rows = []
    for row in hits:
        p = precision.get(row["rule"], {})
        rows.append({"rule": row["rule"], "hits": row["hits"], "conversations": row["conversations"],
                     "rate": row["conversations"] / total if total else 0, "reviewed": p.get("reviewed", 0),
                     "rejected_share": p.get("rejected_share")})
    return rows


def score_trend(user: User, days: int = 14, now: datetime | None = None) -> list[dict]:
    now = now or timezone.now()
    since = _since(days, now)
    rows = (Inspection.objects.filter(policy.qa_scope(user), is_current=True, started_at__gte=since)
            .annotate(day=TruncDate("started_at", tzinfo=timezone.get_current_timezone())).values("day")
            .annotate(n=Count("id"), avg=Avg("score"), fatal=Count("id", filter=Q(fatal=True))).order_by("day"))
    by_day = {row["day"]: row for row in rows}
    first = since.date()
    out = []
    for offset in range(days):
        day: date = first + timedelta(days=offset)
        row = by_day.get(day, {})
        avg = row.get("avg")
        out.append({"day": day, "n": row.get("n", 0), "avg": round(avg, 1) if avg is not None else None,
                    "fatal": row.get("fatal", 0), "height": round(avg or 0)})
    return out
