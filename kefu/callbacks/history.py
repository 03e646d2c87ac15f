"""Callback facts: on the work orders involved (kefu/tickets/events.py) and in the campaign's own log."""

from datetime import datetime

from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.tickets import events

from .models import CampaignEvent, Result

ATTEMPT = "callback.attempt"  # on the source order: a call about it, with its result
FOLLOW_UP = "callback.follow_up"  # on the source order and the follow-up: not satisfied, linked both ways

# Campaign log codes
CREATED = "campaign.created"
EDITED = "campaign.edited"
TASK_ATTEMPT = "task.attempt"
TASK_REVIEWED = "task.reviewed"
TASK_REASSIGNED = "task.reassigned"
ARCHIVED = "campaign.archived"
DNC_ADDED = "dnc.added"
DNC_REMOVED = "dnc.removed"


def _result(params: dict) -> str:
    value = params.get("result", "")
    return str(Result(value).label) if value in Result.values else value


def _follow(params: dict) -> str:
    return params.get("follow_up") or params.get("source") or ""


def register_codes() -> None:
    events.register(ATTEMPT, title=pgettext_lazy("history", "回访"), field=gettext_lazy("回访结果"), new=_result,
                    note=lambda p: p.get("campaign", ""))
    events.register(FOLLOW_UP, title=pgettext_lazy("history", "回访不满意，跟进"), field=gettext_lazy("跟进工单"),
                    new=_follow, note=lambda p: p.get("campaign", ""))


def log(campaign, code: str, *, by=None, task=None, at: datetime, **params) -> CampaignEvent:
    params = {key: value.isoformat() if isinstance(value, datetime) else value for key, value in params.items()}
    return CampaignEvent.objects.create(campaign=campaign, task=task, actor=by, code=code,
                                        params=events.normalise(**params), created_at=at)
