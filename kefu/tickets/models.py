from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Team
from kefu.customers.models import Customer


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    AFTER_SALES = "after_sales", _("售后")
    SUGGESTION = "suggestion", _("建议")
    CALLBACK = "callback", _("回访")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    EMAIL = "email", _("邮件")
    CHAT = "chat", _("在线客服")
    WECHAT = "wechat", _("微信")
    WEB_FORM = "web_form", _("网页表单")
    IN_PERSON = "in_person", _("现场")
    ACCOUNT_MANAGER = "account_manager", _("招商经理转交")


class Priority(models.TextChoices):
    LOW = "low", _("低")
    NORMAL = "normal", _("普通")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class Status(models.TextChoices):
    NEW = "new", _("新建")  # received, nobody has acted yet
    OPEN = "open", _("处理中")  # someone is working on it
    WAITING = "waiting", _("等待客户")  # ball in the customer's court; pauses the resolution clock
    RESOLVED = "resolved", _("已解决")  # solution given, customer may still reopen
    CLOSED = "closed", _("已关闭")  # finished; reopening is explicit and audited


# Allowed status transitions. Moving from resolved/closed back to open is a "reopen".
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
}
ACTIVE_STATUSES = [Status.NEW, Status.OPEN, Status.WAITING]
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
# The sort keys of "by priority" (urgent first) and "by status" (in the order of the work: new first). Each
# has an index (Ticket.Meta) so the list pages straight to any page at 1M orders (issue 9: a full sort of
# the visible orders took 5 s); the index and the queries must use these same expressions.
PRIORITY_RANK = models.Case(*[models.When(priority=str(p), then=models.Value(i)) for p, i in PRIORITY_ORDER.items()],
                            default=models.Value(9), output_field=models.IntegerField())
STATUS_RANK = models.Case(*[models.When(status=s, then=models.Value(i)) for i, s in enumerate(Status.values)],
                          default=models.Value(9), output_field=models.IntegerField())


class Ticket(models.Model):
    """工单: one consultation, complaint, after-sales request, suggestion or callback."""

    number = models.CharField(_("工单号"), max_length=24, unique=True)
    subject = models.CharField(_("主题"), max_length=200)
    type = models.CharField(_("类型"), max_length=20, choices=TicketType.choices, default=TicketType.CONSULTATION)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("客户"))
    # 首问负责人: set at creation, changed only by an explicit, audited hand-over.
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="first_responder_tickets",
        verbose_name=_("首问负责人"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_tickets", verbose_name=_("处理人"),
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets",
                             verbose_name=_("班组"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="tickets",
                                   verbose_name=_("受理部门"))
    # The responsible department a case was dispatched (转派) to, whose handlers then see it.
    dispatched_to = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="dispatched_tickets",
        verbose_name=_("责任部门"),
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    intake = models.JSONField(_("十问"), default=dict, blank=True)
    account_manager = models.CharField(_("招商经理"), max_length=60, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged_tickets", verbose_name=_("已合并到"))
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("关联工单"))
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    created_at = models.DateTimeField(_("创建时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    first_response_at = models.DateTimeField(_("首次回复"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # The earliest running SLA clock, copied here by kefu.sla so lists can sort and colour without joins.
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True, db_index=True)
    due_warning_at = models.DateTimeField(null=True, blank=True)
    due_provisional = models.BooleanField(default=False)  # the calendar had no data for a year it crossed
    due_paused = models.BooleanField(default=False)  # that clock is paused (waiting on the customer)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [models.Index(fields=["status", "due_at"]), models.Index(fields=["assignee", "status"]),
                   models.Index(fields=["resolved_at"]),  # the overview's resolved today
                   models.Index(fields=["status", "created_at"]),  # "closed, newest first" at 1M (issue 9)
                   models.Index(PRIORITY_RANK, models.F("created_at").desc(), models.F("id").desc(),
                                name="ticket_priority_rank"),
                   models.Index(STATUS_RANK, models.F("created_at").desc(), models.F("id").desc(),
                                name="ticket_status_rank")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


def reserve_ticket_id() -> int | None:
    """PostgreSQL: takes the next id from the table's sequence, so a new order is inserted once with its
    final number and due time. Inserting first and then updating the number rewrote a row with 17 indexes
    (a changed indexed column is not a HOT update) and left a dead row behind, on every create (issue 9).
    None where there is no sequence to take from (SQLite): the id is known only after the INSERT."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Ticket._meta.db_table])
        return cursor.fetchone()[0]


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("客户来信")
    REPLY = "reply", _("回复客户")
    NOTE = "note", _("内部备注")  # never shown to customers
    SYSTEM = "system", _("系统")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.message.ticket.number}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class TicketEvent(models.Model):
    """History as facts: an event code and its parameters (ids, codes, old and new values), who and when.

    The words a person reads are produced when the row is displayed, in that reader's language
    (kefu.tickets.events renders them); nothing ever parses them back. Rows are never edited.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    code = models.CharField(max_length=60)  # e.g. ticket.status_changed, complaint.approve, survey.sent
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "code"])]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("audit events cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")


class SavedView(models.Model):
    """我的视图: a user's named set of inbox filters (a query string of the inbox's own parameters)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")]

    def __str__(self) -> str:
        return self.name
