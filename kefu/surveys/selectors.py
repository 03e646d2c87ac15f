"""Reads of surveys, through the permission policy."""

from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.tickets.models import Ticket

from .delivery import survey_url
from .models import Survey


def latest_survey(ticket: Ticket) -> Survey | None:
    return ticket.surveys.select_related("questionnaire").prefetch_related("answers").first()


def survey_state(user: User, ticket: Ticket, now=None) -> dict:
    """The API's shape: {"state": none|sent|answered|expired, "url"?, "answers"?}."""
    policy.require(policy.can_view_survey(user, ticket))
    survey = latest_survey(ticket)
    if survey is None:
        return {"state": "none"}
    state = survey.state_at(now or timezone.now())
    data: dict = {"state": state}
    if state == "sent":
        data["url"] = survey_url(survey)
    if state == "answered":
        data["answers"] = answers_of(survey)
    return data


def answers_of(survey: Survey) -> list[dict]:
    return [{"code": a.code, "question": a.question_text, "kind": a.kind,
             "value": bool(a.score) if a.kind == "yes_no" and a.score is not None else
             (a.text if a.kind in {"text", "choice"} else a.score)}
            for a in survey.answers.all()]
