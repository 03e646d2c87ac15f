"""Satisfaction surveys (满意度调查): questionnaires, sending rules, the surveys sent and their answers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department
from kefu.customers.models import Customer
from kefu.tickets.models import Channel, Ticket, TicketType


class QuestionKind(models.TextChoices):
    STARS = "stars", _("星级 1-5")  # labels: five editable words, one per star
    YES_NO = "yes_no", _("是/否")  # e.g. "was your problem solved?" (first-contact resolution)
    EFFORT = "effort", _("费力度 1-7")  # customer effort score
    NPS = "nps", _("推荐度 0-10")  # net promoter score
    CHOICE = "choice", _("单选")  # labels: the options
    TEXT = "text", _("文字意见")


# The score range each kind accepts; choice indexes into labels, text has no score.
SCORE_RANGE = {QuestionKind.STARS: (1, 5), QuestionKind.EFFORT: (1, 7), QuestionKind.NPS: (0, 10),
               QuestionKind.YES_NO: (0, 1)}


class Questionnaire(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    intro = models.TextField(_("开场白"), blank=True)
    is_default = models.BooleanField(_("默认问卷"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("调查问卷")
        verbose_name_plural = _("调查问卷")

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # What the answer measures; ratings read "satisfaction", "service_quality" (attitude) and "resolved".
    code = models.SlugField(_("指标代码"), max_length=40)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=200)
    labels = models.JSONField(_("选项/星级文字"), default=list, blank=True)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        unique_together = [("questionnaire", "code")]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")

    def __str__(self) -> str:
        return self.text


class SurveyRule(models.Model):
    """Which resolved orders get a survey: the most specific enabled rule for (type, channel) wins."""

    ticket_type = models.CharField(_("工单类型"), max_length=20, choices=TicketType.choices, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, blank=True)
    send_on_resolve = models.BooleanField(_("解决后发送"), default=True)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, null=True, blank=True,
                                      verbose_name=_("问卷"), help_text=_("留空时使用默认问卷"))

    class Meta:
        unique_together = [("ticket_type", "channel")]
        verbose_name = _("发送规则")
        verbose_name_plural = _("发送规则")

    def __str__(self) -> str:
        return f"{self.get_ticket_type_display() or '*'} / {self.get_channel_display() or '*'}"


class Trigger(models.TextChoices):
    RESOLVED = "resolved", _("工单解决")
    MANUAL = "manual", _("手动发送")
    API = "api", _("接口发送")
    CALLBACK = "callback", _("回访后")
    COMPLAINT_RECEIPT = "complaint_receipt", _("投诉回执")


class Delivery(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    LINK_ONLY = "link_only", _("无可用渠道，请复制链接发送")
    FAILED = "failed", _("发送失败")


class Survey(models.Model):
    """One survey sent to a customer about one work order; its link works once, until expires_at."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("工单"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="surveys")
    # The agent the answers are about: the order's handler when it was sent (else its first responder).
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="surveys_about", verbose_name=_("客服"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    trigger = models.CharField(_("触发"), max_length=20, choices=Trigger.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    channel = models.CharField(_("发送渠道"), max_length=20, blank=True)
    delivery = models.CharField(_("发送状态"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    delivery_note = models.CharField(max_length=200, blank=True)
    nonce = models.CharField(max_length=32, blank=True)  # the live link; cleared once answered
    sent_at = models.DateTimeField(_("发送时间"), db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答时间"), null=True, blank=True, db_index=True)
    low_score = models.BooleanField(_("低分"), default=False)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        indexes = [models.Index(fields=["agent", "answered_at"]), models.Index(fields=["customer", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.sent_at:%Y-%m-%d}"

    def state_at(self, now) -> str:
        if self.answered_at:
            return "answered"
        return "expired" if now >= self.expires_at else "sent"


class Answer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.SET_NULL, null=True, related_name="+")
    # Copied from the question: a later edit of the questionnaire does not change what was answered.
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    question_text = models.CharField(max_length=200)
    score = models.SmallIntegerField(null=True)  # stars, effort, NPS, yes=1/no=0, choice index
    text = models.TextField(blank=True)  # free text, or the chosen option's words

    class Meta:
        ordering = ["survey", "id"]
        indexes = [models.Index(fields=["code", "score"])]

    def __str__(self) -> str:
        return f"{self.code}={self.score if self.score is not None else self.text[:20]}"
