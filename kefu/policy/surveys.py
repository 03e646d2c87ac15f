"""Satisfaction surveys (满意度调查): who sees a work order's survey, sends one, and edits questionnaires.

- seeing a survey and its answers follows the work order (anyone who sees the order);
- sending one: service-desk roles (agent, supervisor, admin) who may work the order;
- questionnaires and sending rules: supervisors and admins.
"""

from kefu.accounts.models import Role, User
from kefu.policy.tickets import can_view_ticket, can_work_ticket
from kefu.tickets.models import Ticket


def can_view_survey(user: User, ticket: Ticket) -> bool:
    return can_view_ticket(user, ticket)


def can_send_survey(user: User, ticket: Ticket) -> bool:
    return user.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN} and can_work_ticket(user, ticket)


def can_manage_questionnaires(user: User) -> bool:
    return user.is_authenticated and (user.role in {Role.SUPERVISOR, Role.ADMIN} or user.is_superuser)
