"""投诉分析's step durations: on PostgreSQL one window-function pass (LAG over each complaint's steps),
elsewhere a correlated subquery; both give the same figures (issue 9: the correlated form took 22 s at
1M orders)."""

from datetime import timedelta

import pytest
from django.db import connection

from kefu.complaints import analysis
from kefu.complaints.models import Complaint, ComplaintStep
from kefu.complaints.models import ComplaintState as S
from kefu.complaints.selectors import visible_complaints
from tests.test_complaint_support import walk_to

pytestmark = pytest.mark.django_db


def test_step_hours_are_the_time_since_each_previous_step(desk):
    first = walk_to(desk, S.RECORDED)
    walk_to(desk, S.SUMMARISED)
    steps = list(ComplaintStep.objects.filter(complaint=first).order_by("created_at", "id"))
    base = steps[0].created_at
    for i, step in enumerate(steps):  # 0 h, 1 h, 3 h, 6 h ... after the first: known gaps
        ComplaintStep.objects.filter(pk=step.pk).update(created_at=base + timedelta(hours=i * (i + 1) / 2))
    qs = visible_complaints(desk.supervisor)
    correlated = analysis._step_spans_correlated(qs)
    expected_first = {steps[i].action: i for i in range(1, len(steps))}  # the gap before step i is i hours
    rows = analysis.step_hours(Complaint.objects.filter(pk=first.pk))
    by_action = {a.title: a.name for a in analysis.ACTIONS.values()}
    once = [a for a in expected_first if [s.action for s in steps[1:]].count(a) == 1]
    checked = [(title, hours) for title, hours, _n in rows if by_action[title] in once]
    assert checked and all(hours == expected_first[by_action[title]] for title, hours in checked)
    if connection.vendor == "postgresql":
        windowed = analysis._step_spans_windowed(qs)
        assert windowed == correlated
