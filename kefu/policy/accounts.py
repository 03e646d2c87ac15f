"""The organisation: who may read the staff directory, and how much of it; which role an account may hold
and what it grants by default; who acts for a department."""

from django.db.models import QuerySet

from kefu.accounts.models import Department, DepartmentKind, Role, User

# Roles that see customers' phone numbers unmasked unless an admin changes it per user.
PERSONAL_DATA_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})


def can_list_staff(user: User) -> bool:
    """Every signed-in member of staff needs colleagues' names and ids (assign, dispatch, hand over)."""
    return user.is_authenticated and user.is_active


def can_see_staff_usernames(user: User) -> bool:
    """Login names are account data: only administrators and supervisors manage accounts."""
    return user.role in {Role.ADMIN, Role.SUPERVISOR} or user.is_superuser


def can_hand_over_first_responder(user: User) -> bool:
    """A formal hand-over of first-responder ownership is a supervisor's decision."""
    return user.role in {Role.SUPERVISOR, Role.ADMIN}


def can_use_admin_site(user: User) -> bool:
    """The Django admin (系统管理) link: the admin site's own gate is is_staff, which only the admin role gets."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def sees_personal_data_by_default(role: str) -> bool:
    """A new account (or one whose role changes) sees personal data unmasked when its role needs it."""
    return role in PERSONAL_DATA_ROLES


def grants_admin_site(role: str) -> bool:
    """Administrators also get Django's is_staff / is_superuser (the admin site and its permissions)."""
    return role == Role.ADMIN


def role_fits_department(role: str, department: Department | None) -> bool:
    """A responsible-department handler (处理人) belongs to a responsible department."""
    return role != Role.HANDLER or (department is not None and department.kind == DepartmentKind.RESPONSIBLE)


def may_set_role(by: User, user: User, role: str) -> bool:
    """An administrator never removes their own admin role (the installation would lose its last key)."""
    return user.pk != by.pk or role == Role.ADMIN


def _active_in_role(department_id: int | None, role: str) -> QuerySet[User]:
    if department_id is None:
        return User.objects.none()
    return User.objects.filter(department_id=department_id, role=role, is_active=True)


def active_handlers(department_id: int | None) -> QuerySet[User]:
    """Handlers (处理人) of a responsible department: who hears of orders and complaints sent there."""
    return _active_in_role(department_id, Role.HANDLER)


def active_supervisors(department_id: int | None) -> QuerySet[User]:
    """Supervisors of a department: who hears of late orders, complaints to approve, survey alerts."""
    return _active_in_role(department_id, Role.SUPERVISOR)
