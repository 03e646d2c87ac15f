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
