"""Working-day calendars and SLA pages."""

from kefu.accounts.models import Role, User


def can_see_calendars(user: User) -> bool:
    return user.is_authenticated and (user.role in {Role.ADMIN, Role.SUPERVISOR} or user.is_superuser)


def can_edit_calendars(user: User) -> bool:
    return user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser)


def can_see_year_banner(user: User, *, on_calendar_pages: bool) -> bool:
    """The missing-year banner: admins everywhere, supervisors on calendar and overview pages only."""
    return user.role == Role.ADMIN or (user.role == Role.SUPERVISOR and on_calendar_pages)
