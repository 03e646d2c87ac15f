"""Who may see and do what: every role and object check of Kefu lives here.

Views, API handlers and services ask this module; nothing else decides visibility.
- admin: everything;
- supervisor (客服主管): every ticket received by or dispatched to their department;
- agent (客服专员): tickets they own (assignee or first responder) and their team's queue;
- handler (责任部门处理人): tickets dispatched to their department;
- QA inspector (质检员): their department's tickets, read-only.
"""

from django.db.models import Q, QuerySet

from kefu.accounts.models import Role, User
from kefu.complaints.models import Complaint
from kefu.core.errors import Forbidden
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


def ticket_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.ADMIN or user.is_superuser:
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(department_id=user.department_id) | Q(dispatched_to_id=user.department_id)
    if user.role == Role.AGENT:
        scope = Q(assignee=user) | Q(first_responder=user)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
        return scope
    if user.role == Role.HANDLER:
        return Q(dispatched_to_id=user.department_id) if user.department_id else Q(pk__in=[])
    if user.role == Role.QA:
        return Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])
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


def customer_scope(user: User) -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.HANDLER:
        return Q(tickets__dispatched_to_id=user.department_id) if user.department_id else Q(pk__in=[])
    return Q()


def visible_customers(user: User) -> QuerySet[Customer]:
    scope = customer_scope(user)
    qs = Customer.objects.filter(scope)
    return qs.distinct() if scope else qs


def can_view_customer(user: User, customer: Customer) -> bool:
    return visible_customers(user).filter(pk=customer.pk).exists()


def can_edit_customer(user: User) -> bool:
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


def can_view_personal_data(user: User) -> bool:
    return bool(user.is_authenticated and (user.can_view_personal_data or user.is_superuser))


def can_manage_phrases(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN}


def can_see_overview(user: User) -> bool:
    return user.role in {Role.SUPERVISOR, Role.ADMIN, Role.QA}


def require(allowed: bool, message: str = "您没有权限执行此操作") -> None:
    if not allowed:
        raise Forbidden(message)


# ---- complaints (投诉处理) -------------------------------------------------------------------
# Actor kinds of the complaint flow (kefu.complaints.models.Actor), with the refusal each one gets.
COMPLAINT_ACTOR_REFUSALS = {
    "service": "只有客服人员（客服专员、客服主管）可以执行此步骤",
    "handler": "只有被派发的责任部门的处理人可以执行此步骤",
    "supervisor": "只有客服主管可以执行此步骤（审批、退回、总结评价）",
}


def can_register_complaint(user: User, ticket: Ticket) -> bool:
    """登记投诉 on an existing work order: customer service (or admin) who can see the order."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    return user.role in {Role.AGENT, Role.SUPERVISOR} and can_view_ticket(user, ticket)


def can_act_on_complaint(user: User, complaint: Complaint, actor: str, *, visible: bool | None = None) -> bool:
    """Whether user may take a complaint step meant for `actor`; admin may take every step.

    Handlers are those of the department the COMPLAINT was dispatched to (its 投诉处理单), never
    whatever the work order says, so the flow alone decides who analyses and proposes.
    visible=True says the caller already read the complaint through visible_tickets(user) (saves a
    query per row on lists).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    if actor == "service":
        return user.role in {Role.AGENT, Role.SUPERVISOR} and bool(visible or can_view_ticket(user, complaint.ticket))
    if actor == "handler":
        return (user.role == Role.HANDLER and user.department_id is not None
                and user.department_id == complaint.dispatched_to_id)
    if actor == "supervisor":
        return user.role == Role.SUPERVISOR and bool(visible or can_view_ticket(user, complaint.ticket))
    return False


def can_see_complaint_analysis(user: User) -> bool:
    return user.is_authenticated and user.role in {Role.SUPERVISOR, Role.ADMIN, Role.QA}
