"""The order page's assign and hand-over selects are built in one escaped pass (issue 9): the assignee is
selected, names are escaped, each colleague appears in both lists."""

import pytest

from kefu.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_assign_options_select_the_assignee_and_escape_names(client, desk):
    User.objects.filter(pk=desk.teammate.pk).update(display_name="<b>小王</b>")
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.supervisor)
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<option value="{desk.agent.pk}" selected>' in html
    assert "&lt;b&gt;小王&lt;/b&gt;" in html and "<b>小王</b>" not in html
    assert html.count(">&lt;b&gt;小王&lt;/b&gt;") >= 2  # in both lists


def test_only_the_orders_own_department_is_offered(client, desk):
    """The service refuses an assignee, first responder or team of another department: the page does not
    offer them (it listed every department's agents and teams)."""
    outsider = factories.user(dept=desk.other_service, team=factories.team(desk.other_service, "外部门组"),
                              username="outsider", display_name="外部门客服")
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.supervisor)
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "外部门客服" not in html and f'<option value="{outsider.pk}"' not in html
    assert "外部门组" not in html
    assert f'<option value="{desk.other_agent.pk}"' in html and desk.team_b.name in html


def test_an_assignee_who_moved_department_stays_offered_and_a_team_change_keeps_them(client, desk):
    """The current assignee moved to another department: the page still shows them selected, and changing
    only the team keeps them (it neither unassigns them quietly nor fails on them)."""
    from kefu.tickets.services import ticket_assign

    ticket = factories.ticket(desk.agent)
    User.objects.filter(pk=desk.agent.pk).update(department=desk.other_service, team=None)
    client.force_login(desk.supervisor)
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f'<option value="{desk.agent.pk}" selected>' in html
    ticket.refresh_from_db()
    moved = User.objects.get(pk=desk.agent.pk)
    ticket_assign(ticket=ticket, by=desk.supervisor, assignee=moved, team=desk.team_b)
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.team_id) == (desk.agent.pk, desk.team_b.pk)
