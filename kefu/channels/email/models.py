"""Mailboxes Kefu reads, and the trace of every mail in and out (Message-IDs for threading)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Team
from kefu.tickets.models import Message, Ticket


class Mailbox(models.Model):
    """A mailbox polled over IMAP (or fed by the webhook), whose new mail becomes work orders of a
    department (or one of its teams)."""

    name = models.CharField(_("名称"), max_length=60)
    address = models.EmailField(_("邮箱地址"), unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="mailboxes",
                                   verbose_name=_("受理部门"))
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="mailboxes",
                             verbose_name=_("班组"))
    # 首问负责人 of the orders this mailbox opens (a supervisor leaves them unassigned in the team queue).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("新工单的首问负责人"))
    imap_host = models.CharField(_("IMAP 服务器"), max_length=200, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP 端口"), default=993)
    imap_ssl = models.BooleanField(_("使用 SSL"), default=True)
    imap_user = models.CharField(_("IMAP 用户名"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP 密码"), max_length=200, blank=True)
    imap_folder = models.CharField(_("文件夹"), max_length=100, default="INBOX")
    is_active = models.BooleanField(_("启用"), default=True)
    # Where polling resumes: mail with a UID above this was not read yet (reset when UIDVALIDITY changes).
    uid_validity = models.BigIntegerField(default=0, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("上次收取"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("上次错误"), max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("邮箱")
        verbose_name_plural = _("邮箱")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class DepartmentMail(models.Model):
    """A department's signature and whether it acknowledges new mail automatically."""

    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="mail_settings",
                                      verbose_name=_("部门"))
    signature = models.TextField(_("签名"), blank=True)
    acknowledge = models.BooleanField(_("自动回执"), default=True,
                                      help_text=_("新邮件建单后自动回复工单号（带 Auto-Submitted，不回复自动邮件）"))

    class Meta:
        verbose_name = _("部门邮件设置")
        verbose_name_plural = _("部门邮件设置")

    def __str__(self) -> str:
        return str(self.department)


class ReplyTemplate(models.Model):
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="reply_templates",
                                   verbose_name=_("部门"))
    title = models.CharField(_("标题"), max_length=60)
    body = models.TextField(_("内容"))

    class Meta:
        ordering = ["department__name", "title"]
        verbose_name = _("邮件回复模板")
        verbose_name_plural = _("邮件回复模板")

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    CREATED = "created", _("新建工单")
    THREADED = "threaded", _("并入工单")
    AUTOMATIC = "automatic", _("自动邮件，未回复")
    RATE_LIMITED = "rate_limited", _("超过发件频率，并入最近工单")


class InboundMail(models.Model):
    """One received mail. The unique Message-ID makes a second delivery of the same mail a no-op."""

    message_id = models.CharField(max_length=255, unique=True)
    mailbox = models.ForeignKey(Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="inbound_mails")
    # The customer message this mail became in the order's thread.
    thread_message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    sender = models.EmailField(db_index=True)
    subject = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    automatic_reason = models.CharField(max_length=80, blank=True)
    html = models.TextField(blank=True)  # sanitised; remote images already removed
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["sender", "received_at"])]

    def __str__(self) -> str:
        return self.message_id


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")  # recorded; background work will send it after the commit
    SENT = "sent", _("已发送")  # the SMTP server accepted it
    FAILED = "failed", _("发送失败")  # retries exhausted or refused for good; reason says why


class OutboundMail(models.Model):
    """A mail Kefu sends: an agent's reply or an automatic acknowledgement."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outbound_mails")
    # The agent's reply this mail carries (none for an automatic acknowledgement).
    thread_message = models.OneToOneField(Message, on_delete=models.CASCADE, null=True, blank=True,
                                          related_name="outbound_mail")
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    automatic = models.BooleanField(default=False)  # carries Auto-Submitted: auto-replied
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    reason = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.message_id
