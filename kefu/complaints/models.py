"""投诉处理: the complaint record of a 投诉 work order, its fixed flow (seed 001 §4) and its step log.

The flow is data: ComplaintState lists the states, ACTIONS says which action moves a complaint from
which states to which state and which kind of actor may take it. Services in services.py walk it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Team
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("已受理")  # work order exists, record form not yet complete
    RECORDED = "recorded", _("已记录")  # record form complete; customer service decides validity
    INVALID = "invalid", _("不成立")  # refused with a reason the customer was told; final
    DISPATCHED = "dispatched", _("已派发")  # handling order (投诉处理单) issued to a responsible department
    ANALYSED = "analysed", _("原因已分析")  # department wrote the cause analysis
    RESPONSIBILITY = "responsibility", _("责任已判定")  # who is responsible; solution to be proposed
    PROPOSED = "proposed", _("方案待审批")  # waits for a supervisor
    APPROVED = "approved", _("方案已批准")  # customer service tells the customer
    NOTIFIED = "notified", _("已告知客户")  # responsible person implements within N working days
    IMPLEMENTED = "implemented", _("已实施")  # department reports the result back
    REPORTED = "reported", _("结果已反馈")  # 处理结果单 in; waits for the customer's receipt
    RECEIPTED = "receipted", _("客户已回执")  # customer satisfied; forms can be archived
    ARCHIVED = "archived", _("已归档")  # read-only except the summary
    SUMMARISED = "summarised", _("已总结")  # 总结评价 written; final


# The order the step bar shows; INVALID is a side exit after RECORDED.
MAIN_PATH = [
    ComplaintState.RECEIVED, ComplaintState.RECORDED, ComplaintState.DISPATCHED, ComplaintState.ANALYSED,
    ComplaintState.RESPONSIBILITY, ComplaintState.PROPOSED, ComplaintState.APPROVED, ComplaintState.NOTIFIED,
    ComplaintState.IMPLEMENTED, ComplaintState.REPORTED, ComplaintState.RECEIPTED, ComplaintState.ARCHIVED,
    ComplaintState.SUMMARISED,
]
FINAL_STATES = {ComplaintState.INVALID, ComplaintState.SUMMARISED}
# States in which the handling department (not customer service) holds the ball.
HANDLER_STATES = {ComplaintState.DISPATCHED, ComplaintState.ANALYSED, ComplaintState.RESPONSIBILITY,
                  ComplaintState.NOTIFIED, ComplaintState.IMPLEMENTED}


class Actor(models.TextChoices):
    SERVICE = "service", _("客服")  # agent or supervisor of the receiving desk
    HANDLER = "handler", _("责任部门")  # handler of the department the complaint was dispatched to
    SUPERVISOR = "supervisor", _("客服主管")
    CUSTOMER = "customer", _("客户")  # the signed receipt link


@dataclass(frozen=True)
class Action:
    name: str
    label: str  # Chinese, as written into notifications and the audit log (stored text)
    sources: frozenset[str]
    target: str | None  # None: the state does not change (interim reply, receipt sends back ...)
    actor: str

    @property
    def title(self) -> str:
        """The label in the reader's language, for pages."""
        return gettext(self.label)


# The step that opens a complaint is not an action of the table (nobody takes it on a complaint).
RECEIVE_LABEL = gettext_noop("受理投诉")


def _action(name: str, label: str, sources: set[str], target: str | None, actor: str) -> Action:
    return Action(name, label, frozenset(sources), target, actor)


S = ComplaintState
_BEFORE_REPLY = {S.RECORDED, S.DISPATCHED, S.ANALYSED, S.RESPONSIBILITY, S.PROPOSED, S.APPROVED}
# Allowed transitions, one row per action (Saleor-style explicit table).
ACTIONS: dict[str, Action] = {a.name: a for a in [
    _action("record", gettext_noop("填写投诉记录"), {S.RECEIVED, S.RECORDED}, S.RECORDED, Actor.SERVICE),
    _action("reject", gettext_noop("判定不成立"), {S.RECORDED}, S.INVALID, Actor.SERVICE),
    _action("dispatch", gettext_noop("下发投诉处理单"), {S.RECORDED}, S.DISPATCHED, Actor.SERVICE),
    _action("reply", gettext_noop("24小时内答复客户"), _BEFORE_REPLY, None, Actor.SERVICE),
    _action("analyse", gettext_noop("原因分析"), {S.DISPATCHED}, S.ANALYSED, Actor.HANDLER),
    _action("assign_responsibility", gettext_noop("责任判定"), {S.ANALYSED}, S.RESPONSIBILITY, Actor.HANDLER),
    _action("propose", gettext_noop("提出解决方案"), {S.RESPONSIBILITY}, S.PROPOSED, Actor.HANDLER),
    _action("approve", gettext_noop("审批通过"), {S.PROPOSED}, S.APPROVED, Actor.SUPERVISOR),
    _action("send_back", gettext_noop("退回方案"), {S.PROPOSED}, S.RESPONSIBILITY, Actor.SUPERVISOR),
    _action("notify_customer", gettext_noop("告知客户方案"), {S.APPROVED}, S.NOTIFIED, Actor.SERVICE),
    _action("implement", gettext_noop("实施方案"), {S.NOTIFIED}, S.IMPLEMENTED, Actor.HANDLER),
    _action("report", gettext_noop("提交处理结果单"), {S.IMPLEMENTED}, S.REPORTED, Actor.HANDLER),
    _action("receipt", gettext_noop("登记客户回执"), {S.REPORTED}, None, Actor.SERVICE),
    _action("archive", gettext_noop("归档"), {S.RECEIPTED}, S.ARCHIVED, Actor.SERVICE),
    _action("summarise", gettext_noop("总结评价"), {S.ARCHIVED, S.SUMMARISED}, S.SUMMARISED, Actor.SUPERVISOR),
]}
# A receipt moves to RECEIPTED when satisfied, back to RESPONSIBILITY (new round) when not.
RECEIPT_TARGETS = {True: S.RECEIPTED, False: S.RESPONSIBILITY}

TRANSITIONS: dict[str, set[str]] = {state: set() for state in S.values}
for _a in ACTIONS.values():
    for _source in _a.sources:
        if _a.target is not None:
            TRANSITIONS[_source].add(_a.target)
for _target in RECEIPT_TARGETS.values():
    TRANSITIONS[S.REPORTED].add(_target)


class Source(models.TextChoices):
    DIRECT = "direct", _("客户直接投诉")
    ACCOUNT_MANAGER = "account_manager", _("经招商经理转达")


class ObjectKind(models.TextChoices):
    PRODUCT = "product", _("产品")
    SERVICE = "service", _("服务")
    STAFF = "staff", _("人员")


class Emotion(models.TextChoices):
    CALM = "calm", _("平静")
    ANXIOUS = "anxious", _("焦虑")
    ANGRY = "angry", _("愤怒")
    VERY_ANGRY = "very_angry", _("非常愤怒")


class Severity(models.TextChoices):
    MINOR = "minor", _("一般")
    MAJOR = "major", _("较重")
    SEVERE = "severe", _("严重")
    CRITICAL = "critical", _("重大")


class Party(models.TextChoices):
    OURS = "ours", _("我方")
    SUPPLIER = "supplier", _("供应商")
    LOGISTICS = "logistics", _("物流")
    CUSTOMER = "customer", _("客户")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WECHAT = "wechat", _("微信")
    EMAIL = "email", _("邮件")
    VISIT = "visit", _("上门")
    IN_PERSON = "in_person", _("当面")


class ReceiptVia(models.TextChoices):
    LINK = "link", _("客户通过回执链接")
    AGENT = "agent", _("客服电话记录")


class ComplaintCategory(models.Model):
    """Configurable list of complaint categories (admin edits it; defaults seeded by migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=50)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("投诉分类")
        verbose_name_plural = _("投诉分类")

    def __str__(self) -> str:
        return self.name


class ComplaintConfig(models.Model):
    """Deadline settings of the flow; one row (pk=1), edited in the admin."""

    reply_amount = models.FloatField(_("答复时限"), default=24)
    reply_unit = models.CharField(
        _("答复时限单位"), max_length=20, default="calendar_hours",
        choices=[("calendar_hours", _("自然小时")), ("business_hours", _("工作小时"))],
    )
    implement_days = models.PositiveSmallIntegerField(_("实施时限（工作日）"), default=5)
    # A proposed solution waits for a supervisor at most this long (方案待审批 had no limit before issue 8).
    approve_days = models.PositiveSmallIntegerField(_("审批时限（工作日）"), default=1)
    # Every complaint clock warns (预警) when this share of its allowed time is used.
    warning_share = models.FloatField(_("预警比例"), default=0.8,
                                      validators=[MinValueValidator(0.05), MaxValueValidator(1.0)])

    class Meta:
        verbose_name = _("投诉时限设置")
        verbose_name_plural = _("投诉时限设置")

    def __str__(self) -> str:
        return (f"答复 {self.reply_amount:g} {self.get_reply_unit_display()} / 审批 {self.approve_days} 个工作日 / "
                f"实施 {self.implement_days} 个工作日")

    @classmethod
    def current(cls) -> "ComplaintConfig":
        return cls.objects.get_or_create(pk=1)[0]


class Complaint(models.Model):
    """客户投诉处理记录表 plus the flow's state and the outcome of each step."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="complaint",
                                  verbose_name=_("工单"))
    state = models.CharField(_("状态"), max_length=20, choices=ComplaintState.choices,
                             default=ComplaintState.RECEIVED, db_index=True)
    round = models.PositiveSmallIntegerField(_("处理轮次"), default=1)  # +1 per "not satisfied" receipt
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    # -- record form (客户投诉处理记录表) --
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    source = models.CharField(_("投诉来源"), max_length=20, choices=Source.choices, default=Source.DIRECT)
    account_manager = models.CharField(_("招商经理"), max_length=60, blank=True)
    object_kind = models.CharField(_("投诉对象"), max_length=10, choices=ObjectKind.choices, blank=True)
    object_detail = models.CharField(_("具体对象"), max_length=120, blank=True)
    description = models.TextField(_("投诉事由"), blank=True)
    happened_at = models.DateTimeField(_("发生时间"), null=True, blank=True)
    place = models.CharField(_("发生地点"), max_length=120, blank=True)
    demand = models.TextField(_("客户诉求"), blank=True)
    emotion = models.CharField(_("情绪状态"), max_length=12, choices=Emotion.choices, blank=True)
    key_quotes = models.TextField(_("客户原话"), blank=True)
    category = models.ForeignKey(ComplaintCategory, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="complaints", verbose_name=_("投诉分类"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    # -- validity (不成立) --
    invalid_reason = models.TextField(_("不成立原因"), blank=True)
    explained_how = models.CharField(_("解释方式"), max_length=12, choices=ContactMethod.choices, blank=True)
    explained_at = models.DateTimeField(_("解释时间"), null=True, blank=True)
    # -- handling order (投诉处理单) and the department's work --
    dispatched_to = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="complaints", verbose_name=_("处理部门"))
    dispatched_at = models.DateTimeField(_("派发时间"), null=True, blank=True)
    cause = models.TextField(_("原因分析"), blank=True)
    responsible_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("责任部门"))
    responsible_person = models.CharField(_("责任人"), max_length=60, blank=True)
    responsible_party = models.CharField(_("责任方"), max_length=12, choices=Party.choices, blank=True)
    solution = models.TextField(_("解决方案"), blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审批人"))
    approval_comment = models.TextField(_("审批意见"), blank=True)
    notified_how = models.CharField(_("告知方式"), max_length=12, choices=ContactMethod.choices, blank=True)
    notified_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    customer_response = models.TextField(_("客户反应"), blank=True)
    implemented_at = models.DateTimeField(_("实施完成时间"), null=True, blank=True)
    implementation = models.TextField(_("实施情况"), blank=True)
    result_report = models.TextField(_("处理结果"), blank=True)
    reported_at = models.DateTimeField(_("结果反馈时间"), null=True, blank=True)
    # -- the customer's receipt (回执) --
    receipt_satisfied = models.BooleanField(_("客户满意"), null=True, blank=True)
    receipt_comment = models.TextField(_("回执意见"), blank=True)
    receipt_via = models.CharField(_("回执方式"), max_length=10, choices=ReceiptVia.choices, blank=True)
    receipt_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    receipt_nonce = models.CharField(max_length=32, blank=True)  # current link; cleared when used
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    # -- summary evaluation (总结评价) --
    root_cause = models.TextField(_("根本原因"), blank=True)
    improvement = models.TextField(_("改进措施"), blank=True)
    improvement_owner = models.CharField(_("改进负责人"), max_length=60, blank=True)
    summarised_at = models.DateTimeField(_("总结时间"), null=True, blank=True)
    # -- deadlines (mirrors of the SLA clocks, kept for filters and analysis) --
    first_reply_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    implement_due_at = models.DateTimeField(_("实施期限"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # -- who sees it: copies of the work order's visibility columns (kept by visibility.py), so lists and
    # 投诉分析 filter ~50k complaints instead of joining every visible work order (issue 9) --
    order_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, related_name="+")
    order_dispatched_to = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, related_name="+")
    order_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, related_name="+")
    order_assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                       related_name="+")
    order_first_responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                              related_name="+")
    # and of its customer (repeat complainants); a customer merge moves it with every other reference
    order_customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True,
                                       related_name="complaint_copies")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")

    def __str__(self) -> str:
        return f"投诉 {self.ticket.number}"

    @property
    def is_archived(self) -> bool:
        return self.state in {ComplaintState.ARCHIVED, ComplaintState.SUMMARISED}


class ComplaintStep(models.Model):
    """Step log: who took which action when, the state before and after, and what they wrote."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    # Time since the complaint's previous step (by created_at, id); None for its first. Kept by
    # flow.store_spans whenever a step is written, so step_hours sums a column instead of a window pass.
    span = models.DurationField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"]),  # spans.append_step: the latest step
                   # step_hours reads (complaint, action, span) from this index alone (PostgreSQL: INCLUDE), not
                   # the 150 MB of steps with their notes (issue 9)
                   models.Index(fields=["complaint"], include=["action", "span"], condition=models.Q(span__isnull=False),
                                name="complaint_step_spans")]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}->{self.to_state}"

    @property
    def label(self) -> str:
        return ACTIONS[self.action].label if self.action in ACTIONS else {"receive": RECEIVE_LABEL}.get(
            self.action, self.action)

    @property
    def title(self) -> str:
        """The label in the reader's language, for pages."""
        return gettext(self.label)
