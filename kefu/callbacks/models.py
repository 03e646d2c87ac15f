"""Callback campaigns (回访, seed 001 §3): a campaign's saved query and exclusions, its script (a small
decision tree the supervisor edits), one task per customer called back, each attempt, and the
do-not-call list. The flow: query → choose whom → plan → call → organise the records → supervisor
review → archive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


class SourceKind(models.TextChoices):
    RESOLVED_ORDERS = "resolved_orders", _("已解决工单")
    ARCHIVED_COMPLAINTS = "archived_complaints", _("已归档投诉")
    CUSTOMERS = "customers", _("客户（按标签/等级）")
    LOW_SCORES = "low_scores", _("满意度低分")  # the standing campaign the surveys' low-score hook fills


class CampaignState(models.TextChoices):
    ACTIVE = "active", _("回访中")  # targets chosen and assigned; agents are calling
    ARCHIVED = "archived", _("已归档")  # reviewed and kept as it is; read-only


# Allowed campaign transitions (archiving is the only one; an archived campaign is never reopened).
CAMPAIGN_TRANSITIONS: dict[str, set[str]] = {CampaignState.ACTIVE: {CampaignState.ARCHIVED},
                                              CampaignState.ARCHIVED: set()}


class Result(models.TextChoices):
    REACHED = "reached", _("已接通")
    NO_ANSWER = "no_answer", _("无人接听")
    BUSY = "busy", _("占线")
    WRONG_NUMBER = "wrong_number", _("号码错误")
    REFUSED = "refused", _("拒绝回访")
    DO_NOT_CALL = "do_not_call", _("要求勿再来电")


class TaskState(models.TextChoices):
    PENDING = "pending", _("待回访")  # waits for its next attempt (next_attempt_at)
    DONE = "done", _("已完成")  # a final result, or the retries ran out


class ReviewState(models.TextChoices):
    NONE = "", _("无需审阅")  # not (yet) chosen for review
    PENDING = "pending", _("待审阅")
    APPROVED = "approved", _("审阅通过")
    FLAGGED = "flagged", _("需改进")


class CallbackScript(models.Model):
    """回访话术: nodes (questions) with answers that branch to the next node or end the call."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    # {"start": node id, "nodes": {id: {"title", "text", "survey"?, "answers": [{"label", "next"?,
    #  "satisfied"?, "fault"?, "department"?}]}}}; kefu/callbacks/scripts.py checks and walks it.
    tree = models.JSONField(_("话术"), default=dict)
    source = models.TextField(_("话术文本"), blank=True)  # what the supervisor typed (scripts.parse)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("回访话术")
        verbose_name_plural = _("回访话术")

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    name = models.CharField(_("名称"), max_length=80)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门"))
    script = models.ForeignKey(CallbackScript, on_delete=models.PROTECT, related_name="campaigns",
                               verbose_name=_("话术"))
    # The saved query: {"kind", "from"?, "to"?, "types"?, "tags"?, "levels"?} as given.
    source = models.JSONField(_("回访对象"), default=dict)
    exclude_called_within_days = models.PositiveSmallIntegerField(_("排除近期已回访（天）"), default=30)
    excluded = models.JSONField(_("排除统计"), default=dict)  # reason -> count, fixed at creation
    # Calling windows on the working-day calendar's working days: [["09:00", "12:00"], ...].
    windows = models.JSONField(_("回访时段"), default=list)
    calendar = models.ForeignKey("sla.Calendar", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("工作日历"))
    # result -> {"max": attempts in all, "hours": hours between attempts}; results not listed are final.
    retry_rules = models.JSONField(_("重拨规则"), default=dict)
    capacities = models.JSONField(_("分配权重"), default=dict)  # username -> weight
    review_percent = models.PositiveSmallIntegerField(_("抽检比例（%）"), default=100)
    state = models.CharField(_("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.ACTIVE,
                             db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("回访计划")
        verbose_name_plural = _("回访计划")

    def __str__(self) -> str:
        return self.name


class CallbackTask(models.Model):
    """One customer to call back in one campaign, with the source order or complaint it is about."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="callback_tasks",
                                 verbose_name=_("客户"))
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="callbacks",
                               verbose_name=_("来源工单"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="callback_tasks",
                                 verbose_name=_("回访人"))
    state = models.CharField(_("状态"), max_length=10, choices=TaskState.choices, default=TaskState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("拨打次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次拨打"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近拨打"), null=True, blank=True, db_index=True)
    result = models.CharField(_("结果"), max_length=15, choices=Result.choices, blank=True)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    # The path through the script, copied as asked and answered: [{"node", "question", "answer", ...}].
    answers = models.JSONField(_("回答"), default=list, blank=True)
    note = models.TextField(_("备注"), blank=True)
    follow_up = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="callback_follow_ups", verbose_name=_("跟进工单"))
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    review = models.CharField(_("审阅"), max_length=10, choices=ReviewState.choices, blank=True, default="")
    review_note = models.TextField(_("审阅意见"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        # No unique (campaign, customer): merging two customer records moves both tasks onto the kept one.
        indexes = [models.Index(fields=["campaign", "customer"]),
                   models.Index(fields=["assignee", "state", "next_attempt_at"]),
                   models.Index(fields=["customer", "last_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.customer_id}"


class Attempt(models.Model):
    """One call: who, when and with what result (the task keeps the answers of the reached call)."""

    task = models.ForeignKey(CallbackTask, on_delete=models.CASCADE, related_name="attempt_rows")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(db_index=True)
    result = models.CharField(max_length=15, choices=Result.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.result}"


class DoNotCall(models.Model):
    """勿扰名单: a customer, or a bare number, that campaigns leave out."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("客户"))
    phone = models.CharField(_("电话"), max_length=24, blank=True, db_index=True)  # digits only
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(_("加入时间"))

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("勿扰名单")
        verbose_name_plural = _("勿扰名单")

    def __str__(self) -> str:
        return str(self.customer_id or self.phone)


class CampaignEvent(models.Model):
    """The callbacks audit as facts (created, attempt, reviewed, archived, do-not-call ...): code and params."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    task = models.ForeignKey(CallbackTask, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    code = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.code
