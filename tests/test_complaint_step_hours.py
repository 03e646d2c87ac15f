"""投诉分析's step durations come from spans stored with each step (kefu.complaints.spans); they must equal
the live computation (each step's time since the complaint's previous step by created_at, id) whatever
order the steps were written or re-dated in (issue 9: the live form took 22 s, then a LAG() pass 3 s,
at 1M orders)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery

from kefu.complaints import analysis
from kefu.complaints.models import ComplaintState as S
from kefu.complaints.models import ComplaintStep
from kefu.complaints.selectors import visible_complaints
from kefu.complaints.spans import append_step, store_spans
from tests.test_complaint_support import walk_to

pytestmark = pytest.mark.django_db


def live_spans(complaint_ids) -> dict[int, timedelta | None]:
    """The reference: every step's span computed from the step log as it is now (correlated subquery)."""
    previous = (ComplaintStep.objects.filter(complaint_id=OuterRef("complaint_id"))
                .filter(Q(created_at__lt=OuterRef("created_at"))
                        | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id")))
                .order_by("-created_at", "-id").values("created_at")[:1])
    span = ExpressionWrapper(F("created_at") - Subquery(previous), output_field=DurationField())
    rows = ComplaintStep.objects.filter(complaint_id__in=complaint_ids).annotate(live=span).values_list("id", "live")
    return dict(rows)


def live_step_hours(qs) -> list[tuple[str, float, int]]:
    """The analysis's step figures computed live from the step log (what step_hours computed before)."""
    previous = (ComplaintStep.objects.filter(complaint_id=OuterRef("complaint_id"))
                .filter(Q(created_at__lt=OuterRef("created_at"))
                        | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id")))
                .order_by("-created_at", "-id").values("created_at")[:1])
    span = ExpressionWrapper(F("created_at") - Subquery(previous), output_field=DurationField())
    rows = (ComplaintStep.objects.filter(complaint__in=qs.values("pk")).exclude(action="receive")
            .annotate(live=span).filter(live__isnull=False)
            .values("action").annotate(avg=Avg("live"), n=Count("id")).order_by())
    found = {row["action"]: (row["avg"], row["n"]) for row in rows}
    return [(a.title, round(found[a.name][0].total_seconds() / 3600, 1), found[a.name][1])
            for a in analysis.ACTIONS.values() if a.name in found and found[a.name][1]]


def stored_spans(complaint_ids) -> dict[int, timedelta | None]:
    return dict(ComplaintStep.objects.filter(complaint_id__in=complaint_ids).values_list("id", "span"))


def test_every_step_of_the_flow_stores_its_span(desk):
    complaints = [walk_to(desk, S.SUMMARISED), walk_to(desk, S.PROPOSED), walk_to(desk, S.RECEIVED)]
    ids = [c.pk for c in complaints]
    stored = stored_spans(ids)
    assert stored == live_spans(ids)
    assert sum(span is None for span in stored.values()) == 3  # each complaint's first step (受理) has none
    qs = visible_complaints(desk.supervisor)
    assert analysis.step_hours(qs) == live_step_hours(qs) != []


def test_step_hours_are_the_time_since_each_previous_step(desk):
    first = walk_to(desk, S.RECORDED)
    walk_to(desk, S.SUMMARISED)
    steps = list(ComplaintStep.objects.filter(complaint=first).order_by("created_at", "id"))
    base = steps[0].created_at
    for i, step in enumerate(steps):  # 0 h, 1 h, 3 h, 6 h ... after the first: known gaps
        ComplaintStep.objects.filter(pk=step.pk).update(created_at=base + timedelta(hours=i * (i + 1) / 2))
    assert store_spans(first.pk) == len(steps) - 1
    assert stored_spans([first.pk]) == live_spans([first.pk])
    rows = analysis.step_hours(first.__class__.objects.filter(pk=first.pk))
    assert rows == [(steps[1].title, 1.0, 1)]
    qs = visible_complaints(desk.supervisor)
    assert analysis.step_hours(qs) == live_step_hours(qs)


def test_a_step_dated_before_the_latest_one_fixes_its_successor(desk):
    complaint = walk_to(desk, S.DISPATCHED)
    steps = list(ComplaintStep.objects.filter(complaint=complaint).order_by("created_at", "id"))
    between = steps[0].created_at + (steps[1].created_at - steps[0].created_at) / 2
    late = append_step(complaint_id=complaint.pk, created_at=between, action="reply", from_state=complaint.state,
                       to_state=complaint.state, round=1, note="补录：电话已答复")
    assert late.span == between - steps[0].created_at
    assert stored_spans([complaint.pk]) == live_spans([complaint.pk])
    ahead = append_step(complaint_id=complaint.pk, created_at=steps[-1].created_at, action="reply",
                        from_state=complaint.state, to_state=complaint.state, round=1, note="同一时刻")
    assert ahead.span == timedelta(0)  # same time, later id: right after the latest step
    assert stored_spans([complaint.pk]) == live_spans([complaint.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the migration's PostgreSQL fill")
def test_the_migration_fill_gives_the_live_spans(desk):
    from importlib import import_module

    walk_to(desk, S.SUMMARISED)
    ComplaintStep.objects.update(span=None)
    fill = import_module("kefu.complaints.migrations.0006_order_visibility_and_step_spans").FILL_SPANS
    with connection.cursor() as cursor:
        cursor.execute(fill)
    ids = list(ComplaintStep.objects.values_list("complaint_id", flat=True).distinct())
    assert stored_spans(ids) == live_spans(ids)
