"""The survey panel on the work-order page: state, the link to copy, answers, and "send now"."""

from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.tickets.models import Ticket

from .delivery import survey_url
from .selectors import answers_of, latest_survey


def ticket_panel(ticket: Ticket, user: User) -> dict | None:
    if not policy.can_view_survey(user, ticket):
        return None
    survey = latest_survey(ticket)
    state = survey.state_at(timezone.now()) if survey else "none"
    return {"survey": survey, "state": state, "number": ticket.number,
            "url": survey_url(survey) if state == "sent" else "",
            "answers": answers_of(survey) if state == "answered" else [],
            "can_send": policy.can_send_survey(user, ticket) and state != "sent" and not ticket.merged_into_id}
