"""Creating and changing users, teams and departments: each a transaction with its audit row."""

import math
import re

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, Role, Team, User
from kefu.accounts.services import user_create
from kefu.complaints.models import ComplaintConfig
from kefu.core.errors import DomainError
from kefu.security.services import two_factor_reset

from .models import OrgChange

USER_FIELDS = ("display_name", "email", "phone", "role", "department", "team", "can_view_personal_data")


def _audit(by: User, kind: str, obj, action: str, changes: dict) -> None:
    OrgChange.objects.create(actor=by, target_kind=kind, target_id=obj.pk, target_label=str(obj)[:120],
                             action=action, changes=changes, at=timezone.now())


def _plain(value: object) -> object:
    return value.pk if hasattr(value, "pk") else value


def _diff(obj, data: dict) -> dict:
    return {f: [_plain(getattr(obj, f)), _plain(v)] for f, v in data.items() if getattr(obj, f) != v}


def _guard(by: User) -> None:
    policy.require(policy.can_manage_org(by), "只有管理员可以管理用户、班组和部门")


def _check_placement(role: str, department: Department | None, team: Team | None,
                     current_team_id: int | None = None) -> None:
    if role not in Role.values:
        raise DomainError(f"未知角色：{role}", field="role")
    if team is not None and department is not None and team.department_id != department.pk:
        raise DomainError(f"班组「{team.name}」不属于{department.name}", field="team")
    if not policy.role_fits_department(role, department):
        raise DomainError("责任部门处理人须属于一个责任部门", field="department")
    if department is not None and not department.is_active:
        raise DomainError(f"部门「{department.name}」已停用", field="department")
    if team is not None and not team.is_active and team.pk != current_team_id:
        raise DomainError(f"班组「{team.name}」已停用", field="team")


@transaction.atomic
def org_user_create(*, by: User, username: str, password: str, role: str, display_name: str = "",
                    department: Department | None = None, team: Team | None = None, email: str = "") -> User:
    _guard(by)
    if not re.fullmatch(r"[\w.@+-]{2,150}", username or ""):
        raise DomainError("用户名须为 2-150 个字母、数字或 @.+-_", field="username")
    if len(password or "") < 8:
        raise DomainError("初始密码至少 8 位", field="password")
    _check_placement(role, department, team)
    user = user_create(username=username, password=password, role=role, display_name=display_name,
                       department=department, team=team, email=email)
    _audit(by, "user", user, "create", {"role": [None, role], "department": [None, _plain(department)]})
    return user


@transaction.atomic
def org_user_update(*, by: User, user: User, **data) -> User:
    _guard(by)
    unknown = set(data) - set(USER_FIELDS)
    if unknown:
        raise DomainError(f"未知字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    user = User.objects.select_for_update().get(pk=user.pk)
    merged = {f: data.get(f, getattr(user, f)) for f in ("role", "department", "team")}
    _check_placement(merged["role"], merged["department"], merged["team"], current_team_id=user.team_id)
    if not policy.may_set_role(by, user, data.get("role", user.role)):
        raise DomainError("不能取消自己的管理员角色", field="role")
    if "role" in data and data["role"] != user.role and "can_view_personal_data" not in data:
        data["can_view_personal_data"] = policy.sees_personal_data_by_default(data["role"])
    changes = _diff(user, data)
    for field, value in data.items():
        setattr(user, field, value)
    user.is_staff = user.is_superuser = policy.grants_admin_site(user.role)
    user.save()
    if changes:
        _audit(by, "user", user, "update", changes)
    return user


@transaction.atomic
def org_user_set_active(*, by: User, user: User, active: bool) -> User:
    _guard(by)
    if user.pk == by.pk and not active:
        raise DomainError("不能停用自己的账号", field="is_active")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit(by, "user", user, "activate" if active else "deactivate", {"is_active": [not active, active]})
    return user


@transaction.atomic
def org_user_set_password(*, by: User, user: User, password: str) -> User:
    _guard(by)
    if len(password or "") < 8:
        raise DomainError("新密码至少 8 位", field="password")
    user.set_password(password)
    user.save(update_fields=["password"])
    _audit(by, "user", user, "password", {})  # never the password itself
    return user


@transaction.atomic
def org_user_reset_two_factor(*, by: User, user: User) -> User:
    """A lost phone: the user's authenticator stops working, they are signed out and enrol again."""
    _guard(by)
    if user.pk == by.pk:
        raise DomainError("不能重置自己的两步验证，请在「两步验证」页面操作", field="two_factor")
    two_factor_reset(by=by, user=user)
    _audit(by, "user", user, "two_factor_reset", {})
    return user


@transaction.atomic
def org_department_save(*, by: User, department: Department | None = None, name: str, code: str,
                        kind: str) -> Department:
    _guard(by)
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise DomainError("部门名称不能为空", field="name")
    if not re.fullmatch(r"[a-z0-9-]{2,40}", code):
        raise DomainError("部门代码须为 2-40 个小写字母、数字或短横线", field="code")
    if kind not in DepartmentKind.values:
        raise DomainError(f"未知部门类型：{kind}", field="kind")
    others = Department.objects.exclude(pk=department.pk if department else None)
    if others.filter(name=name).exists():
        raise DomainError(f"部门名称已存在：{name}", field="name")
    if others.filter(code=code).exists():
        raise DomainError(f"部门代码已存在：{code}", field="code")
    data = {"name": name, "code": code, "kind": kind}
    if department is None:
        department = Department.objects.create(**data)
        _audit(by, "department", department, "create", {k: [None, v] for k, v in data.items()})
        return department
    changes = _diff(department, data)
    for field, value in data.items():
        setattr(department, field, value)
    department.save()
    if changes:
        _audit(by, "department", department, "update", changes)
    return department


@transaction.atomic
def org_department_set_active(*, by: User, department: Department, active: bool) -> Department:
    _guard(by)
    if not active and department.members.filter(is_active=True).exists():
        raise DomainError(f"「{department.name}」还有在职人员，请先调整他们的部门", field="is_active")
    if department.is_active != active:
        department.is_active = active
        department.save(update_fields=["is_active"])
        _audit(by, "department", department, "activate" if active else "deactivate",
               {"is_active": [not active, active]})
    return department


# (lowest, highest) of each complaint time limit: beyond these a typo, not a policy.
LIMIT_RANGES = {"reply_amount": (1, 720), "approve_days": (1, 30), "implement_days": (1, 60),
                "warning_share": (0.05, 1.0)}


@transaction.atomic
def org_complaint_limits_save(*, by: User, reply_amount: float, reply_unit: str, approve_days: int,
                              implement_days: int, warning_share: float) -> ComplaintConfig:
    """New limits apply to complaint clocks started from now on. Running clocks keep the due time they
    started with: it is what the customer was told, and moving it would turn complaints on time a
    minute ago into breached ones (or hide a breach) without anyone acting."""
    _guard(by)
    data = {"reply_amount": reply_amount, "approve_days": approve_days, "implement_days": implement_days,
            "warning_share": warning_share}
    for field, value in data.items():
        low, high = LIMIT_RANGES[field]
        if value is None or not math.isfinite(value) or not low <= value <= high:
            raise DomainError(f"{LIMIT_LABELS[field]}须在 {low:g} 到 {high:g} 之间", field=field)
    if reply_unit not in {"calendar_hours", "business_hours"}:
        raise DomainError(f"未知的答复时限单位：{reply_unit}", field="reply_unit")
    data["reply_unit"] = reply_unit
    config = ComplaintConfig.objects.select_for_update().get(pk=ComplaintConfig.current().pk)
    changes = _diff(config, data)
    if changes:
        for field, value in data.items():
            setattr(config, field, value)
        config.save()
        OrgChange.objects.create(actor=by, target_kind="complaint_limits", target_id=config.pk,
                                 target_label="投诉时限设置", action="update", changes=changes, at=timezone.now())
    return config


LIMIT_LABELS = {"reply_amount": "答复时限", "approve_days": "审批时限", "implement_days": "实施时限",
                "warning_share": "预警比例"}


@transaction.atomic
def org_team_save(*, by: User, team: Team | None = None, name: str, department: Department) -> Team:
    _guard(by)
    name = (name or "").strip()
    if not name:
        raise DomainError("班组名称不能为空", field="name")
    if department is None or not department.is_active:
        raise DomainError("请选择启用中的部门", field="department")
    if Team.objects.filter(department=department, name=name).exclude(pk=team.pk if team else None).exists():
        raise DomainError(f"{department.name}已有班组「{name}」", field="name")
    if team is None:
        team = Team.objects.create(name=name, department=department)
        _audit(by, "team", team, "create", {"name": [None, name], "department": [None, department.pk]})
        return team
    if team.department_id != department.pk and team.members.exists():
        raise DomainError("班组还有成员，不能换部门", field="department")
    changes = _diff(team, {"name": name, "department": department})
    team.name, team.department = name, department
    team.save()
    if changes:
        _audit(by, "team", team, "update", changes)
    return team


@transaction.atomic
def org_team_set_active(*, by: User, team: Team, active: bool) -> Team:
    """A team is retired by deactivating it once nobody works in it: its orders, QA results and history
    keep naming it (deleting it would blank them), pickers hide it and nothing new is assigned to it."""
    _guard(by)
    team = Team.objects.select_for_update().select_related("department").get(pk=team.pk)
    if not active and team.members.filter(is_active=True).exists():
        raise DomainError(f"班组「{team.name}」还有成员，请先调整他们的班组", field="is_active")
    if active and not team.department.is_active:
        raise DomainError(f"部门「{team.department.name}」已停用，请先启用部门", field="is_active")
    if team.is_active != active:
        team.is_active = active
        team.save(update_fields=["is_active"])
        _audit(by, "team", team, "activate" if active else "deactivate", {"is_active": [not active, active]})
    return team
