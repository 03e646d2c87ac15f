"""Surveys listening to work orders: a newly resolved order gets its survey (rules permitting)."""

from kefu.tickets.models import Status, Ticket

from .services import survey_after_resolve


def on_ticket_changed(sender: type, ticket: Ticket, **kwargs: object) -> None:
    # ticket_changed fires on every change; only a resolution not yet surveyed counts (the rules
    # refuse a second survey while one is live, and sent_at > resolved_at marks this resolution done).
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return
    if ticket.surveys.filter(sent_at__gte=ticket.resolved_at).exists():
        return
    survey_after_resolve(ticket)
