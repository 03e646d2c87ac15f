"""Background work of surveys: delivering a link after the sending transaction commits."""

from huey.contrib.djhuey import db_task

from .delivery import survey_deliver


@db_task(retries=3, retry_delay=60)
def survey_deliver_task(survey_id: int) -> None:
    survey_deliver(survey_id=survey_id)
