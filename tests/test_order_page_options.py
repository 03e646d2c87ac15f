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
