"""The supervisor's reports (issue 15): who sees which figures.

- admin: every department (may filter by any);
- supervisor (客服主管): the orders received by their department (受理部门), its teams and agents; the
  wall view; scheduled reports;
- agent (客服专员): their own figures only (orders they handle, surveys and QA results about them);
  the agent filter is fixed to themselves and no comparison with colleagues is shown;
- QA inspectors and handlers: no reports (QA has its own home; handlers see dispatched cases only).

Exports show customers' phone numbers only to users who may see personal data (kefu.policy.customers).
"""

from django.db.models import Q

from kefu.accounts.models import Role, User


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN or user.is_superuser


def can_see_reports(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active
                and (_is_admin(user) or user.role in {Role.SUPERVISOR, Role.AGENT}))


def can_see_department_reports(user: User) -> bool:
    """Team and agent comparisons, the wall view, filters by any team or agent of the department."""
    return bool(user.is_authenticated and user.is_active and (_is_admin(user) or user.role == Role.SUPERVISOR))


def can_subscribe_reports(user: User) -> bool:
    return can_see_department_reports(user)


def report_ticket_scope(user: User) -> Q:
    """The orders a user's report figures count."""
    if not can_see_reports(user):
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])
    return Q(assignee_id=user.pk)


def report_people_scope(user: User, field: str = "agent") -> Q:
    """Survey answers and QA results a user's figures count, through the agent they are about."""
    if not can_see_reports(user):
        return Q(pk__in=[])
    if _is_admin(user):
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(**{f"{field}__department_id": user.department_id}) if user.department_id else Q(pk__in=[])
    return Q(**{field: user})


def report_fixed_agent(user: User) -> int | None:
    """Agents' figures are always their own: the agent filter is forced to them."""
    return None if can_see_department_reports(user) else user.pk


def report_fixed_department(user: User) -> int | None:
    """Supervisors report on their own department; admins choose."""
    return None if _is_admin(user) else user.department_id


def report_filter_people(user: User):
    """The agents and supervisors a user may pick in the report's agent filter (none for agents)."""
    if not can_see_department_reports(user):
        return User.objects.none()
    people = User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.SUPERVISOR])
    fixed = report_fixed_department(user)
    return people.filter(department_id=fixed) if fixed else people
