"""What QA plugs into the rest of Kefu: the work-order listener, the sidebar entries, the reply-box
assist panel and the demo step."""

from __future__ import annotations

from kefu.tickets.models import Ticket

from .jobs import enqueue


def on_ticket_changed(sender: type, ticket: Ticket, **kwargs: object) -> None:
    """A work order changed: once it has an agent reply, keep its conversation in step (background)."""
    if ticket.last_reply_at is not None:
        enqueue("qa.ticket", {"ticket": ticket.pk}, key=f"qa.ticket:{ticket.pk}")
