"""The demo step: complaints in every state of the flow, some overdue, one in its second round; idempotent."""

import random

import pytest
from django.utils import timezone

from kefu.accounts.models import DepartmentKind, Role
from kefu.complaints.demo import demo_complaints
from kefu.complaints.models import Complaint, ComplaintState
from kefu.complaints.selectors import overdue_q
from tests import factories
from tests.test_complaint_support import ensure_seed_data

pytestmark = pytest.mark.django_db


def _people() -> dict:
    service = factories.department("客服部演示", DepartmentKind.SERVICE)
    team = factories.team(service, "一组")
    after_sales = factories.department("售后部演示", DepartmentKind.RESPONSIBLE)
    logistics = factories.department("物流部演示", DepartmentKind.RESPONSIBLE)
    return {
        "lina": factories.user(Role.AGENT, dept=service, team=team, username="lina"),
        "wangzg": factories.user(Role.SUPERVISOR, dept=service, username="wangzg"),
        "zhaosh": factories.user(Role.HANDLER, dept=after_sales, username="zhaosh"),
        "sunwl": factories.user(Role.HANDLER, dept=logistics, username="sunwl"),
    }


def test_demo_has_every_state_some_overdue_and_runs_once():
    ensure_seed_data()
    people = _people()
    customers = [factories.customer(people["lina"]) for _ in range(8)]
    now = timezone.now()
    demo_complaints(people=people, customers=customers, rng=random.Random(1), now=now)
    states = set(Complaint.objects.values_list("state", flat=True))
    assert states == set(ComplaintState.values)
    overdue = Complaint.objects.filter(overdue_q(now))
    assert overdue.filter(first_reply_at__isnull=True).count() >= 2
    assert overdue.filter(state=ComplaintState.NOTIFIED).exists()  # implementation past its 5 working days
    assert Complaint.objects.filter(round=2).exists()
    assert all(c.received_at <= c.steps.order_by("-created_at").first().created_at <= now
               for c in Complaint.objects.all())
    count = Complaint.objects.count()
    demo_complaints(people=people, customers=customers, rng=random.Random(1), now=now)
    assert Complaint.objects.count() == count


def test_demo_numbers_carry_the_receipt_date_and_contacts_use_the_customers_own_phone():
    ensure_seed_data()
    people = _people()
    customers = [factories.customer(people["lina"]) for _ in range(8)]
    demo_complaints(people=people, customers=customers, rng=random.Random(2), now=timezone.now())
    complaints = Complaint.objects.select_related("ticket", "ticket__customer")
    assert len({c.received_at.date() for c in complaints}) > 5  # spread over weeks, not one day
    for c in complaints:
        assert c.ticket.number[2:10] == timezone.localtime(c.received_at).strftime("%Y%m%d")
        assert c.ticket.created_at == c.received_at
        if c.state != ComplaintState.RECEIVED:  # recorded ones carry a contact phone
            assert c.contact_phone == c.ticket.customer.primary_phone != ""
