"""Background work of callbacks (durable jobs, see kefu.jobs): a low survey score becomes a callback."""

from kefu.jobs import background
from kefu.surveys.models import Survey

from .receivers import callback_for_low_score


@background("callbacks.low_score", max_attempts=5, lease_seconds=120)
def low_score(payload: dict) -> None:
    survey = Survey.objects.filter(pk=payload["survey"]).first()
    if survey is not None:
        callback_for_low_score(survey)
