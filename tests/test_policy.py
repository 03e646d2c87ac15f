"""The permission matrix: each role against each kind of object."""

import pytest

from kefu import policy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(desk):
    own = factories.ticket(desk.agent, subject="自己的工单")
    teammates = factories.ticket(desk.teammate, subject="同组的工单")
    other_team = factories.ticket(desk.other_agent, subject="二组的工单")
    from kefu.tickets.services import ticket_dispatch

    dispatched = factories.ticket(desk.other_agent, subject="转售后部的工单")
    ticket_dispatch(ticket=dispatched, by=desk.other_agent, department=desk.aftersales)
    other_dept = factories.ticket(desk.other_supervisor, subject="别的客服部的工单")
    return {"own": own, "teammates": teammates, "other_team": other_team, "dispatched": dispatched,
            "other_dept": other_dept}


# role -> the orders it must see; every other order must be invisible.
MATRIX = {
    "agent": {"own", "teammates"},
    "other_agent": {"other_team", "dispatched"},
    "supervisor": {"own", "teammates", "other_team", "dispatched"},
    "other_supervisor": {"other_dept"},
    "qa": {"own", "teammates", "other_team", "dispatched"},
    "handler": {"dispatched"},
    "other_handler": set(),
    "admin": {"own", "teammates", "other_team", "dispatched", "other_dept"},
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_ticket_visibility_matrix(desk, orders, who):
    user = getattr(desk, who)
    seen = {name for name, t in orders.items() if policy.can_view_ticket(user, t)}
    assert seen == MATRIX[who]
    listed = set(policy.visible_tickets(user).values_list("subject", flat=True))
    assert listed == {orders[name].subject for name in MATRIX[who]}


def test_qa_reads_but_cannot_work(desk, orders):
    assert policy.can_view_ticket(desk.qa, orders["own"])
    assert not policy.can_work_ticket(desk.qa, orders["own"])


def test_handler_can_work_dispatched_but_not_reassign(desk, orders):
    assert policy.can_work_ticket(desk.handler, orders["dispatched"])
    assert not policy.can_assign_ticket(desk.handler, orders["dispatched"])


def test_only_service_roles_create_tickets(desk):
    assert policy.can_create_ticket(desk.agent)
    assert policy.can_create_ticket(desk.supervisor)
    assert not policy.can_create_ticket(desk.qa)
    assert not policy.can_create_ticket(desk.handler)


def test_handler_sees_only_customers_of_dispatched_orders(desk, orders):
    unrelated = factories.customer(desk.agent, name="无关客户")  # created in the agent's department
    assert policy.can_view_customer(desk.handler, orders["dispatched"].customer)
    assert not policy.can_view_customer(desk.handler, unrelated)
    assert policy.can_view_customer(desk.agent, unrelated)


def test_personal_data_permission_by_role_and_override(desk):
    assert policy.can_view_personal_data(desk.agent)
    assert policy.can_view_personal_data(desk.supervisor)
    assert not policy.can_view_personal_data(desk.qa)
    assert not policy.can_view_personal_data(desk.handler)
    desk.agent.can_view_personal_data = False
    assert not policy.can_view_personal_data(desk.agent)


def test_phrases_managed_by_supervisors_only(desk):
    assert policy.can_manage_phrases(desk.supervisor)
    assert policy.can_manage_phrases(desk.admin)
    assert not policy.can_manage_phrases(desk.agent)
