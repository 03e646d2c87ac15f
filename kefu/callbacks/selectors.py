"""Reads of callbacks through the permission policy: task lists, the next call to make, a task's
customer and history (masked for roles that need not see personal data), campaigns."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.customers.presenters import customer_phones
from kefu.tickets.models import Ticket

from .models import CallbackScript, CallbackTask, Campaign, CampaignState, TaskState
from .windows import is_open, open_at_or_after, window_calendar

NEXT_CANDIDATES = 50
MAX_LIST = 200


def scripts_for(user: User) -> QuerySet[CallbackScript]:
    policy.require(policy.can_read_scripts(user), "您没有权限查看回访话术")
    return CallbackScript.objects.filter(is_active=True).order_by("name")


def task_list(user: User, *, mine: bool = False, campaign: int | None = None, state: str | None = None):
    qs = policy.visible_tasks(user).select_related("campaign", "customer", "ticket", "assignee", "follow_up")
    if mine:
        qs = qs.filter(assignee=user)
    if campaign:
        qs = qs.filter(campaign_id=campaign)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("state", "next_attempt_at", "id")


def task_get(user: User, pk: int) -> CallbackTask:
    task = (CallbackTask.objects.select_related("campaign", "campaign__script", "customer", "ticket", "assignee",
                                                "follow_up").filter(pk=pk).first())
    if task is None or not policy.can_view_task(user, task):
        raise Http404("回访任务不存在或无权查看")
    return task


def campaign_get(user: User, pk: int) -> Campaign:
    campaign = policy.visible_campaigns(user).select_related("script", "department").filter(pk=pk).first()
    if campaign is None:
        raise Http404("回访计划不存在或无权查看")
    return campaign


def campaign_list(user: User):
    pending = Count("tasks", filter=Q(tasks__state=TaskState.PENDING))
    done = Count("tasks", filter=Q(tasks__state=TaskState.DONE))
    return (policy.visible_campaigns(user).select_related("script")
            .annotate(total=Count("tasks"), pending=pending, done=done).order_by("state", "-created_at"))


def my_queue(user: User, now: datetime | None = None) -> dict:
    """我的回访: the next callback to make (due, its window open), then what waits and when."""
    now = now or timezone.now()
    pending = (CallbackTask.objects.filter(assignee=user, state=TaskState.PENDING, campaign__state=CampaignState.ACTIVE)
               .select_related("campaign", "customer", "ticket").order_by("next_attempt_at", "id"))
    due = list(pending.filter(next_attempt_at__lte=now)[:NEXT_CANDIDATES])
    offered = next((t for t in due if is_open(window_calendar(t.campaign), now)), None)
    later = list(pending.filter(next_attempt_at__gt=now)[:20])
    waiting_window = [t for t in due if t is not offered]
    return {"next": offered, "due": waiting_window, "later": later, "count": pending.count(),
            "opens_at": _next_opening(due, now) if offered is None and due else None}


def _next_opening(tasks: list[CallbackTask], now: datetime) -> datetime:
    return min(open_at_or_after(window_calendar(t.campaign), now) for t in tasks)


def customer_panel(user: User, task: CallbackTask) -> dict:
    """What the agent sees next to the script: the customer (phones masked per role), the order the call
    is about, the customer's recent orders in the campaign's department and earlier callbacks."""
    policy.require(policy.can_view_task(user, task))
    customer = task.customer
    orders = (Ticket.objects.filter(customer=customer)
              .filter(Q(department_id=task.campaign.department_id) | Q(dispatched_to_id=task.campaign.department_id))
              .order_by("-created_at")[:8])
    earlier = (CallbackTask.objects.filter(customer=customer, attempts__gt=0).exclude(pk=task.pk)
               .select_related("campaign").order_by("-last_attempt_at")[:5])
    return {"customer": customer, "phones": customer_phones(customer, user),
            "masked": not policy.can_view_personal_data(user), "orders": list(orders), "earlier": list(earlier),
            "attempts": list(task.attempt_rows.select_related("by"))}
