"""In-app administration of users, teams and departments (组织管理)."""

from kefu.accounts.models import Role, User


def can_manage_org(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role == Role.ADMIN or user.is_superuser))
