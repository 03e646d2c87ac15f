"""Scheduled reports (定期报表): a supervisor's subscription and each report it delivered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class Subscription(models.Model):
    """Send me the report of each finished week or month, on the first working day after it ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    frequency = models.CharField(_("频率"), max_length=10, choices=Frequency.choices)
    by_email = models.BooleanField(_("邮件"), default=True)
    in_app = models.BooleanField(_("站内通知"), default=True)
    filters = models.JSONField(default=dict, blank=True)  # {"team": id, "channel": "...", "type": "..."}
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "frequency"]
        verbose_name = _("报表订阅")
        verbose_name_plural = _("报表订阅")
        constraints = [models.UniqueConstraint(fields=["user", "frequency"], name="one_report_subscription_per_frequency")]

    def __str__(self) -> str:
        return f"{self.user} {self.frequency}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class ReportDelivery(models.Model):
    """One period's report for one subscription: built once (unique), kept for download from the notice."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    period = models.CharField(_("期间"), max_length=10)  # 2026-W49 or 2026-11
    start = models.DateField()
    end = models.DateField()
    xlsx = models.BinaryField()
    summary = models.JSONField(default=dict)
    email_state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    email_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("报表发送记录")
        verbose_name_plural = _("报表发送记录")
        constraints = [models.UniqueConstraint(fields=["subscription", "period"], name="one_report_per_period")]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period}"


class WorkTime(models.Model):
    """Rollup kept by background work: one order's first-response and resolution times in working time
    (its team's SLA calendar), for the times it was computed at. A row whose times no longer match the
    order's (reopened, resolved again) is stale: readers compute those orders live and the job redoes them."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="worktime")
    first_response_at = models.DateTimeField(null=True)
    first_response_s = models.FloatField(null=True)
    resolved_at = models.DateTimeField(null=True)
    resolution_s = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("工作时长汇总")
        verbose_name_plural = _("工作时长汇总")

    def __str__(self) -> str:
        return str(self.ticket_id)


class DayFact(models.Model):
    """Rollup kept by background work (kefu/reports/rollup.py): per local day and order dimensions, the
    stable counts of the orders created that day (created, still open, their stopped SLA clocks and how
    many met their due time) and of the orders resolved that day. Rows with ``due_day`` set count the
    running, unpaused clocks of the day's orders by the local day they fall due. Readers use a day only
    while its RollupDay says it is built for its latest change; every other day (and today) is read live."""

    day = models.DateField()
    department_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    assignee_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=20)
    type = models.CharField(max_length=20)
    priority = models.CharField(max_length=10)
    due_day = models.DateField(null=True)
    created = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    fr_stopped = models.IntegerField(default=0)
    fr_met = models.IntegerField(default=0)
    nr_stopped = models.IntegerField(default=0)
    nr_met = models.IntegerField(default=0)
    res_stopped = models.IntegerField(default=0)
    res_met = models.IntegerField(default=0)
    fr_running = models.IntegerField(default=0)
    nr_running = models.IntegerField(default=0)
    res_running = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        indexes = [models.Index(fields=["day"], name="dayfact_day"),
                   models.Index(fields=["department_id", "day"], name="dayfact_department_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.assignee_id}"


class RollupDay(models.Model):
    """One local day of the DayFact rollup: every order change touching the day bumps ``version`` (after
    commit); the job stores the version it built. The day is read from the rollup only while they match."""

    day = models.DateField(primary_key=True)
    version = models.IntegerField(default=0)
    built_version = models.IntegerField(default=-1)
    built_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("日汇总状态")
        verbose_name_plural = _("日汇总状态")

    def __str__(self) -> str:
        return f"{self.day} v{self.version}/{self.built_version}"
