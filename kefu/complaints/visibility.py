"""A complaint's copies of its work order's visibility columns (order_department, order_dispatched_to,
order_team, order_assignee, order_first_responder; and order_customer for repeat complainants), so that who-sees-which-complaint
(kefu.policy.complaint_scope) filters the complaints themselves: at 1M orders every list and each of
投诉分析's figures joined all visible work orders (a semi-join reading 1M rows per figure, issue 9).

Kept right by three things: every save of a complaint copies its order's columns (pre_save below, whichever
path creates or saves it); an order that moves (assign, transfer, dispatch, hand-over: every path saves the Ticket) updates
its complaint in the same transaction (post_save below, one UPDATE that writes only when something differs);
a deleted team or user is set to NULL on both sides by the same on_delete as the order's own columns; a
customer merge moves order_customer with every other reference to the merged record (customers/merge.py).
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.signals import post_save, pre_save

from kefu.tickets.models import Ticket

from .models import Complaint

# the order's column -> the complaint's copy
COPIED = {"department_id": "order_department_id", "dispatched_to_id": "order_dispatched_to_id",
          "team_id": "order_team_id", "assignee_id": "order_assignee_id",
          "first_responder_id": "order_first_responder_id", "customer_id": "order_customer_id"}
_NAMES = set(COPIED) | {name.removesuffix("_id") for name in COPIED}
_COPY_NAMES = set(COPIED.values()) | {name.removesuffix("_id") for name in COPIED.values()}


def order_values(ticket: Ticket) -> dict[str, int | None]:
    return {target: getattr(ticket, source) for source, target in COPIED.items()}


def follow_order(ticket: Ticket) -> int:
    """Brings the order's complaint (if any) in line with the order; writes only when a copy differs."""
    values = order_values(ticket)
    differs = reduce(or_, (~Q(**{column: value}) for column, value in values.items()))
    return Complaint.objects.filter(ticket_id=ticket.pk).filter(differs).update(**values)


def _complaint_saving(sender, instance: Complaint, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Every save of a complaint writes its order's current columns, read from the database: the flow's
    locked copy of the complaint may predate a move of its order in the same transaction (a dispatch moves
    the order after the complaint was read) or in one committed since."""
    if raw or (update_fields is not None and not _COPY_NAMES & set(update_fields)):
        return
    current = Ticket.objects.filter(pk=instance.ticket_id).values(*COPIED).first()
    if current is not None:
        for source, target in COPIED.items():
            setattr(instance, target, current[source])


def _order_saved(sender, instance: Ticket, created: bool = False, raw: bool = False, update_fields=None,
                 **kwargs) -> None:
    if created or raw:  # a new order has no complaint yet
        return
    if update_fields is not None and not _NAMES & set(update_fields):
        return
    follow_order(instance)


def connect() -> None:
    pre_save.connect(_complaint_saving, sender=Complaint, dispatch_uid="kefu.complaints.visibility.complaint")
    post_save.connect(_order_saved, sender=Ticket, dispatch_uid="kefu.complaints.visibility.order")
