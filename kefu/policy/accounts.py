"""The organisation: who may read the staff directory, and how much of it."""

from kefu.accounts.models import Role, User


def can_list_staff(user: User) -> bool:
    """Every signed-in member of staff needs colleagues' names and ids (assign, dispatch, hand over)."""
    return user.is_authenticated and user.is_active


def can_see_staff_usernames(user: User) -> bool:
    """Login names are account data: only administrators and supervisors manage accounts."""
    return user.role in {Role.ADMIN, Role.SUPERVISOR} or user.is_superuser


def can_hand_over_first_responder(user: User) -> bool:
    """A formal hand-over of first-responder ownership is a supervisor's decision."""
    return user.role in {Role.SUPERVISOR, Role.ADMIN}
