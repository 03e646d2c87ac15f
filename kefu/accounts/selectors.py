"""Reads of people and organisation: who works where, in which role. Who acts for a department (its
handlers, its supervisors) is a role decision and lives in kefu/policy/accounts.py."""

from django.db.models import QuerySet

from .models import Department, Team, User


def departments(*, active_only: bool = True) -> QuerySet[Department]:
    qs = Department.objects.order_by("kind", "name")
    return qs.filter(is_active=True) if active_only else qs


def teams(*, department_id: int | None = None, active_only: bool = True) -> QuerySet[Team]:
    qs = Team.objects.select_related("department").order_by("department__name", "name")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.filter(department_id=department_id) if department_id else qs


def active_staff(*, role: str | None = None, department_id: int | None = None) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True).exclude(role="").order_by("department_id", "role", "id")
    if role:
        qs = qs.filter(role=role)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs


def active_handlers(department_id: int | None) -> QuerySet[User]:
    """Kept for callers written before the move: who acts for a department is policy's answer."""
    from kefu import policy

    return policy.active_handlers(department_id)


def active_supervisors(department_id: int | None) -> QuerySet[User]:
    """Kept for callers written before the move: who acts for a department is policy's answer."""
    from kefu import policy

    return policy.active_supervisors(department_id)
