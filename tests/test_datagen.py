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


def test_qa_results_and_survey_answers_are_added_for_the_reports(api_client):
    """Issue 15's benchmark data: QA results and survey answers on top of the orders, as the reports read them."""
    from datetime import timedelta

    from django.utils import timezone

    from bench.datagen import add_extras
    from kefu.qa.models import Inspection
    from kefu.surveys.models import Answer

    generate(orders=300, seed=4, batch=150, clocks=False, log=lambda *_: None)
    counts = add_extras(qa_results=500, survey_answers=200, seed=4, log=lambda *_: None)
    assert Inspection.objects.filter(is_current=True).count() == counts["qa_results"] == 500
    assert Answer.objects.count() == counts["survey_answers"] >= 200
    assert not Answer.objects.exclude(survey__answered_at__gte=timezone.now() - timedelta(days=400)).exists()
    supervisor = Ticket.objects.filter(team__isnull=False).first().team.members.filter(role="supervisor").first()
    today = timezone.localdate()
    body = api_client.as_user(supervisor).get("/api/v1/reports/summary", **{
        "from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}).json()
    assert body["qa"]["inspected"] > 400 and 0 < body["qa"]["avg_score"] <= 100
    assert body["csat"]["answered"] > 50 and 1 <= body["csat"]["avg"] <= 5
