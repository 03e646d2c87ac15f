"""Work orders (工单): who sees, works, assigns and creates them.

- admin: everything;
- supervisor (客服主管): every ticket received by or dispatched to their department;
- agent (客服专员): tickets they own (assignee or first responder) and their team's queue;
- handler (责任部门处理人): tickets dispatched to their department;
- QA inspector (质检员): their department's tickets, read-only.
"""

from django.db.models import Q, QuerySet

from kefu.accounts.models import Role, User
from kefu.tickets.models import Ticket

# The order's visibility columns; a complaint filters on its own copies of them (COMPLAINT_COLUMNS).
ORDER_COLUMNS = {"department": "department_id", "dispatched_to": "dispatched_to_id", "team": "team_id",
                 "assignee": "assignee_id", "first_responder": "first_responder_id"}


def ticket_scope(user: User, columns: dict[str, str] = ORDER_COLUMNS) -> Q:
    """Who sees which order, as a filter on its visibility columns (or on a copy of them: `columns`)."""
    c = columns
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.ADMIN or user.is_superuser:
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(**{c["department"]: user.department_id}) | Q(**{c["dispatched_to"]: user.department_id})
    if user.role == Role.AGENT:
        scope = Q(**{c["assignee"]: user.pk}) | Q(**{c["first_responder"]: user.pk})
        if user.team_id:
            scope |= Q(**{c["team"]: user.team_id})
        return scope
    if user.role == Role.HANDLER:
        return Q(**{c["dispatched_to"]: user.department_id}) if user.department_id else Q(pk__in=[])
    if user.role == Role.QA:
        return Q(**{c["department"]: user.department_id}) if user.department_id else Q(pk__in=[])
    return Q(pk__in=[])


def visible_tickets(user: User) -> QuerySet[Ticket]:
    return Ticket.objects.filter(ticket_scope(user))


def can_view_ticket(user: User, ticket: Ticket) -> bool:
    return visible_tickets(user).filter(pk=ticket.pk).exists()


def can_work_ticket(user: User, ticket: Ticket) -> bool:
    """Reply, note, change status: anyone who sees it except read-only QA."""
    return user.role != Role.QA and can_view_ticket(user, ticket)


def can_assign_ticket(user: User, ticket: Ticket) -> bool:
    """Assign, transfer, merge: service-desk roles, not responsible-department handlers."""
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN} and can_view_ticket(user, ticket)


def can_create_ticket(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


OWNER_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR})


def may_own_tickets(user: User) -> bool:
    """Assignees and first responders are active agents or supervisors (of the order's department: the
    service checks that against the order)."""
    return user.is_active and user.role in OWNER_ROLES


def ticket_owners(department_id: int | None = None) -> QuerySet[User]:
    """Who may be picked as assignee or first responder (the staff dropdowns), optionally of one department."""
    qs = User.objects.filter(is_active=True, role__in=OWNER_ROLES)
    return qs.filter(department_id=department_id) if department_id is not None else qs


def keeps_own_new_tickets(user: User) -> bool:
    """An agent who creates an order without naming an assignee works it; a supervisor leaves it unassigned."""
    return user.role == Role.AGENT


def default_inbox_view(user: User) -> str:
    """An agent's inbox opens on their own orders; everyone else's on all they may see."""
    return "mine" if user.role == Role.AGENT else "all"
