"""A callback campaign in progress for `kefu demo`: last month's after-sales and consultation orders,
split among the three agents; some callbacks made (satisfied, not satisfied with a follow-up, no answer
waiting for its retry, busy, refused), one reviewed, the rest waiting in the agents' queues. Idempotent."""

import random
from datetime import datetime, timedelta

from django.db import transaction

from kefu.tickets.models import Status, Ticket

from . import scripts
from .defaults import DEFAULT_SCRIPT_NAME
from .models import CallbackScript, Campaign
from .services import campaign_create, task_record_attempt, task_review
from .windows import open_at_or_after, window_calendar

NAME = "售后维修及咨询回访（近 30 天）"
HAPPY = [0, 0, 1, 0]  # 是本人 → 一切正常 → 满意 → 结束
UNFIXED = [0, 1, 0, 1, 0]  # 是本人 → 有问题 → 设备 → 还没有处理好 → 致歉
PLAN = ["happy", "happy", "unfixed", "no_answer", "happy", "busy", "refused", "happy", "no_answer", "unfixed_note"]


def _calls_from(campaign: Campaign, start: datetime):
    """Instants inside the calling windows, a quarter of an hour apart, from `start` on."""
    calendar = window_calendar(campaign)
    when = open_at_or_after(calendar, start)
    while True:
        yield when
        when = open_at_or_after(calendar, when + timedelta(minutes=15))


@transaction.atomic
def demo_callbacks(*, people: dict, customers: list, rng: random.Random, now: datetime) -> None:
    script = CallbackScript.objects.filter(name=DEFAULT_SCRIPT_NAME).first()
    if script is None or Campaign.objects.filter(name=NAME).exists():
        return
    if not Ticket.objects.filter(status__in=[Status.RESOLVED, Status.CLOSED], type__in=["after_sales", "consultation"],
                                 department=people["wangzg"].department).exists():
        return
    start = now - timedelta(days=3)
    campaign = campaign_create(
        by=people["wangzg"], name=NAME, script=script, agents=["lina", "zhangwei", "liuyang"],
        capacities={"lina": 2, "zhangwei": 1, "liuyang": 1}, review_percent=30, now=start,
        source={"kind": "resolved_orders", "from": (now - timedelta(days=30)).date().isoformat(),
                "to": now.date().isoformat(), "types": ["after_sales", "consultation"]})
    clock = _calls_from(campaign, start)
    tasks = list(campaign.tasks.select_related("assignee").order_by("id"))
    for task, plan in zip(tasks, PLAN, strict=False):
        when = next(clock)
        if when >= now:
            break
        _call(task, plan, when)
    for task in campaign.tasks.filter(review="pending").order_by("id")[:1]:
        task_review(task=task, by=people["wangzg"], verdict="approved", note="", now=now - timedelta(hours=1))


def _call(task, plan: str, when: datetime) -> None:
    agent = task.assignee
    if plan in {"happy", "unfixed", "unfixed_note"}:
        choices = HAPPY if plan == "happy" else UNFIXED
        scripts.walk(task.campaign.script.tree, choices)  # the demo follows the script it shows
        note = "客户反映路由器仍然经常掉线，希望尽快上门" if plan == "unfixed_note" else ""
        task_record_attempt(task=task, by=agent, result="reached", choices=choices, note=note, now=when)
    else:
        task_record_attempt(task=task, by=agent, result=plan, now=when)
