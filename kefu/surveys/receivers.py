"""Surveys listening to work orders: a newly resolved order gets its survey (rules permitting), and a
complaint whose customer confirmed the result (回执：满意) gets the complaint-receipt survey."""

from kefu.tickets.models import Status, Ticket, TicketType

from .models import Trigger
from .services import survey_after_resolve, survey_with_receipt


def on_ticket_changed(sender: type, ticket: Ticket, **kwargs: object) -> None:
    # ticket_changed fires on every change; each trigger sends once for its moment (resolved_at,
    # receipt_at), and the rules refuse a second survey while one is live.
    if ticket.type == TicketType.COMPLAINT:
        _after_receipt(ticket)
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return
    if ticket.surveys.filter(sent_at__gte=ticket.resolved_at).exists():
        return
    survey_after_resolve(ticket)


def _after_receipt(ticket: Ticket) -> None:
    complaint = getattr(ticket, "complaint", None)
    if complaint is None or not complaint.receipt_satisfied or complaint.receipt_at is None:
        return
    if ticket.surveys.filter(trigger=Trigger.COMPLAINT_RECEIPT, sent_at__gte=complaint.receipt_at).exists():
        return
    survey_with_receipt(ticket=ticket)
