"""A complaint's copies of its order's visibility columns (kefu.complaints.visibility) stay equal to the
order's through every move (assign, transfer, dispatch, hand-over, a deleted team), so the complaints a user
sees and 投诉分析's figures read from them equal the live computation through the orders (issue 9); the
customer copy follows a customer merge."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from kefu import policy
from kefu.complaints import analysis
from kefu.complaints import services as cs
from kefu.complaints.models import Complaint
from kefu.complaints.models import ComplaintState as S
from kefu.complaints.selectors import visible_complaints
from kefu.complaints.visibility import COPIED
from kefu.customers.merge import customer_merge
from kefu.tickets import services as ts
from kefu.tickets.models import Ticket
from tests import factories
from tests.test_complaint_step_hours import live_step_hours
from tests.test_complaint_support import received, walk_to

pytestmark = pytest.mark.django_db


def people(desk) -> list:
    return [desk.agent, desk.teammate, desk.other_agent, desk.supervisor, desk.other_supervisor, desk.qa,
            desk.handler, desk.other_handler, desk.admin]


def live_visible(user):
    """What visible_complaints answered before: the complaints of the orders the user sees."""
    return Complaint.objects.filter(ticket__in=policy.visible_tickets(user).values("pk"))


def live_repeat_customers(qs) -> list[tuple[str, int]]:
    """What the analysis counted before: each complaint joined to its order's customer."""
    rows = (qs.values("ticket__customer__name", "ticket__customer_id").annotate(n=Count("id"))
            .filter(n__gt=1).order_by("-n", "ticket__customer__name")[:20])
    return [(row["ticket__customer__name"], row["n"]) for row in rows]


def assert_copies_equal_orders() -> None:
    for complaint in Complaint.objects.select_related("ticket"):
        assert {c: getattr(complaint, c) for c in COPIED.values()} == {
            c: getattr(complaint.ticket, o) for o, c in COPIED.items()}, complaint.ticket.number


def assert_same_as_live(desk) -> None:
    assert_copies_equal_orders()
    for user in people(desk):
        new, old = visible_complaints(user), live_visible(user)
        assert sorted(new.values_list("pk", flat=True)) == sorted(old.values_list("pk", flat=True)), user.username
        if policy.can_see_complaint_analysis(user):
            expected = analysis.complaint_analysis(old)
            expected.step_hours = live_step_hours(old)
            expected.repeat_customers = live_repeat_customers(old)
            assert analysis.complaint_analysis(new) == expected, user.username


def test_a_new_complaint_copies_its_order(desk):
    complaint = received(desk)
    assert complaint.order_department_id == desk.service.pk and complaint.order_assignee_id == desk.agent.pk
    order = factories.ticket(desk.teammate, type="complaint")
    on_existing = cs.complaint_receive(by=desk.teammate, ticket=order)
    assert on_existing.order_first_responder_id == desk.teammate.pk and on_existing.order_team_id == desk.team_a.pk
    bare = Complaint.objects.create(ticket=factories.ticket(desk.other_agent), received_at=order.created_at)
    assert bare.order_team_id == desk.team_b.pk  # whichever path creates one
    assert_copies_equal_orders()


def test_copies_follow_the_order_through_moves_and_the_figures_equal_the_live_ones(desk):
    moving = walk_to(desk, S.RECORDED)
    walk_to(desk, S.SUMMARISED)
    walk_to(desk, S.PROPOSED)
    other = received(desk)
    assert_same_as_live(desk)

    ts.ticket_assign(ticket=moving.ticket, by=desk.supervisor, assignee=desk.other_agent, team=desk.team_b)
    assert_same_as_live(desk)  # the first agent still sees it (first responder), the second team now too
    ts.ticket_hand_over(ticket=moving.ticket, by=desk.supervisor, to=desk.teammate, reason="调岗",
                        customer_told=True)
    assert_same_as_live(desk)
    cs.complaint_dispatch(complaint=Complaint.objects.get(pk=moving.pk), by=desk.teammate,
                          department=desk.logistics)  # the order follows the complaint's dispatch
    assert Ticket.objects.get(pk=moving.ticket_id).dispatched_to_id == desk.logistics.pk
    assert_same_as_live(desk)
    assert visible_complaints(desk.other_handler).filter(pk=moving.pk).exists()

    customer_merge(source=other.ticket.customer, target=moving.ticket.customer, by=desk.supervisor)
    assert analysis.repeat_customers(visible_complaints(desk.supervisor)) == [(moving.ticket.customer.name, 2)]
    assert_same_as_live(desk)

    third = factories.team(desk.service, "三组")
    ts.ticket_assign(ticket=other.ticket, by=desk.supervisor, assignee=None, team=third)
    assert Complaint.objects.get(pk=other.pk).order_team_id == third.pk
    third.delete()  # the order's team is set to NULL, and so is the copy
    assert Complaint.objects.get(pk=other.pk).order_team_id is None
    assert_same_as_live(desk)


def test_saving_an_order_without_a_move_writes_nothing_to_its_complaint(desk):
    complaint = received(desk)
    order = Ticket.objects.get(pk=complaint.ticket_id)
    stamp = Complaint.objects.get(pk=complaint.pk).updated_at
    order.subject = "投诉：瓷砖划痕（已核实）"
    order.save(update_fields=["subject"])
    with CaptureQueriesContext(connection) as saved:
        order.save()
    touching = [q["sql"] for q in saved.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("UPDATE")  # ... WHERE a copy differs: none did
    assert Complaint.objects.get(pk=complaint.pk).updated_at == stamp


def test_the_migration_fill_gives_every_complaint_its_order_columns_and_spans(desk):
    """complaints 0006's fill, as `migrate` runs it on this database's vendor (SQLite: per complaint;
    PostgreSQL: two UPDATE ... FROM), on complaints written before the copies and spans existed."""
    from importlib import import_module

    from django.apps import apps

    from kefu.complaints.models import ComplaintStep
    from tests.test_complaint_step_hours import live_spans, stored_spans

    walk_to(desk, S.SUMMARISED)
    moved = received(desk)
    ts.ticket_assign(ticket=moved.ticket, by=desk.supervisor, assignee=desk.other_agent, team=desk.team_b)
    Complaint.objects.update(**dict.fromkeys(COPIED.values()))
    ComplaintStep.objects.update(span=None)

    class Editor:  # what RunPython hands the function: the connection and execute()
        connection = connection

        def execute(self, sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    import_module("kefu.complaints.migrations.0006_order_visibility_and_step_spans").fill(apps, Editor())
    assert_copies_equal_orders()
    ids = list(Complaint.objects.values_list("pk", flat=True))
    assert stored_spans(ids) == live_spans(ids) and ComplaintStep.objects.filter(span__isnull=False).exists()
    assert_same_as_live(desk)
