"""Background work of surveys (durable jobs, see kefu.jobs): delivering a link, and the reminder sweep.

Both are not atomic on purpose: a message to a customer is recorded as sent before it goes out (claim,
then send), so a worker that dies mid-way never makes the customer receive it twice."""

from kefu.jobs import background

from .delivery import survey_deliver, surveys_send_reminders


@background("surveys.deliver", max_attempts=5, lease_seconds=120, atomic=False)
def deliver(payload: dict) -> None:
    survey_deliver(survey_id=payload["survey"])


@background("surveys.remind", max_attempts=3, lease_seconds=600, atomic=False)
def remind(payload: dict) -> None:
    surveys_send_reminders()
