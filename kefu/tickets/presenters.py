from kefu.customers.presenters import customer_phones, intake_for

from .models import Ticket


def _user(user) -> dict | None:
    return {"id": user.pk, "name": user.name} if user else None


def ticket_dict(ticket: Ticket, viewer) -> dict:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "type": ticket.type,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "status": ticket.status,
        "customer": {"id": ticket.customer_id, "name": ticket.customer.name,
                     "phones": customer_phones(ticket.customer, viewer)},
        "first_responder": _user(ticket.first_responder),
        "assignee": _user(ticket.assignee),
        "team": ticket.team.name if ticket.team else None,
        "department": ticket.department.name,
        "dispatched_to": ticket.dispatched_to.name if ticket.dispatched_to else None,
        "tags": ticket.tags,
        "intake": intake_for(ticket.intake, viewer),
        "account_manager": ticket.account_manager,
        "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
        "version": ticket.version,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "due_at": ticket.due_at,
    }


def message_dict(message) -> dict:
    return {
        "id": message.pk,
        "kind": message.kind,
        "author": _user(message.author),
        "body": message.body,
        "created_at": message.created_at,
        "attachments": [{"name": a.name, "size": a.size, "content_type": a.content_type}
                        for a in message.attachments.all()],
    }
