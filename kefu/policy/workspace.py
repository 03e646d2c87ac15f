"""Standard phrases and the department overview."""

from django.db.models import QuerySet

from kefu.accounts.models import Role, User


def can_manage_phrases(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN}


def can_see_overview(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN, Role.QA}


def can_work_in_bulk(user: User) -> bool:
    """Select many in the inbox and assign, change status or merge; 领取 an unassigned order. Each order
    is still checked by its own service (can_assign_ticket, can_work_ticket)."""
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def seats() -> QuerySet[User]:
    """坐席负载 on the overview: active agents only (a supervisor is not part of the agents' load)."""
    return User.objects.filter(is_active=True, role=Role.AGENT)
