"""In-app administration of users, teams and departments: admins only, every change audited."""

import pytest

from kefu.accounts.models import Department, Role, Team, User
from kefu.core.errors import DomainError, Forbidden
from kefu.org.models import OrgChange
from kefu.org.services import (
    org_department_save,
    org_department_set_active,
    org_team_save,
    org_team_set_active,
    org_user_create,
    org_user_set_active,
    org_user_update,
)

pytestmark = pytest.mark.django_db


def test_admin_creates_edits_and_deactivates_a_user_with_audit(desk):
    user = org_user_create(by=desk.admin, username="xiaowang", password="start-pass-1", role=Role.AGENT,
                           display_name="小王", department=desk.service, team=desk.team_a)
    assert user.check_password("start-pass-1") and user.can_view_personal_data
    org_user_update(by=desk.admin, user=user, role=Role.QA, team=None)
    user.refresh_from_db()
    assert user.role == Role.QA and not user.can_view_personal_data  # QA sees personal data masked
    org_user_set_active(by=desk.admin, user=user, active=False)
    assert not User.objects.get(pk=user.pk).is_active
    actions = list(OrgChange.objects.filter(target_kind="user", target_id=user.pk).values_list("action", flat=True))
    assert sorted(actions) == ["create", "deactivate", "update"]
    update = OrgChange.objects.get(target_id=user.pk, action="update")
    assert update.actor == desk.admin and update.changes["role"] == ["agent", "qa"]


def test_placement_rules_name_the_field(desk):
    with pytest.raises(DomainError) as err:
        org_user_create(by=desk.admin, username="h1", password="start-pass-1", role=Role.HANDLER,
                        department=desk.service)
    assert err.value.field == "department"
    with pytest.raises(DomainError) as err:
        org_user_create(by=desk.admin, username="a1", password="start-pass-1", role=Role.AGENT,
                        department=desk.aftersales, team=desk.team_a)
    assert err.value.field == "team"
    with pytest.raises(DomainError):
        org_user_set_active(by=desk.admin, user=desk.admin, active=False)  # not oneself


def test_only_admins(desk):
    with pytest.raises(Forbidden):
        org_user_create(by=desk.supervisor, username="x1", password="start-pass-1", role=Role.AGENT)


def test_departments_and_teams(desk):
    dept = org_department_save(by=desk.admin, name="安装部", code="install", kind="responsible")
    team = org_team_save(by=desk.admin, name="东区", department=dept)
    org_team_save(by=desk.admin, team=team, name="东区一组", department=dept)
    assert Team.objects.get(pk=team.pk).name == "东区一组"
    with pytest.raises(DomainError):
        org_department_save(by=desk.admin, name="安装部", code="install2", kind="responsible")
    with pytest.raises(DomainError):
        org_department_set_active(by=desk.admin, department=desk.service, active=False)  # has members
    org_department_set_active(by=desk.admin, department=dept, active=False)
    assert not Department.objects.get(pk=dept.pk).is_active
    org_team_set_active(by=desk.admin, team=team, active=False)
    kinds = set(OrgChange.objects.values_list("target_kind", "action"))
    assert {("department", "create"), ("team", "create"), ("team", "update"), ("department", "deactivate"),
            ("team", "deactivate")} <= kinds


def test_pages_for_admins_only(client, desk):
    client.force_login(desk.supervisor)
    assert client.get("/manage/users/").status_code == 403
    client.force_login(desk.admin)
    html = client.get("/manage/users/").content.decode()
    assert desk.agent.username in html and "/manage/users/" in client.get("/tickets/").content.decode()
    response = client.post("/manage/users/new/", {"username": "newbie", "password": "start-pass-1",
                                                  "role": "agent", "department": desk.service.pk})
    assert response.status_code == 302 and User.objects.filter(username="newbie").exists()
    response = client.post("/manage/users/new/", {"username": "bad", "password": "short", "role": "agent"})
    assert "至少 8 位" in response.content.decode()
    client.post(f"/manage/users/{desk.agent.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=desk.agent.pk).is_active
    assert "deactivate" in client.get("/manage/changes/").content.decode()


def test_department_and_team_pages_save_and_name_the_error(client, desk):
    client.force_login(desk.admin)
    response = client.post("/manage/departments/new/", {"name": "安装部", "code": "install", "kind": "responsible"})
    assert response.status_code == 302 and response.url.endswith("/manage/departments/")
    dept = Department.objects.get(code="install")
    again = client.post("/manage/departments/new/", {"name": "安装部", "code": "install2", "kind": "responsible"})
    assert again.status_code == 200 and "部门名称已存在：安装部" in again.content.decode()
    assert Department.objects.filter(name="安装部").count() == 1
    response = client.post("/manage/teams/new/", {"name": "东区", "department": dept.pk})
    assert response.status_code == 302 and Team.objects.filter(name="东区", department=dept).exists()
    team = Team.objects.get(name="东区")
    response = client.post(f"/manage/teams/{team.pk}/", {"name": "东区一组", "department": dept.pk})
    assert response.status_code == 302 and Team.objects.get(pk=team.pk).name == "东区一组"
