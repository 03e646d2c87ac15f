"""The survey facts on a work order's history: codes, and how they read in the reader's language."""

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from kefu.tickets import events

from .models import Trigger

SENT = "survey.sent"
ANSWERED = "survey.answered"


def _trigger(params: dict) -> str:
    value = params.get("trigger", "")
    return str(Trigger(value).label) if value in Trigger.values else value


def _scores(params: dict) -> str:
    scores = params.get("scores") or {}
    text = ", ".join(f"{code}={score}" for code, score in scores.items())
    return f"{gettext('低分')} · {text}" if params.get("low") else text


def register_codes() -> None:
    events.register(SENT, title=pgettext_lazy("history", "发送满意度调查"), field=gettext_lazy("满意度调查"),
                    new=_trigger)
    events.register(ANSWERED, title=pgettext_lazy("history", "客户提交满意度调查"), field=gettext_lazy("满意度调查"),
                    note=_scores)
