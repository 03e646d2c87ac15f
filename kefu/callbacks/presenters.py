"""A callback task as the API and the pages show it (phones masked for roles that need not see them)."""

from kefu.customers.presenters import customer_phones

from .models import CallbackTask


def task_dict(task: CallbackTask, user) -> dict:
    customer = task.customer
    return {
        "id": task.pk, "campaign": task.campaign_id, "campaign_name": task.campaign.name,
        "customer": {"id": customer.pk, "name": customer.name, "address_form": customer.address_form,
                     "phones": customer_phones(customer, user)},
        "ticket": task.ticket.number if task.ticket_id else None, "assignee": task.assignee.username,
        "state": task.state, "attempts": task.attempts, "next_attempt_at": task.next_attempt_at,
        "last_attempt_at": task.last_attempt_at, "result": task.result or None, "satisfied": task.satisfied,
        "answers": task.answers, "note": task.note, "follow_up": task.follow_up.number if task.follow_up_id else None,
        "review": task.review,
    }
