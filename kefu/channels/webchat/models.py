"""Web chat: a department's widget settings, visitors' sessions and their lines, agents' presence."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department
from kefu.customers.models import Customer
from kefu.tickets.models import Message, Ticket


class ChatSettings(models.Model):
    """What a department's widget says, when it is open, and who owns the messages left out of hours."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="chat_settings",
                                      verbose_name=_("部门"))
    is_enabled = models.BooleanField(_("启用"), default=True)
    greeting = models.CharField(_("欢迎语"), max_length=300, default="您好，欢迎咨询！请问有什么可以帮您？")
    offline_text = models.CharField(
        _("留言提示"), max_length=300,
        default="现在不在服务时间或暂无客服在线，请留下您的问题和电话，我们会尽快联系您。")
    pre_chat_form = models.BooleanField(_("开始前填写姓名和电话"), default=True)
    # 首问负责人 of the work orders made from messages left outside hours.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("留言工单的首问负责人"))
    calendar = models.ForeignKey("sla.Calendar", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("服务时间（工作日历）"),
                                 help_text=_("留空使用默认工作日历"))

    class Meta:
        verbose_name = _("在线客服设置")
        verbose_name_plural = _("在线客服设置")

    def __str__(self) -> str:
        return str(self.department)


class SessionState(models.TextChoices):
    QUEUED = "queued", _("排队中")  # waiting for an agent to accept
    ACTIVE = "active", _("接待中")  # an agent accepted; lines go to the work order's thread
    MESSAGE = "message", _("留言")  # out of hours or nobody online: the lines become a work order
    CLOSED = "closed", _("已结束")


class ChatSession(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_digest = models.CharField(max_length=64)  # SHA-256 of the visitor's token; the token is shown once
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    visitor_name = models.CharField(_("访客姓名"), max_length=60, blank=True)
    visitor_phone = models.CharField(_("访客电话"), max_length=30, blank=True)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="chat_sessions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    state = models.CharField(max_length=10, choices=SessionState.choices, default=SessionState.QUEUED,
                             db_index=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.public_id)

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(24)
        return token, hashlib.sha256(token.encode()).hexdigest()

    def token_matches(self, token: str) -> bool:
        digest = hashlib.sha256((token or "").encode()).hexdigest()
        return secrets.compare_digest(digest, self.token_digest)


class Sender(models.TextChoices):
    VISITOR = "visitor", _("访客")
    AGENT = "agent", _("客服")
    SYSTEM = "system", _("系统")


class ChatLine(models.Model):
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="lines")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()
    # The copy in the work order's thread (set once the session has an order).
    thread_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class AgentPresence(models.Model):
    """An agent taking chats: online while their chat panel is open and says so (heartbeat)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_presence")
    online = models.BooleanField(default=False)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} {'online' if self.online else 'offline'}"
