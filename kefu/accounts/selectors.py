"""Reads of people and organisation: who works where, in which role."""

from django.db.models import QuerySet

from .models import Department, Role, Team, User


def active_in_role(department_id: int | None, role: str) -> QuerySet[User]:
    """The active members of a department in one role (none when there is no department)."""
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(department_id=department_id, role=role, is_active=True)


def active_handlers(department_id: int | None) -> QuerySet[User]:
    """Handlers (处理人) of a responsible department: who hears of orders and complaints sent there."""
    return active_in_role(department_id, Role.HANDLER)


def active_supervisors(department_id: int | None) -> QuerySet[User]:
    return active_in_role(department_id, Role.SUPERVISOR)


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
