"""Reads of work orders, always through the permission policy."""

import re

from django.db.models import F, Q, QuerySet
from django.http import Http404

from kefu import policy
from kefu.accounts.models import User
from kefu.core.keyset import Key

from . import events
from .models import ACTIVE_STATUSES, Channel, Priority, Status, Ticket, TicketType

INBOX_VIEWS = ("mine", "team", "unassigned", "all")
SORTS = {
    # Orders without a running clock go last whatever the database's NULL ordering.
    "due": (F("due_at").asc(nulls_last=True), "-created_at"),
    "-due": (F("due_at").desc(nulls_last=True), "-created_at"),
    "created": ("created_at",),
    "-created": ("-created_at",),
    "updated": ("-updated_at",),
    "priority": ("priority", "-created_at"),
}


# The same orders as SORTS with the id as the last tie-breaker: what keyset (cursor) paging walks.
KEYSETS = {
    "due": [Key("due_at", nulls_last=True), Key("created_at", descending=True), Key("id", descending=True)],
    "-due": [Key("due_at", descending=True, nulls_last=True), Key("created_at", descending=True),
             Key("id", descending=True)],
    "created": [Key("created_at"), Key("id")],
    "-created": [Key("created_at", descending=True), Key("id", descending=True)],
    "updated": [Key("updated_at", descending=True), Key("id", descending=True)],
    "priority": [Key("priority"), Key("created_at", descending=True), Key("id", descending=True)],
}


def ticket_list(
    user: User,
    *,
    view: str = "all",
    status: str = "",
    type: str = "",
    channel: str = "",
    priority: str = "",
    q: str = "",
    sort: str = "due",
    customer_id: int | None = None,
    active_only: bool = False,
) -> QuerySet[Ticket]:
    qs = policy.visible_tickets(user).select_related(
        "customer", "assignee", "first_responder", "team", "department", "dispatched_to"
    )
    if view == "mine":
        qs = qs.filter(Q(assignee=user) | Q(first_responder=user))
    elif view == "team":
        qs = qs.filter(team_id=user.team_id) if user.team_id else qs.none()
    elif view == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    elif active_only:
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    if type in TicketType.values:
        qs = qs.filter(type=type)
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    if priority in Priority.values:
        qs = qs.filter(priority=priority)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if q:
        cond = Q(number__icontains=q) | Q(subject__icontains=q) | Q(customer__name__icontains=q)
        digits = re.sub(r"\D", "", q)
        # Call centres look orders up by the caller's number; not for roles that see numbers masked.
        if len(digits) >= 3 and policy.can_view_personal_data(user):
            cond |= Q(customer__phones_index__contains=digits)
        qs = qs.filter(cond)
    return qs.order_by(*SORTS.get(sort, SORTS["due"]))


def ticket_get(user: User, number: str) -> Ticket:
    """The work order if the user may see it; 404 otherwise, so existence itself stays private."""
    ticket = (
        policy.visible_tickets(user)
        .select_related("customer", "assignee", "first_responder", "team", "department", "dispatched_to",
                        "merged_into")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404("工单不存在或无权查看")
    return ticket


def ticket_thread(user: User, ticket: Ticket, *, include_notes: bool = True):
    qs = ticket.messages.select_related("author").prefetch_related("attachments")
    if not include_notes:
        qs = qs.exclude(kind="note")
    return qs


def ticket_history(ticket: Ticket) -> list[events.Line]:
    """The order's history as lines in the active language, newest first."""
    return events.lines(events.of_ticket(ticket))
