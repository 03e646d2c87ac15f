"""Met / breached as filters on SLA clocks: the one definition the complaint analysis, the reports and
their drill-down lists share (a clock is *due* once it stopped or its due time passed while it runs;
it is *met* when it stopped by its due time; every other due clock is *breached*)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

OUTCOMES = ("due", "met", "breached", "warning", "late")


def outcome_q(outcome: str, now: datetime, prefix: str = "") -> Q:
    """The clocks with ``outcome`` at ``now``; ``prefix`` reaches them through a relation (e.g. "sla_clocks__")."""
    p = prefix
    met = Q(**{f"{p}stopped_at__isnull": False, f"{p}stopped_at__lte": F(f"{p}due_at")})
    due = Q(**{f"{p}stopped_at__isnull": False}) | Q(**{f"{p}due_at__lt": now})
    if outcome == "met":
        return met
    if outcome == "due":
        return due
    if outcome == "breached":
        return (Q(**{f"{p}stopped_at__isnull": False, f"{p}stopped_at__gt": F(f"{p}due_at")})
                | Q(**{f"{p}stopped_at__isnull": True, f"{p}due_at__lt": now}))
    if outcome == "warning":  # running, in its warning window, not yet due: breaching soon
        return Q(**{f"{p}stopped_at__isnull": True, f"{p}paused_now": False, f"{p}warn_at__lte": now,
                    f"{p}due_at__gte": now})
    if outcome == "late":  # running and past due now
        return Q(**{f"{p}stopped_at__isnull": True, f"{p}due_at__lt": now})
    raise ValueError(outcome)


def outcome_counts(clocks: QuerySet, now: datetime, group_by: tuple[str, ...] = ()) -> list[dict] | dict:
    """due and met counts of ``clocks`` (one query); grouped rows when ``group_by`` names fields."""
    counts = {"due": Count("pk", filter=outcome_q("due", now)), "met": Count("pk", filter=outcome_q("met", now))}
    if group_by:
        return list(clocks.values(*group_by).annotate(**counts).order_by(*group_by))
    return clocks.aggregate(**counts)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
