"""Writes of callbacks: scripts, campaigns (create, edit, archive), attempts, reviews, do-not-call.

Each service is one transaction that checks role and object through kefu.policy, then its state, and
writes its facts: the campaign log always, the work order's history where an order is involved.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import Conflict, DomainError
from kefu.customers.masking import mask_phone
from kefu.customers.models import Customer
from kefu.customers.phones import looks_like_phone
from kefu.sla.calendars import periods_from_json, periods_from_text
from kefu.sla.models import Calendar
from kefu.tickets import events

from . import defaults, history, scripts
from .assignment import split
from .followups import follow_up
from .models import (
    CAMPAIGN_TRANSITIONS,
    Attempt,
    CallbackScript,
    CallbackTask,
    Campaign,
    CampaignState,
    DoNotCall,
    Result,
    ReviewState,
    TaskState,
)
from .selection import clean_source, select
from .windows import is_open, open_at_or_after, retry_at, window_calendar

MAX_NOTE = 2000


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# ---- scripts ---------------------------------------------------------------------------------


@transaction.atomic
def script_save(*, by: User, name: str, text: str, script: CallbackScript | None = None,
                is_active: bool = True) -> CallbackScript:
    policy.require(policy.can_manage_campaigns(by), "只有客服主管或管理员可以编辑回访话术")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise DomainError("请填写话术名称（不超过 60 字）", field="name")
    if CallbackScript.objects.filter(name=name).exclude(pk=getattr(script, "pk", None)).exists():
        raise DomainError(f"已有名为「{name}」的话术", field="name")
    try:
        tree = scripts.parse(text)
    except scripts.ScriptError as exc:
        raise DomainError(exc.message, field="text") from None
    script = script or CallbackScript()
    if script.pk:
        script = CallbackScript.objects.select_for_update().get(pk=script.pk)
        script.version += 1
    script.name, script.tree, script.source, script.is_active = name, tree, text.strip() + "\n", is_active
    script.save()
    return script


# ---- campaigns -------------------------------------------------------------------------------


def _windows(windows) -> list[list[str]]:
    if windows is None:
        return defaults.DEFAULT_WINDOWS
    try:
        parsed = periods_from_text(windows, "windows") if isinstance(windows, str) else windows
        periods_from_json(parsed, "windows")
    except ValueError as exc:
        raise DomainError(str(exc), field="windows") from None
    if not parsed:
        raise DomainError("请至少填写一个回访时段", field="windows")
    return parsed


def _retry_rules(rules) -> dict:
    if rules is None:
        return defaults.DEFAULT_RETRY_RULES
    cleaned = {}
    for result, rule in (rules or {}).items():
        if result not in Result.values or result == Result.REACHED:
            raise DomainError(f"不能按此结果重拨：{result}", field="retry_rules")
        try:
            attempts, hours = int(rule["max"]), float(rule["hours"])
        except (KeyError, TypeError, ValueError):
            raise DomainError(f"{result} 的重拨规则应包含次数 max 和间隔小时 hours", field="retry_rules") from None
        if not 1 <= attempts <= 10 or not 0 < hours <= 72:
            raise DomainError("重拨次数应为 1 到 10，间隔为 0 到 72 小时", field="retry_rules")
        cleaned[result] = {"max": attempts, "hours": hours}
    return cleaned


def _agents(by: User, department_id: int, usernames: list, capacities: dict | None) -> list[tuple[User, float]]:
    if not usernames:
        raise DomainError("请至少选择一位回访客服", field="agents")
    found = {u.username: u for u in User.objects.filter(username__in=[str(n) for n in usernames])}
    agents = []
    for name in dict.fromkeys(str(n) for n in usernames):
        user = found.get(name)
        if user is None or not policy.can_be_assigned_callbacks(user) or user.department_id != department_id:
            raise DomainError(f"「{name}」不是本部门在岗的客服", field="agents")
        try:
            weight = float((capacities or {}).get(name, 1))
        except (TypeError, ValueError):
            weight = -1
        if not 0 < weight <= 100:
            raise DomainError(f"「{name}」的分配权重应在 0 到 100 之间", field="capacities")
        agents.append((user, weight))
    return agents


def waiting_counts(agents: list[tuple[User, float]]) -> dict[int, int]:
    from django.db.models import Count

    rows = (CallbackTask.objects.filter(assignee__in=[u for u, _w in agents], state=TaskState.PENDING,
                                        campaign__state=CampaignState.ACTIVE)
            .values("assignee").annotate(n=Count("id")))
    return {row["assignee"]: row["n"] for row in rows}


@transaction.atomic
def campaign_create(*, by: User, name: str, source: dict, script: CallbackScript | int | None, agents: list,
                    exclude_called_within_days: int = defaults.DEFAULT_EXCLUDE_DAYS, windows=None,
                    retry_rules: dict | None = None, capacities: dict | None = None,
                    review_percent: int = defaults.DEFAULT_REVIEW_PERCENT, calendar: Calendar | None = None,
                    now: datetime | None = None) -> Campaign:
    """查询 → 明确回访对象 → 制订计划: selects the targets, leaves out the exclusions, splits the rest."""
    policy.require(policy.can_manage_campaigns(by), "只有客服主管或管理员可以创建回访计划")
    now = _now(now)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError("请填写计划名称（不超过 80 字）", field="name")
    if by.department_id is None:
        raise DomainError("创建人未分配部门", field="department")
    if not isinstance(script, CallbackScript):
        script = CallbackScript.objects.filter(pk=script, is_active=True).first() if script else None
    if script is None or not script.is_active:
        raise DomainError("请选择启用中的回访话术", field="script")
    if not isinstance(exclude_called_within_days, int) or not 0 <= exclude_called_within_days <= 365:
        raise DomainError("排除天数应为 0 到 365", field="exclude_called_within_days")
    if not isinstance(review_percent, int) or not 0 <= review_percent <= 100:
        raise DomainError("抽检比例应为 0 到 100", field="review_percent")
    cleaned = clean_source(source)
    staff = _agents(by, by.department_id, agents, capacities)
    selection = select(cleaned, by=by, department_id=by.department_id,
                       exclude_days=exclude_called_within_days, now=now)
    if not selection.targets:
        raise DomainError("没有符合条件的回访对象（已排除近期回访、勿扰和重复客户）", field="source")
    campaign = Campaign.objects.create(
        name=name, department_id=by.department_id, script=script, source=cleaned,
        exclude_called_within_days=exclude_called_within_days, excluded=selection.excluded,
        windows=_windows(windows), calendar=calendar, retry_rules=_retry_rules(retry_rules),
        capacities={u.username: w for u, w in staff}, review_percent=review_percent, created_by=by, created_at=now)
    _plan(campaign, selection.targets, staff, now)
    history.log(campaign, history.CREATED, by=by, at=now, targets=len(selection.targets), source=cleaned,
                excluded=selection.excluded, agents=[u.username for u, _w in staff])
    return campaign


def _plan(campaign: Campaign, targets: list[tuple[int, int | None]], staff: list[tuple[User, float]],
          now: datetime) -> None:
    waiting = waiting_counts(staff)
    keys = split(len(targets), [(u.pk, w, waiting.get(u.pk, 0)) for u, w in staff])
    first = open_at_or_after(window_calendar(campaign), now)
    CallbackTask.objects.bulk_create([
        CallbackTask(campaign=campaign, customer_id=customer_id, ticket_id=ticket_id, assignee_id=agent,
                     next_attempt_at=first)
        for (customer_id, ticket_id), agent in zip(targets, keys, strict=True)])


@transaction.atomic
def campaign_update(*, campaign: Campaign, by: User, name: str, windows, retry_rules: dict | None,
                    review_percent: int, now: datetime | None = None) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    policy.require(policy.can_manage_campaign(by, campaign), "只有本部门主管可以修改此回访计划")
    if campaign.state != CampaignState.ACTIVE:
        raise DomainError("回访计划已归档，不能修改", field="state")
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise DomainError("请填写计划名称（不超过 80 字）", field="name")
    if not isinstance(review_percent, int) or not 0 <= review_percent <= 100:
        raise DomainError("抽检比例应为 0 到 100", field="review_percent")
    old = {"name": campaign.name, "windows": campaign.windows, "retry_rules": campaign.retry_rules,
           "review_percent": campaign.review_percent}
    campaign.name, campaign.windows = name, _windows(windows)
    campaign.retry_rules, campaign.review_percent = _retry_rules(retry_rules), review_percent
    campaign.save()
    new = {key: getattr(campaign, key) for key in old}
    history.log(campaign, history.EDITED, by=by, at=_now(now), old=old, new=new)
    return campaign


@transaction.atomic
def campaign_archive(*, campaign: Campaign, by: User, now: datetime | None = None) -> Campaign:
    """归档: every callback finished and every one chosen for review reviewed."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    policy.require(policy.can_manage_campaign(by, campaign), "只有本部门主管可以归档此回访计划")
    if CampaignState.ARCHIVED not in CAMPAIGN_TRANSITIONS[campaign.state]:
        raise DomainError("回访计划已归档", field="state", code="wrong_state")
    pending = campaign.tasks.filter(state=TaskState.PENDING).count()
    if pending:
        raise DomainError(f"还有 {pending} 个回访未完成，不能归档", field="state", code="wrong_state")
    unreviewed = campaign.tasks.filter(review=ReviewState.PENDING).count()
    if unreviewed:
        raise DomainError(f"还有 {unreviewed} 个回访待审阅，不能归档", field="review", code="wrong_state")
    now = _now(now)
    campaign.state, campaign.archived_at, campaign.archived_by = CampaignState.ARCHIVED, now, by
    campaign.save()
    history.log(campaign, history.ARCHIVED, by=by, at=now)
    return campaign


# ---- calling ---------------------------------------------------------------------------------


def _locked_task(task: CallbackTask) -> CallbackTask:
    return (CallbackTask.objects.select_for_update(of=("self",))
            .select_related("campaign", "campaign__script", "customer", "ticket").get(pk=task.pk))


def _steps(task: CallbackTask, choices: list[int] | None) -> list[scripts.Step]:
    try:
        steps, _next = scripts.walk(task.campaign.script.tree, list(choices or []))
    except scripts.ScriptError as exc:
        raise DomainError(exc.message, field="answers") from None
    return steps


def _chosen_for_review(task: CallbackTask) -> bool:
    if task.satisfied is False or task.follow_up_id:
        return True  # every unhappy customer is reviewed
    draw = int(hashlib.sha1(f"callback-review:{task.pk}".encode()).hexdigest()[:8], 16) % 100
    return draw < task.campaign.review_percent


@transaction.atomic
def task_record_attempt(*, task: CallbackTask, by: User, result: str, choices: list[int] | None = None,
                        satisfied: bool | None = None, note: str = "",
                        now: datetime | None = None) -> tuple[CallbackTask, object, datetime | None]:
    """实施回访: one call and its result. Returns the task, the follow-up order (not satisfied) and the
    next attempt's time when the result is retried."""
    task = _locked_task(task)
    if task.state != TaskState.PENDING:
        raise Conflict("此回访已完成", field="task", code="conflict")
    policy.require(policy.can_work_task(by, task), "只能处理分配给自己的回访")
    if result not in Result.values:
        raise DomainError(f"回访结果无效：{result}", field="result")
    now = _now(now)
    calendar = window_calendar(task.campaign)
    if not is_open(calendar, now):
        opening = timezone.localtime(open_at_or_after(calendar, now))
        raise DomainError(f"现在不在回访时段内，下一时段 {opening:%Y-%m-%d %H:%M} 开始", field="result")
    note = (note or "").strip()[:MAX_NOTE]
    if result != Result.REACHED and (choices or satisfied is not None):
        raise DomainError("只有接通后才能记录回答和满意度", field="answers")
    steps = _steps(task, choices)
    Attempt.objects.create(task=task, by=by, at=now, result=result, note=note)
    task.attempts += 1
    task.last_attempt_at, task.result, task.note = now, result, note or task.note
    rule = task.campaign.retry_rules.get(result)
    next_at = None
    if rule and task.attempts < rule["max"]:
        next_at = retry_at(calendar, now, rule["hours"])
        task.next_attempt_at = next_at
    else:
        _finish(task, by, result, steps, satisfied, now)
    task.save()
    if task.ticket_id:
        events.record(task.ticket, history.ATTEMPT, by=by, at=now, result=result, campaign=task.campaign.name,
                      campaign_id=task.campaign_id, attempt=task.attempts)
    history.log(task.campaign, history.TASK_ATTEMPT, by=by, task=task, at=now, result=result,
                attempt=task.attempts, satisfied=task.satisfied, next_attempt_at=next_at,
                follow_up=task.follow_up.number if task.follow_up_id else None)
    return task, task.follow_up, next_at


def _finish(task: CallbackTask, by: User, result: str, steps: list, satisfied: bool | None, now: datetime) -> None:
    task.state, task.completed_at, task.next_attempt_at = TaskState.DONE, now, None
    if result == Result.REACHED:
        task.answers = [{"node": s.node, "question": s.question, "answer": s.label, **s.facts} for s in steps]
        task.satisfied = satisfied if satisfied is not None else _satisfied(steps)
        if task.satisfied is False:
            task.follow_up = follow_up(task, by, steps, now)
    if result == Result.DO_NOT_CALL:
        if not DoNotCall.objects.filter(customer=task.customer).exists():
            DoNotCall.objects.create(customer=task.customer, reason="回访时客户要求勿再来电", added_by=by, added_at=now)
    task.review = ReviewState.PENDING if _chosen_for_review(task) else ReviewState.NONE


def _satisfied(steps: list) -> bool | None:
    """What the answers say; a star score alone is read as the surveys read it (low at or below
    KEFU_SURVEY_LOW_SCORE)."""
    said = scripts.satisfied_of(steps)
    score = scripts.fact_of(steps, "score")
    if said is None and isinstance(score, int):
        return score > settings.KEFU_SURVEY_LOW_SCORE
    return said


@transaction.atomic
def task_review(*, task: CallbackTask, by: User, verdict: str, note: str = "",
                now: datetime | None = None) -> CallbackTask:
    """主管审阅: approved, or flagged for improvement with a note the agent reads."""
    task = _locked_task(task)
    policy.require(policy.can_manage_campaign(by, task.campaign), "只有本部门主管可以审阅回访")
    if task.state != TaskState.DONE:
        raise DomainError("回访尚未完成，不能审阅", field="task")
    if task.campaign.state != CampaignState.ACTIVE:
        raise DomainError("回访计划已归档", field="state")
    if verdict not in {ReviewState.APPROVED, ReviewState.FLAGGED}:
        raise DomainError(f"审阅结论无效：{verdict}", field="verdict")
    note = (note or "").strip()[:MAX_NOTE]
    if verdict == ReviewState.FLAGGED and not note:
        raise DomainError("请写明需要改进的地方", field="note")
    now = _now(now)
    task.review, task.review_note, task.reviewed_by, task.reviewed_at = verdict, note, by, now
    task.save()
    history.log(task.campaign, history.TASK_REVIEWED, by=by, task=task, at=now, verdict=verdict, note=note)
    return task


# ---- do not call -----------------------------------------------------------------------------


@transaction.atomic
def do_not_call_add(*, by: User, customer: Customer | None = None, phone: str = "", reason: str = "",
                    now: datetime | None = None) -> DoNotCall:
    policy.require(policy.can_manage_campaigns(by), "只有客服主管或管理员可以维护勿扰名单")
    number = ""
    if customer is None:
        number = looks_like_phone(phone or "") or ""
        if not number:
            raise DomainError("请填写有效的电话号码", field="phone")
        if DoNotCall.objects.filter(phone=number).exists():
            raise Conflict("该号码已在勿扰名单中", field="phone")
    elif DoNotCall.objects.filter(customer=customer).exists():
        raise Conflict("该客户已在勿扰名单中", field="customer")
    entry = DoNotCall.objects.create(customer=customer, phone=number, reason=(reason or "").strip()[:200],
                                     added_by=by, added_at=_now(now))
    history.log(None, history.DNC_ADDED, by=by, at=entry.added_at, customer_id=getattr(customer, "pk", None),
                phone=mask_phone(number), reason=entry.reason)
    return entry


@transaction.atomic
def do_not_call_remove(*, by: User, entry: DoNotCall) -> None:
    policy.require(policy.can_manage_campaigns(by), "只有客服主管或管理员可以维护勿扰名单")
    history.log(None, history.DNC_REMOVED, by=by, at=timezone.now(), customer_id=entry.customer_id,
                phone=mask_phone(entry.phone), reason=entry.reason)
    entry.delete()
