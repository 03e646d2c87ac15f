"""The callbacks panel on the work-order page: the callbacks about this order and the one that created it
as a follow-up (the link seen from the order's side). Hidden when there are none."""

from django.db.models import Q

from kefu import policy
from kefu.accounts.models import User
from kefu.tickets.models import Ticket

from .models import CallbackTask


def ticket_panel(ticket: Ticket, user: User) -> dict | None:
    if not policy.can_see_order_callbacks(user, ticket):
        return None
    tasks = list(CallbackTask.objects.filter(Q(ticket=ticket) | Q(follow_up=ticket))
                 .select_related("campaign", "ticket", "follow_up", "assignee").order_by("-id")[:5])
    if not tasks:
        return None
    return {"tasks": tasks, "ticket": ticket}
