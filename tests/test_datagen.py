"""The benchmark data generator (bench/datagen) writes consistent data the product can read: orders with
messages, history and complaints, clocks for open orders computed by the product itself."""

import pytest
from django.db.models import Count

from bench.datagen import generate
from kefu.complaints.models import Complaint, ComplaintStep
from kefu.sla.models import SlaClock
from kefu.tickets.models import ACTIVE_STATUSES, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_small_department_is_generated_consistently(api_client):
    counts = generate(orders=400, seed=3, batch=150, log=lambda *_: None)
    assert Ticket.objects.count() == counts["orders"] == 400
    assert Message.objects.count() == counts["messages"] > 400 * 2
    assert TicketEvent.objects.count() == counts["history"] > 400 * 4
    assert Complaint.objects.count() == counts["complaints"] > 0
    assert ComplaintStep.objects.count() == counts["complaint_steps"] > counts["complaints"]
    open_orders = Ticket.objects.filter(status__in=ACTIVE_STATUSES)
    assert open_orders.count() == counts["open"] > 0
    # every open order got its clocks and due time from the product's recompute
    assert not open_orders.annotate(n=Count("sla_clocks")).filter(n=0).exists()
    assert not open_orders.filter(due_at__isnull=True).exists()
    closed = Ticket.objects.exclude(status__in=ACTIVE_STATUSES)
    assert not SlaClock.objects.filter(ticket__in=closed, stopped_at__isnull=True).exists()
    assert all(t.number.startswith("GD") for t in Ticket.objects.all()[:50])
    # new rows after the generator's explicit ids do not collide (sequences moved on)
    from tests import factories

    agent = factories.user("agent", dept=factories.department())
    ticket = factories.ticket(agent)
    assert ticket.pk > max(Ticket.objects.exclude(pk=ticket.pk).values_list("pk", flat=True))
    supervisor = Ticket.objects.filter(team__isnull=False).first().team.members.filter(role="supervisor").first()
    page = api_client.as_user(supervisor).get("/api/v1/tickets", page_size=20)
    assert page.status_code == 200 and len(page.json()["results"]) == 20
