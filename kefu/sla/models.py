"""Working-day calendars (工作日历), SLA policies and per-work-order SLA clocks."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.tickets.models import Priority, Ticket, TicketType


class Calendar(models.Model):
    """A weekly schedule plus dated exceptions; each team uses one, the default serves the rest.

    ``weekly`` maps weekday "0" (Monday) .. "6" to a list of ["HH:MM", "HH:MM"] periods.
    ``known_years`` lists the years whose holiday arrangement (放假/调休) has been entered; other
    years follow the weekly schedule and their deadlines are marked provisional.
    """

    name = models.CharField(_("名称"), max_length=60, unique=True)
    weekly = models.JSONField(_("每周营业时间"), default=dict)
    start_day_cutoff = models.TimeField(
        _("当日计入截止时间"), null=True, blank=True,
        help_text=_("在此时间前受理的工单，受理当天算作第 1 个工作日；留空则受理当天为第 0 天。"))
    observes_holidays = models.BooleanField(
        _("遵循法定节假日"), default=True, help_text=_("7×24 热线等不放假的日历请取消勾选。"))
    known_years = models.JSONField(_("已录入节假日的年份"), default=list, blank=True)
    is_default = models.BooleanField(_("默认日历"), default=False)
    # Bumped by every change so cached WorkCalendar objects of other processes are rebuilt.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                               name="one_default_calendar")]

    def __str__(self) -> str:
        return self.name


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarException(models.Model):
    """One dated exception: a holiday, or a make-up working day with its own hours (or Monday's)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=ExceptionKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)
    periods = models.JSONField(_("营业时间"), null=True, blank=True)  # [["09:00","18:00"]]; None = Monday's

    class Meta:
        ordering = ["day"]
        verbose_name = _("日历例外")
        verbose_name_plural = _("日历例外")
        constraints = [models.UniqueConstraint(fields=["calendar", "day"], name="one_exception_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class Unit(models.TextChoices):
    # the same words as clock.UNIT_LABELS (the pure core cannot translate), here in the reader's language
    BUSINESS_HOURS = "business_hours", _("工作小时")
    CALENDAR_HOURS = "calendar_hours", _("自然小时")
    WORKING_DAYS = "working_days", _("工作日")


class SlaPolicy(models.Model):
    """Targets for one work-order type and priority; blank type or priority matches any."""

    ticket_type = models.CharField(_("工单类型"), max_length=20, choices=TicketType.choices, blank=True)
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, blank=True)
    first_response = models.FloatField(_("首次响应"), null=True, blank=True)
    first_response_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.BUSINESS_HOURS)
    next_response = models.FloatField(_("后续响应"), null=True, blank=True)
    next_response_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.BUSINESS_HOURS)
    resolution = models.FloatField(_("解决"), null=True, blank=True)
    resolution_unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    warning_share = models.FloatField(_("预警比例"), default=0.8)

    class Meta:
        ordering = ["ticket_type", "priority"]
        verbose_name = _("SLA 策略")
        verbose_name_plural = _("SLA 策略")
        constraints = [models.UniqueConstraint(fields=["ticket_type", "priority"], name="one_policy_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_ticket_type_display() or '任意类型'} / {self.get_priority_display() or '任意优先级'}"


class SlaClock(models.Model):
    """One clock of one work order. Due, warning and pause figures are derived (see kefu.sla.clock)
    and stored only so lists and the alert task can query them; ``state_at(now)`` is the truth.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    kind = models.CharField(_("类型"), max_length=40)
    label = models.CharField(_("名称"), max_length=60, blank=True)
    # Policy clocks (first/next response, resolution) are re-derived from the ticket's timestamps;
    # other kinds (complaint_reply ...) are started and stopped explicitly through the services.
    derived = models.BooleanField(default=False)
    target_amount = models.FloatField()
    target_unit = models.CharField(max_length=20, choices=Unit.choices)
    warning_share = models.FloatField(default=0.8)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(db_index=True)
    warn_at = models.DateTimeField()
    paused_seconds = models.FloatField(default=0)
    paused_now = models.BooleanField(default=False)
    provisional = models.BooleanField(default=False)
    # Which alert has gone out for this run of the clock ("", "warning", "breached"): a record of
    # sent mail, not a state; restarting the clock clears it.
    alerted = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("SLA 计时")
        verbose_name_plural = _("SLA 计时")
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="one_clock_per_kind")]
        indexes = [
            models.Index(fields=["stopped_at", "warn_at"]), models.Index(fields=["stopped_at", "due_at"]),
            # Only the clocks that still owe an alert: the 5-minute alert task reads these, whatever the backlog.
            models.Index(fields=["warn_at"], name="sla_clock_owes_warning",
                         condition=models.Q(stopped_at__isnull=True, paused_now=False, alerted="")),
            models.Index(fields=["due_at"], name="sla_clock_owes_breach",
                         condition=models.Q(stopped_at__isnull=True, paused_now=False) & ~models.Q(alerted="breached")),
            # Only the complaint flow's clocks (kefu.complaints.deadlines): 投诉分析's on-time shares read these
            # instead of filtering every clock by kind (a scan of 1.8M clocks at 1M orders, issue 9).
            models.Index(fields=["kind", "ticket"], name="sla_clock_complaint_kinds",
                         condition=models.Q(kind__in=["complaint_reply", "complaint_implement"])),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}"
