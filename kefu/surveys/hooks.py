"""What other apps plug into surveys, and what surveys offer them.

- `on_low_score(fn)`: fn(survey) runs after a low-scored answer commits. The callbacks app (回访,
  a later issue) registers one that opens a callback; surveys itself only notifies the supervisors.
- `survey_with_receipt` / `survey_after_callback` (in services) are the calls the complaint receipt
  and callbacks make to send their survey.
"""

from collections.abc import Callable

LOW_SCORE_HANDLERS: list[Callable] = []


def on_low_score(handler: Callable) -> Callable:
    if handler not in LOW_SCORE_HANDLERS:
        LOW_SCORE_HANDLERS.append(handler)
    return handler


def run_low_score_handlers(survey) -> None:
    for handler in list(LOW_SCORE_HANDLERS):
        handler(survey)
