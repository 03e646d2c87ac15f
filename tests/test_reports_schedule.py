"""Scheduled reports (issue 15) on a fake clock: owed on working days only, each period delivered once in
the app and by mail with the XLSX attached, durable through kefu.jobs, nothing lost when mail fails."""

from io import BytesIO
from unittest.mock import patch

import pytest
from openpyxl import load_workbook

from kefu.jobs.models import Job
from kefu.notifications.models import Notification
from kefu.reports.models import DeliveryState, ReportDelivery
from kefu.reports.schedule import last_period, reports_schedule, subscription_save
from tests.mailservers import free_port
from tests.report_fixtures import at, department_orders
from tests.test_reports import run  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscribed(desk, run):  # noqa: F811
    department_orders(desk, run)
    desk.supervisor.email = "boss@kefu.test"
    desk.supervisor.save()
    subscription_save(user=desk.supervisor, frequency="weekly", by_email=True, in_app=True)
    subscription_save(user=desk.supervisor, frequency="monthly", by_email=True, in_app=True)
    return desk.supervisor


def tick(when):
    with patch("django.utils.timezone.now", return_value=when):
        return reports_schedule(now=when)


def test_periods_owed():
    assert last_period("weekly", at(2026, 10, 8).date()) == ("2026-W40", last_period("weekly", at(2026, 10, 5).date())[1])
    code, period = last_period("weekly", at(2026, 10, 8).date())
    assert (period.start.isoformat(), period.end.isoformat()) == ("2026-09-28", "2026-10-04")
    code, period = last_period("monthly", at(2026, 10, 8).date())
    assert code == "2026-09" and (period.start.isoformat(), period.end.isoformat()) == ("2026-09-01", "2026-09-30")


def test_sent_on_the_first_working_day_once_in_app_and_by_mail(desk, subscribed, smtp_server):
    assert tick(at(2026, 10, 3, 9, 7)) == 0  # a Saturday in the National Day holiday
    assert tick(at(2026, 10, 5, 9, 7)) == 0  # Monday, still a holiday
    assert ReportDelivery.objects.count() == 0
    assert tick(at(2026, 10, 8, 9, 7)) == 2  # Thursday 10-08: first working day after the week and the month
    assert set(ReportDelivery.objects.values_list("period", flat=True)) == {"2026-W40", "2026-09"}
    assert all(d.email_state == DeliveryState.SENT for d in ReportDelivery.objects.all())
    notices = Notification.objects.filter(user=subscribed, kind="reports.ready")
    assert notices.count() == 2 and all(n.url.startswith("/reports/deliveries/") for n in notices)
    assert len(smtp_server.received) == 2
    monthly = next(m for m in smtp_server.received if "2026-09" in m["Subject"])
    body = monthly.get_body(("plain",)).get_content()
    # September: T1, T2, T3 and T5 created; T1, T3, T5 resolved in it; first response met by T1, T3, T5 (T2 late)
    assert monthly["To"] == "boss@kefu.test"
    assert "新建工单: 4" in body and "已解决工单: 3" in body and "首次响应达标率%: 75.0" in body
    [attachment] = list(monthly.iter_attachments())
    wb = load_workbook(BytesIO(attachment.get_payload(decode=True)))
    assert wb.sheetnames[0] == "汇总"
    summary = {row[0].value: row[1].value for row in wb["汇总"].iter_rows(min_row=2)}
    assert (summary["新建工单"], summary["已解决工单"], summary["首次响应达标率%"]) == (4, 3, 75.0)
    # the next working day nothing is owed again
    assert tick(at(2026, 10, 9, 9, 7)) == 0
    assert ReportDelivery.objects.count() == 2 and len(smtp_server.received) == 2 and notices.count() == 2


def test_mail_failure_keeps_the_report_and_a_later_run_sends_it_once(desk, subscribed, smtp_server, settings):
    live = settings.KEFU_SMTP_URL
    settings.KEFU_SMTP_URL = f"smtp://127.0.0.1:{free_port()}"
    settings.KEFU_SMTP_TIMEOUT = 2
    tick(at(2026, 10, 8, 9, 7))
    assert ReportDelivery.objects.count() == 2  # built and in the app already
    assert all(d.email_state == DeliveryState.PENDING and d.email_reason for d in ReportDelivery.objects.all())
    assert Notification.objects.filter(user=subscribed, kind="reports.ready").count() == 2
    assert Job.objects.filter(name="reports.deliver", state="pending").count() == 2  # retried with backoff
    settings.KEFU_SMTP_URL = live
    Job.objects.filter(name="reports.deliver").delete()  # say the retries ran out: the hourly schedule re-owes it
    assert tick(at(2026, 10, 8, 10, 7)) == 2
    assert len(smtp_server.received) == 2
    assert all(d.email_state == DeliveryState.SENT for d in ReportDelivery.objects.all())
    assert Notification.objects.filter(user=subscribed, kind="reports.ready").count() == 2  # not told twice


def test_subscription_rules_and_page(client, desk):
    from kefu.core.errors import DomainError, Forbidden

    with pytest.raises(Forbidden):
        subscription_save(user=desk.agent, frequency="weekly", by_email=False, in_app=True)
    with pytest.raises(DomainError):
        subscription_save(user=desk.supervisor, frequency="daily", by_email=False, in_app=True)
    with pytest.raises(DomainError):  # no e-mail address on the account
        subscription_save(user=desk.supervisor, frequency="weekly", by_email=True, in_app=False)
    client.force_login(desk.supervisor)
    client.post("/reports/subscriptions/", {"frequency": "monthly", "in_app": "1"})
    assert desk.supervisor.report_subscriptions.get().frequency == "monthly"
    assert client.get("/reports/subscriptions/").status_code == 200
