"""Recomputes and alerts touch only what changed: a holiday edit recomputes only orders whose clocks run
across that day; the alert task reads only clocks that still owe an alert."""

from datetime import date, datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from kefu.jobs.models import Job
from kefu.sla import calendar_services as cs
from kefu.sla import services
from kefu.sla.alerts import due_for_alert
from kefu.sla.models import Calendar, SlaClock
from kefu.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_holiday_recomputes_only_orders_whose_clocks_cross_it(desk, django_capture_on_commit_callbacks):
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with patch("django.utils.timezone.now", return_value=monday), \
            django_capture_on_commit_callbacks(execute=True):
        early = factories.ticket(desk.agent, subject="本周到期", priority="urgent")  # due within hours
        late = factories.ticket(desk.agent, subject="下周到期", type="complaint")  # runs for working days
    assert clock_due(early) < datetime(2026, 3, 5, tzinfo=SH) <= clock_due(late)
    touched = []
    original = services.recompute_tickets

    def spy(tickets, ctx):
        touched.extend(t.pk for t in tickets)
        return original(tickets, ctx)

    calendar = Calendar.objects.get(is_default=True)
    with patch("django.utils.timezone.now", return_value=monday), patch.object(services, "recompute_tickets", spy), \
            django_capture_on_commit_callbacks(execute=True):
        cs.exception_save(by=desk.admin, calendar=calendar, day=date(2026, 3, 5), kind="holiday", name="停电")
    assert touched == [late.pk]  # the urgent order's clocks end before the 5th: not read, not written
    job = Job.objects.get(name="sla.recompute_open")
    assert (job.state, job.payload["from"], job.payload["to"]) == ("done", "2026-03-05", "2026-03-05")


def clock_due(ticket: Ticket) -> datetime:
    return max(SlaClock.objects.filter(ticket=ticket).values_list("due_at", flat=True))


def test_the_holiday_moves_the_crossing_order_by_a_working_day(desk, django_capture_on_commit_callbacks):
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with patch("django.utils.timezone.now", return_value=monday), \
            django_capture_on_commit_callbacks(execute=True):
        late = factories.ticket(desk.agent, subject="下周到期", type="complaint")
    before = clock_due(late)
    calendar = Calendar.objects.get(is_default=True)
    with patch("django.utils.timezone.now", return_value=monday), django_capture_on_commit_callbacks(execute=True):
        cs.exception_save(by=desk.admin, calendar=calendar, day=date(2026, 3, 5), kind="holiday", name="停电")
    assert clock_due(late) - before >= timedelta(hours=20)  # one working day later (a night in between)


def test_the_alert_query_skips_clocks_that_owe_nothing(desk, django_capture_on_commit_callbacks):
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=SH)
    with patch("django.utils.timezone.now", return_value=monday), django_capture_on_commit_callbacks(execute=True):
        tickets = [factories.ticket(desk.agent, subject=f"单{i}", priority="urgent") for i in range(3)]
    later = monday + timedelta(days=30)
    SlaClock.objects.filter(ticket=tickets[0]).update(alerted="breached")  # told long ago
    SlaClock.objects.filter(ticket=tickets[1]).update(alerted="warning")  # owes the breach alert only
    owed = {(c.ticket_id, c.kind) for c in due_for_alert(later)}
    assert {t for t, _ in owed} == {tickets[1].pk, tickets[2].pk}
