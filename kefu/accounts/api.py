"""/api/v1/me and the organisation an integration needs ids from: departments, teams, staff."""

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kefu import policy
from kefu.core.limits import MAX_ID

from . import selectors
from .models import DepartmentKind, Role

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: Role
    department: str | None
    team: str | None
    can_view_personal_data: bool


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    kind: DepartmentKind


class TeamOut(Schema):
    id: int
    name: str
    department_id: int


class StaffOut(Schema):
    """A colleague as every member of staff may see them: no phone, e-mail or login name."""

    id: int
    name: str
    role: Role
    department_id: int | None
    team_id: int | None


@router.get("/me", response=MeOut, summary="The authenticated user")
def me(request):
    user = request.user
    return {
        "id": user.pk, "username": user.username, "name": user.name, "role": user.role,
        "department": str(user.department) if user.department else None,
        "team": user.team.name if user.team else None,
        "can_view_personal_data": user.can_view_personal_data,
    }


@router.get("/departments", response=list[DepartmentOut], summary="Active departments (受理部门 and 责任部门)")
def departments(request: HttpRequest, kind: DepartmentKind | None = None):
    qs = selectors.departments()
    return list(qs.filter(kind=kind) if kind else qs)


@router.get("/teams", response=list[TeamOut], summary="Active teams, optionally of one department")
def teams(request: HttpRequest, department_id: int | None = Query(None, ge=1, le=MAX_ID)):
    return list(selectors.teams(department_id=department_id))


@router.get("/staff", response=list[StaffOut], summary="Active staff, filtered by role and department")
def staff(request: HttpRequest, role: Role | None = None,
          department_id: int | None = Query(None, ge=1, le=MAX_ID)):
    policy.require(policy.can_list_staff(request.user), "无权查看员工列表")
    return [{"id": u.pk, "name": u.name, "role": u.role, "department_id": u.department_id, "team_id": u.team_id}
            for u in selectors.active_staff(role=role, department_id=department_id)]
