"""Teams are retired by deactivation, not deletion (issue 17): history keeps naming them, pickers hide
them, nothing new is assigned to them, and the change is audited."""

import pytest

from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.org.models import OrgChange
from kefu.org.services import org_team_set_active, org_user_update
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_assign
from tests import factories


@pytest.fixture
def retired(desk):
    """Team B of the desk with one order in it, emptied and retired."""
    ticket = factories.ticket(desk.other_agent, subject="二组的老工单")
    assert ticket.team == desk.team_b
    org_user_update(by=desk.admin, user=desk.other_agent, team=desk.team_a)
    org_team_set_active(by=desk.admin, team=desk.team_b, active=False)
    desk.team_b.refresh_from_db()
    return ticket


def test_a_team_with_people_cannot_be_retired(desk):
    with pytest.raises(DomainError) as error:
        org_team_set_active(by=desk.admin, team=desk.team_a, active=False)
    assert error.value.field == "is_active" and Team.objects.get(pk=desk.team_a.pk).is_active


def test_retired_team_keeps_its_history_and_is_audited(desk, retired):
    team = Team.objects.get(pk=desk.team_b.pk)  # still there
    assert not team.is_active
    assert Ticket.objects.get(pk=retired.pk).team_id == team.pk
    change = OrgChange.objects.get(target_kind="team", action="deactivate")
    assert change.actor == desk.admin and change.changes == {"is_active": [True, False]}


def test_nothing_new_is_assigned_to_a_retired_team(desk, retired):
    ticket = factories.ticket(desk.agent)
    with pytest.raises(DomainError) as error:
        ticket_assign(ticket=ticket, by=desk.supervisor, team=desk.team_b)
    assert error.value.field == "team"
    with pytest.raises(DomainError) as error:
        factories.ticket(desk.agent, team=desk.team_b)
    assert error.value.field == "team"
    with pytest.raises(DomainError) as error:
        org_user_update(by=desk.admin, user=desk.teammate, team=desk.team_b)
    assert error.value.field == "team"


def test_pickers_and_the_api_hide_a_retired_team(desk, retired, client, api_client):
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.supervisor)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert f">{desk.team_a}</option>" in page and f">{desk.team_b}</option>" not in page
    client.force_login(desk.admin)
    user_page = client.get(f"/manage/users/{desk.teammate.pk}/").content.decode()
    assert f">{desk.team_a}</option>" in user_page and f">{desk.team_b}</option>" not in user_page
    ids = [t["id"] for t in api_client.as_user(desk.agent).get("/api/v1/teams").json()]
    assert desk.team_a.pk in ids and desk.team_b.pk not in ids
    # The order that was in it still shows its team.
    assert desk.team_b.name in client.get(f"/tickets/{retired.number}/").content.decode()


def test_api_assignment_to_a_retired_team_is_a_400_naming_the_field(desk, retired, api_client):
    ticket = factories.ticket(desk.agent)
    response = api_client.as_user(desk.supervisor).post(f"/api/v1/tickets/{ticket.number}/assign",
                                                        {"team_id": desk.team_b.pk})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "team"


def test_admin_page_retires_and_restores_a_team(desk, client):
    empty = factories.team(desk.service, "三组")
    client.force_login(desk.admin)
    assert 'data-testid="team-active"' in client.get(f"/manage/teams/{empty.pk}/").content.decode()
    client.post(f"/manage/teams/{empty.pk}/active/", {"active": "0"})
    assert not Team.objects.get(pk=empty.pk).is_active
    assert "已停用" in client.get("/manage/departments/").content.decode()
    client.post(f"/manage/teams/{empty.pk}/active/", {"active": "1"})
    assert Team.objects.get(pk=empty.pk).is_active
    client.force_login(desk.supervisor)
    assert client.post(f"/manage/teams/{empty.pk}/active/", {"active": "0"}).status_code == 403
