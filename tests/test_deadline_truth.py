"""One deadline truth (issue 8): every on-time / warning / breached / paused state comes from the SLA clocks.

The complaint card once warned with less than 4 hours left while the SLA panel warned at 80% of the
allowed time; the approval step had no limit; the due badge hard-coded the waiting status.
"""

from datetime import timedelta
from unittest import mock

from kefu.complaints import deadlines
from kefu.complaints import services as cs
from kefu.complaints.models import ComplaintConfig
from kefu.complaints.models import ComplaintState as S
from kefu.complaints.selectors import complaint_list, deadline_rows
from kefu.sla.models import SlaClock
from kefu.sla.services import state_of
from kefu.tickets import services
from kefu.tickets.models import Status
from kefu.tickets.templatetags.tickets import due_badge
from tests import factories
from tests.test_complaint_support import STEPS, aware, walk_to


def _clock(complaint, kind):
    return SlaClock.objects.get(ticket=complaint.ticket, kind=kind)


def test_approval_is_a_clock_of_one_working_day_stopped_by_the_decision(desk):
    monday = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = walk_to(desk, S.PROPOSED)
    clock = _clock(c, deadlines.APPROVE)
    assert clock.stopped_at is None and clock.due_at.date().isoformat() == "2026-03-03"
    row = next(r for r in deadline_rows(c, monday + timedelta(hours=1)) if r["kind"] == deadlines.APPROVE)
    assert row["due"] == clock.due_at and row["state"] == "running"  # 期限 is shown, not —
    with mock.patch("django.utils.timezone.now", return_value=monday + timedelta(hours=2)):
        c = cs.complaint_approve(complaint=c, by=desk.supervisor)
    assert state_of(_clock(c, deadlines.APPROVE), monday + timedelta(days=9)) == "met"


def test_approval_limit_and_warning_share_are_configurable(desk):
    ComplaintConfig.objects.update_or_create(pk=1, defaults={"approve_days": 3, "warning_share": 0.5})
    monday = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = walk_to(desk, S.PROPOSED)
    clock = _clock(c, deadlines.APPROVE)
    assert clock.due_at.date().isoformat() == "2026-03-05" and clock.warning_share == 0.5


def test_card_panel_and_overdue_filter_agree_at_every_instant(desk):
    """At each instant the complaint card's state is the clock's state, and the overdue filter lists the
    complaint exactly when one of its clocks is breached and counting."""
    monday = aware("2026-03-02 10:00")
    with mock.patch("django.utils.timezone.now", return_value=monday):
        c = walk_to(desk, S.RECORDED)
    reply = _clock(c, deadlines.REPLY)
    for hours in (1, 19.5, 20, 23.9, 24.1, 30):  # 80% of 24 hours is hour 19.2
        now = monday + timedelta(hours=hours)
        row = next(r for r in deadline_rows(c, now) if r["kind"] == deadlines.REPLY)
        assert row["state"] == state_of(reply, now)
        overdue = complaint_list(desk.agent, overdue=True, now=now).filter(pk=c.pk).exists()
        assert overdue == (row["state"] == "breached"), hours
    assert next(r for r in deadline_rows(c, monday + timedelta(hours=20)) if r["kind"] == deadlines.REPLY)[
        "css"] == "warning"  # the old card said "ok" until 4 hours were left


def test_a_closed_complaint_leaves_no_clock_counting(desk):
    c = walk_to(desk, S.RECORDED)
    c = cs.complaint_reject(complaint=c, by=desk.agent, reason="非本公司产品", explained_how="phone")
    assert not SlaClock.objects.filter(ticket=c.ticket, kind__in=deadlines.KINDS, stopped_at__isnull=True).exists()
    c = walk_to(desk, S.ARCHIVED)
    assert not SlaClock.objects.filter(ticket=c.ticket, kind__in=deadlines.KINDS, stopped_at__isnull=True).exists()


def test_the_due_badge_reads_paused_from_the_clock_not_the_status(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.WAITING)
    ticket.refresh_from_db()
    # waiting, but nobody has answered yet: the first-response clock still counts, so no "paused"
    assert not ticket.due_paused and "已暂停" not in due_badge(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="请提供订单照片")
    ticket.refresh_from_db()
    assert ticket.due_paused and "已暂停" in due_badge(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_status(ticket=ticket, by=desk.agent, status=Status.OPEN)
    ticket.refresh_from_db()
    assert not ticket.due_paused and "已暂停" not in due_badge(ticket)


def test_the_steps_table_is_unchanged():
    assert [target for target, _step in STEPS][:6] == [S.RECORDED, S.DISPATCHED, S.ANALYSED, S.RESPONSIBILITY,
                                                       S.PROPOSED, S.APPROVED]
