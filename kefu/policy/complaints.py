"""Complaints (投诉处理): who registers them and who takes each step."""

from django.db.models import Q

from kefu.accounts.models import Role, User
from kefu.complaints.models import Complaint
from kefu.policy.tickets import ORDER_COLUMNS, can_view_ticket, ticket_scope
from kefu.tickets.models import Ticket

# Actor kinds of the complaint flow (kefu.complaints.models.Actor), with the refusal each one gets.
COMPLAINT_ACTOR_REFUSALS = {
    "service": "只有客服人员（客服专员、客服主管）可以执行此步骤",
    "handler": "只有被派发的责任部门的处理人可以执行此步骤",
    "supervisor": "只有客服主管可以执行此步骤（审批、退回、总结评价）",
}


# A complaint's copies of its order's visibility columns (kept by kefu.complaints.visibility).
COMPLAINT_COLUMNS = {name: f"order_{column}" for name, column in ORDER_COLUMNS.items()}


def complaint_scope(user: User) -> Q:
    """The complaints a user sees: exactly those of the orders they see (ticket_scope), read from the
    complaint's own columns so no list or figure joins every visible order."""
    return ticket_scope(user, COMPLAINT_COLUMNS)


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


def can_see_complaints(user: User) -> bool:
    """The complaint pages (each complaint is then visible with its work order)."""
    return user.is_authenticated and user.is_active


def handler_queue_scope(user: User) -> Q:
    """责任部门待办: a handler sees the complaints dispatched to their own department; service staff see all
    they may see (the list is already scoped by visible_tickets)."""
    return Q(dispatched_to_id=user.department_id) if user.role == Role.HANDLER else Q()


def default_complaint_queue(user: User) -> str:
    """The complaint list opens on the queue the role works: handlers' 待办, supervisors' 待审批, agents' own."""
    return {Role.HANDLER: "handler", Role.SUPERVISOR: "approval", Role.AGENT: "mine"}.get(user.role, "all")
