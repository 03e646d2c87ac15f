"""What the complaint app shows on other pages: its sidebar entry and the panel on a 投诉 work order."""

from kefu import policy
from kefu.accounts.models import User
from kefu.tickets.models import Ticket, TicketType

from .models import Complaint


def ticket_panel(ticket: Ticket, user: User) -> dict | None:
    """On a work order of type 投诉: its complaint's state, or a "登记投诉" button for customer service."""
    if ticket.type != TicketType.COMPLAINT:
        return None
    complaint = Complaint.objects.filter(ticket=ticket).only("state", "round").first()
    if complaint is None and not policy.can_register_complaint(user, ticket):
        return None
    return {"complaint": complaint, "number": ticket.number}
