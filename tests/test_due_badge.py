"""The inbox countdown follows the order's earliest SLA clock: its warning time and provisional flag."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.tickets.models import Ticket
from kefu.tickets.templatetags.tickets import due_badge
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


def _order(**fields) -> Ticket:
    return Ticket(status="open", created_at=datetime(2026, 11, 2, 9, tzinfo=SH), **fields)


def test_badge_is_ok_before_the_clocks_warning_time():
    due = datetime(2026, 11, 2, 17, tzinfo=SH)
    html = due_badge(_order(due_at=due, due_warning_at=due - timedelta(hours=1)), now=due - timedelta(hours=2))
    assert 'class="due ok"' in html and "暂定" not in html


def test_badge_is_amber_from_the_clocks_warning_time():
    due = datetime(2026, 11, 2, 17, tzinfo=SH)
    html = due_badge(_order(due_at=due, due_warning_at=due - timedelta(hours=1)), now=due - timedelta(minutes=59))
    assert 'class="due warning"' in html


def test_badge_is_red_after_due_and_marks_provisional():
    due = datetime(2027, 1, 4, 18, tzinfo=SH)
    html = due_badge(_order(due_at=due, due_warning_at=due, due_provisional=True), now=due + timedelta(hours=3))
    assert 'class="due breached"' in html and "暂定" in html


@pytest.mark.django_db
def test_sla_recompute_copies_the_earliest_clock_onto_the_order(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # clocks follow the order after commit
        ticket = factories.ticket(desk.agent, type="complaint")
    ticket.refresh_from_db()
    clock = min(ticket.sla_clocks.filter(stopped_at__isnull=True), key=lambda c: c.due_at)
    assert (ticket.due_at, ticket.due_warning_at, ticket.due_provisional) == (
        clock.due_at, clock.warn_at, clock.provisional)
