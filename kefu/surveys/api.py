"""GET/POST /api/v1/tickets/{number}/survey (exact shape in issue 14)."""

from typing import Literal

from ninja import Router, Schema, Status

from kefu.core.schema import ErrorOut
from kefu.tickets.selectors import ticket_get

from .models import Trigger
from .selectors import survey_state
from .services import survey_send

router = Router(tags=["surveys"])


class AnswerOut(Schema):
    code: str
    question: str
    kind: Literal["stars", "yes_no", "effort", "nps", "choice", "text"]
    value: int | bool | str | None


class SurveyOut(Schema):
    state: Literal["none", "sent", "answered", "expired"]
    url: str | None = None
    answers: list[AnswerOut] | None = None


@router.get("/tickets/{number}/survey", response={200: SurveyOut, 403: ErrorOut, 404: ErrorOut},
            exclude_none=True, summary="The work order's latest satisfaction survey")
def get_survey(request, number: str):
    return survey_state(request.user, ticket_get(request.user, number))


@router.post("/tickets/{number}/survey", response={201: SurveyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             exclude_none=True, summary="Send a satisfaction survey to the customer now")
def send_survey(request, number: str):
    ticket = ticket_get(request.user, number)
    survey_send(ticket=ticket, trigger=Trigger.API, by=request.user)
    return Status(201, survey_state(request.user, ticket))
