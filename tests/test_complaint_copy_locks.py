"""An order moved while its complaint takes a step, at the same instant on PostgreSQL: both go through and
the complaint's copies end equal to the order's (kefu/complaints/visibility.py).

Moving an order (assign, transfer, hand-over) locks the order, then updates its complaint's copies, which
waits for the complaint's row lock; a complaint step locks the complaint and then, when it moves or closes
the order (dispatch, reject, close), the order. Taken in opposite orders, the two locks deadlocked and
PostgreSQL aborted one of the two requests."""

import threading
import time

import pytest
from django.db import connection, connections

from kefu.complaints import services as cs
from kefu.complaints.models import Complaint, ComplaintState
from kefu.complaints.visibility import COPIED
from kefu.tickets import services as ts
from kefu.tickets.models import Ticket
from tests.test_complaint_support import ensure_seed_data, walk_to

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(actions: dict) -> dict[str, str]:
    """Runs each action on a thread of its own, all at once; returns "ok" or the exception per name (a
    deadlock is what these tests look for). Each thread closes its connections."""
    outcomes: dict[str, str] = {}

    def run(name: str, action) -> None:
        try:
            action()
            outcomes[name] = "ok"
        except Exception as exc:  # noqa: BLE001
            outcomes[name] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_an_order_assigned_while_its_complaint_is_dispatched_both_go_through(desk, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    ensure_seed_data()
    complaint = walk_to(desk, ComplaintState.RECORDED)
    assigning = threading.Event()
    follow = ts.ticket_follow_complaint_dispatch

    def follow_later(**kwargs) -> None:  # the dispatch holds its complaint's lock when the assignment starts
        assigning.wait(5)
        time.sleep(0.5)
        follow(**kwargs)

    monkeypatch.setattr(ts, "ticket_follow_complaint_dispatch", follow_later)

    def assign() -> None:
        time.sleep(0.2)
        assigning.set()
        ts.ticket_assign(ticket=Ticket.objects.get(pk=complaint.ticket_id), by=desk.supervisor,
                         assignee=desk.other_agent, team=desk.team_b)

    outcomes = run_together({"dispatch": lambda: cs.complaint_dispatch(
        complaint=complaint, by=desk.agent, department=desk.logistics), "assign": assign})
    assert outcomes == {"dispatch": "ok", "assign": "ok"}
    order, copy = Ticket.objects.get(pk=complaint.ticket_id), Complaint.objects.get(pk=complaint.pk)
    assert (order.assignee_id, order.dispatched_to_id) == (desk.other_agent.pk, desk.logistics.pk)
    assert {c: getattr(copy, c) for c in COPIED.values()} == {c: getattr(order, o) for o, c in COPIED.items()}


def test_an_order_assigned_while_a_complaint_is_registered_on_it_leaves_the_copies_right(desk, monkeypatch):
    """Registering a complaint on an existing order reads the order's columns for the copies; an assignment
    committed between that read and the complaint's commit found no complaint to update, and the copies
    kept the old assignee."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    from kefu.complaints import flow
    from tests import factories

    ensure_seed_data()
    order = factories.ticket(desk.agent, type="complaint")
    inserted, assigned = threading.Event(), threading.Event()
    append = flow.append_step

    def append_later(**kwargs):  # the complaint row is written, not yet committed
        inserted.set()
        assigned.wait(2)
        return append(**kwargs)

    monkeypatch.setattr(flow, "append_step", append_later)

    def assign() -> None:
        inserted.wait(5)
        ts.ticket_assign(ticket=Ticket.objects.get(pk=order.pk), by=desk.supervisor, assignee=desk.other_agent,
                         team=desk.team_b)
        assigned.set()

    outcomes = run_together({"register": lambda: cs.complaint_receive(by=desk.agent, ticket=order),
                             "assign": assign})
    assert outcomes == {"register": "ok", "assign": "ok"}
    order, copy = Ticket.objects.get(pk=order.pk), Complaint.objects.get(ticket_id=order.pk)
    assert order.assignee_id == desk.other_agent.pk
    assert {c: getattr(copy, c) for c in COPIED.values()} == {c: getattr(order, o) for o, c in COPIED.items()}
