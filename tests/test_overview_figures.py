"""部门概览's figures from one pass over the open orders: totals, overdue, unassigned and each agent's load."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.tickets.models import Ticket
from kefu.tickets.overview import overview_figures
from tests import factories

pytestmark = pytest.mark.django_db


def test_totals_and_agent_load_come_from_the_open_orders(desk):
    now = timezone.now()
    late, fine, nobody, done = (factories.ticket(desk.agent, subject=f"第{i}张") for i in range(4))
    Ticket.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=1), status="open")
    Ticket.objects.filter(pk=fine.pk).update(due_at=now + timedelta(hours=5))
    Ticket.objects.filter(pk=nobody.pk).update(assignee=None, due_at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=done.pk).update(status="closed", due_at=now - timedelta(days=1))
    figures = overview_figures(desk.supervisor, now)
    assert (figures["active_total"], figures["overdue"], figures["unassigned"]) == (3, 2, 1)
    agent = next(a for a in figures["agents"] if a.pk == desk.agent.pk)
    assert (agent.open_count, agent.overdue_count) == (2, 1)
    counts = {value: n for _label, n, value in figures["status_counts"]}
    assert (counts["new"], counts["open"], counts["closed"]) == (2, 1, 1)
