"""Scheduled reports: which finished week or month each subscription is owed, and delivering it once.

A report is due on the first working day (the default SLA calendar, kefu.workcal) after its period ends,
or on any later working day if it has not gone out yet; never on weekends or holidays. Delivery is
durable background work (kefu.jobs): the in-app notice and the stored XLSX commit together under a
unique (subscription, period) row; the mail is sent after and recorded as sent, retried on failure.
"""

from __future__ import annotations

import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu import policy
from kefu.channels.email.outbound import smtp_send
from kefu.core.errors import DomainError
from kefu.jobs import enqueue
from kefu.notifications.services import notify
from kefu.sla.calendars import default_calendar, work_calendar
from kefu.tickets.exports import as_bytes

from . import tables
from .exports import tables_workbook
from .filters import Period, build_filter
from .models import DeliveryState, Frequency, ReportDelivery, Subscription
from .notices import READY
from .summary import summary, summary_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCHEDULED_TABLES = ("volume_channel", "volume_type", "volume_day", "sla_policy", "working_time", "complaint_categories",
                    "qa_agents", "csat_stars", "teams", "agents")


def last_period(frequency: str, today: date) -> tuple[str, Period]:
    """The last finished week (Monday-Sunday) or month before ``today``."""
    if frequency == Frequency.WEEKLY:
        monday = today - timedelta(days=today.weekday() + 7)
        iso = monday.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", Period(monday, monday + timedelta(days=6))
    end = today.replace(day=1) - timedelta(days=1)
    return f"{end:%Y-%m}", Period(end.replace(day=1), end)


def subscription_save(*, user, frequency: str, by_email: bool, in_app: bool, filters: dict | None = None) -> Subscription:
    policy.require(policy.can_subscribe_reports(user), _("只有主管和管理员可以订阅定期报表"))
    if frequency not in Frequency.values:
        raise DomainError(_("频率应为每周或每月"), field="frequency")
    if not (by_email or in_app):
        raise DomainError(_("请至少选择一种发送方式"), field="by_email")
    if by_email and not user.email:
        raise DomainError(_("您的账号没有邮箱，无法邮件发送"), field="by_email")
    sub, _created = Subscription.objects.update_or_create(
        user=user, frequency=frequency, defaults={"by_email": by_email, "in_app": in_app, "filters": filters or {}})
    return sub


def subscription_delete(*, user, pk: int) -> None:
    Subscription.objects.filter(user=user, pk=pk).delete()


def reports_schedule(now: datetime | None = None) -> int:
    """Enqueues the deliveries owed today (one job per subscription and period; keys dedupe). Returns how many."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if not work_calendar(default_calendar()).is_working_day(today):
        return 0
    queued = 0
    for sub in Subscription.objects.select_related("user").filter(user__is_active=True):
        code, _period = last_period(sub.frequency, today)
        if ReportDelivery.objects.filter(subscription=sub, period=code).exclude(
                email_state=DeliveryState.PENDING).exists():
            continue
        enqueue("reports.deliver", {"subscription": sub.pk, "period": code, "today": today.isoformat()},
                key=f"reports.deliver:{sub.pk}:{code}")
        queued += 1
    return queued


def build_report(sub: Subscription, period: Period) -> tuple[bytes, dict]:
    user = sub.user
    f = build_filter(user, period, **{k: v for k, v in (sub.filters or {}).items()
                                      if k in ("team", "channel", "type")})
    figures = summary(user, f)
    with translation.override(settings.LANGUAGE_CODE):
        built = [tables.build(name, user, f) for name in SCHEDULED_TABLES]
        data = as_bytes(tables_workbook(built, summary=summary_lines(figures)))
    return data, figures


def report_deliver(*, subscription_id: int, code: str, today: date) -> ReportDelivery | None:
    """Builds the period's report once (notice and file commit together), then mails it if asked."""
    sub = Subscription.objects.select_related("user").filter(pk=subscription_id).first()
    if sub is None or not sub.user.is_active or not policy.can_subscribe_reports(sub.user):
        return None
    expected, period = last_period(sub.frequency, today)
    if expected != code:
        return None
    delivery = ReportDelivery.objects.filter(subscription=sub, period=code).first()
    if delivery is None:
        data, figures = build_report(sub, period)
        try:
            with transaction.atomic():
                delivery = ReportDelivery.objects.create(
                    subscription=sub, period=code, start=period.start, end=period.end, xlsx=data, summary=figures,
                    created_at=timezone.now(),
                    email_state=DeliveryState.PENDING if sub.by_email else DeliveryState.SENT)
                if sub.in_app:
                    notify(users=[sub.user], kind=READY, url=f"/reports/deliveries/{delivery.pk}/",
                           text=_("%(period)s 的报表已生成") % {"period": code}, dedupe_key=f"report:{sub.pk}:{code}")
        except IntegrityError:  # another run built it first
            delivery = ReportDelivery.objects.get(subscription=sub, period=code)
    if delivery.email_state == DeliveryState.PENDING:
        _mail(delivery)
    return delivery


def _mail(delivery: ReportDelivery) -> None:
    sub = delivery.subscription
    msg = EmailMessage()
    msg["From"] = formataddr((settings.KEFU_COMPANY_NAME, settings.KEFU_MAIL_FROM))
    msg["To"] = sub.user.email
    msg["Subject"] = _("客服统计报表 %(period)s") % {"period": delivery.period}
    lines = [f"{label}: {'—' if value is None else value}" for label, value in summary_lines(delivery.summary)]
    msg.set_content("\n".join([f"{delivery.start} ~ {delivery.end}", *lines, "",
                               f"{settings.KEFU_SITE_URL}/reports/?from={delivery.start}&to={delivery.end}"]))
    msg.add_attachment(bytes(delivery.xlsx), maintype="application", subtype=XLSX.split("/")[1],
                       filename=f"kefu-report-{delivery.period}.xlsx")
    try:
        smtp_send(msg)
    except (smtplib.SMTPException, OSError) as exc:
        ReportDelivery.objects.filter(pk=delivery.pk).update(email_reason=(str(exc) or exc.__class__.__name__)[:300])
        raise  # the job retries with backoff; after its last attempt the job shows as failed
    ReportDelivery.objects.filter(pk=delivery.pk).update(email_state=DeliveryState.SENT, email_reason="",
                                                         sent_at=timezone.now())
