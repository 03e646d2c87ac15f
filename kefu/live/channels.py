"""Who hears what: the channel names a change is published on, and the channels a user may listen to.
Visibility of a work order is decided by policy; a channel only narrows who is woken up."""

from kefu import policy
from kefu.accounts.models import User


def ticket_channels(ticket) -> list[str]:
    """Everyone whose inbox or order page may show this order."""
    names = [f"ticket:{ticket.pk}", f"dept:{ticket.department_id}"]
    if ticket.dispatched_to_id:
        names.append(f"dept:{ticket.dispatched_to_id}")
    if ticket.team_id:
        names.append(f"team:{ticket.team_id}")
    for user_id in {ticket.assignee_id, ticket.first_responder_id} - {None}:
        names.append(f"user:{user_id}")
    return names


def user_channels(user: User) -> list[str]:
    names = [f"user:{user.pk}"]
    if policy.hears_department(user):
        names.append(f"dept:{user.department_id}")
    if policy.hears_team(user):
        names.append(f"team:{user.team_id}")
    if policy.can_chat(user) and user.department_id:
        names.append(f"chatq:{user.department_id}")
    return names
