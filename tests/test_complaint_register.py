"""complaint_register: the one multi-step write behind 登记投诉 on the page and POST /api/v1/complaints."""

import pytest

from kefu.complaints import services as cs
from kefu.complaints.models import Complaint, ComplaintState
from kefu.core.errors import DomainError
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket
from tests.test_complaint_support import record_data


def test_register_with_a_new_customer_and_record_in_one_step(desk):
    c = cs.complaint_register(by=desk.agent, new_customer={"name": "吴女士", "phones": ["13600001111"]},
                              subject="瓷砖色差", record=record_data())
    assert c.state == ComplaintState.RECORDED and c.ticket.customer.name == "吴女士"
    assert c.ticket.first_responder == desk.agent


def test_a_refused_record_leaves_nothing_half_written(desk):
    before = (Customer.objects.count(), Ticket.objects.count(), Complaint.objects.count())
    with pytest.raises(DomainError) as refused:
        cs.complaint_register(by=desk.agent, new_customer={"name": "吴女士", "phones": ["13600001111"]},
                              subject="瓷砖色差", record=record_data(demand=""))
    assert refused.value.field == "demand"
    assert (Customer.objects.count(), Ticket.objects.count(), Complaint.objects.count()) == before
