"""Standard phrases and the department overview."""

from kefu.accounts.models import Role, User


def can_manage_phrases(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN}


def can_see_overview(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN, Role.QA}
