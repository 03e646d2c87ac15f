"""SLA alerts: warning and breach notify the right people, each once, under a frozen clock."""

from datetime import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from kefu.notifications.models import Notification
from kefu.sla.alerts import sla_send_alerts
from kefu.sla.models import SlaClock
from kefu.tickets import services as ts
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def dispatched(desk, django_capture_on_commit_callbacks):
    """A consultation received Monday 09:00 (first response due 10:00, warning 09:48), sent to after-sales."""
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)), \
            django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, created_at=at(2026, 3, 2, 9))
        ts.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    return ticket


def told(user) -> list[str]:
    return list(Notification.objects.filter(user=user, dedupe_key__startswith="sla:").values_list("text", flat=True))


def test_nothing_before_the_warning_share(dispatched, desk):
    assert sla_send_alerts(now=at(2026, 3, 2, 9, 47)) == 0


def test_warning_fires_once_for_assignee_first_responder_and_handlers(dispatched, desk):
    first = SlaClock.objects.get(ticket=dispatched, kind="first_response")
    assert first.warn_at == at(2026, 3, 2, 9, 48)
    assert sla_send_alerts(now=at(2026, 3, 2, 9, 50)) == 2  # agent (assignee = first responder) + handler
    assert sla_send_alerts(now=at(2026, 3, 2, 9, 55)) == 0  # not twice
    assert len(told(desk.agent)) == 1 and "即将超时" in told(desk.agent)[0]
    assert len(told(desk.handler)) == 1
    assert told(desk.supervisor) == []


def test_breach_fires_once_and_also_tells_the_supervisor(dispatched, desk):
    sla_send_alerts(now=at(2026, 3, 2, 9, 50))
    assert sla_send_alerts(now=at(2026, 3, 2, 10, 5)) == 3  # agent, handler, supervisor
    assert sla_send_alerts(now=at(2026, 3, 2, 10, 10)) == 0
    assert sla_send_alerts(now=at(2026, 3, 3, 10, 10)) == 0
    assert len(told(desk.supervisor)) == 1 and "已超时" in told(desk.supervisor)[0]
    assert len(told(desk.agent)) == 2  # one warning, one breach
    assert told(desk.other_supervisor) == []


def test_a_clock_that_skips_warning_sends_only_the_breach(dispatched, desk):
    assert sla_send_alerts(now=at(2026, 3, 2, 11)) == 3
    assert sla_send_alerts(now=at(2026, 3, 2, 11, 5)) == 0
    assert [t for t in told(desk.agent) if "即将超时" in t] == []


def test_a_stopped_clock_does_not_alert(dispatched, desk, django_capture_on_commit_callbacks):
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9, 30)), \
            django_capture_on_commit_callbacks(execute=True):
        ts.ticket_add_message(ticket=dispatched, by=desk.agent, kind="reply", body="您好")
    assert sla_send_alerts(now=at(2026, 3, 2, 10, 30)) == 0


def test_the_periodic_task_runs_the_alerts(dispatched, desk, django_capture_on_commit_callbacks):
    from kefu.jobs.models import Job
    from kefu.periodic import sla_alerts

    # the periodic entry enqueues a durable job; the worker (immediate here) runs it after commit
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9, 50)), \
            django_capture_on_commit_callbacks(execute=True):
        sla_alerts.call_local()
    assert len(told(desk.agent)) == 1
    # (the order changes also rang the reports' day rollup, kefu/reports/rollup.py: not this test's business)
    assert list(Job.objects.exclude(name="reports.rollup").values_list("name", "state")) == [("sla.alerts", "done")]


def _orders(desk, count: int) -> list:
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        tickets = [factories.ticket(desk.agent, created_at=at(2026, 3, 2, 9)) for _ in range(count)]
        for ticket in tickets:
            ts.ticket_dispatch(ticket=ticket, by=desk.agent, department=desk.aftersales)
    return tickets


def test_sending_many_alerts_takes_the_same_queries_as_a_few(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _orders(desk, 2)
    with CaptureQueriesContext(connection) as few:
        assert sla_send_alerts(now=at(2026, 3, 2, 11)) == 2 * 3  # agent, handler, supervisor each
    _orders(desk, 12)
    with CaptureQueriesContext(connection) as many:
        assert sla_send_alerts(now=at(2026, 3, 3, 11)) == 12 * 3
    assert len(many) == len(few)  # batched: notices, dedupe keys and preferences do not go row by row
    assert Notification.objects.filter(user=desk.supervisor, kind="sla.breached").count() == 14
    assert sla_send_alerts(now=at(2026, 3, 3, 12)) == 0  # marked: nothing twice


def test_a_notice_sent_meanwhile_by_another_worker_is_skipped_and_the_others_still_go(desk):
    from kefu.notifications import Notice, notify_many
    from kefu.notifications.services import preference_set

    Notification.objects.create(user=desk.agent, text="earlier", dedupe_key="k:1")
    preference_set(user=desk.teammate, muted=["sla.warning"])
    sent = notify_many([Notice([desk.agent, desk.handler], "t", dedupe_key="k:1", kind="sla.warning"),
                        Notice([desk.agent, desk.teammate], "u", dedupe_key="k:2", kind="sla.warning")])
    assert sent == 2  # handler k:1 and agent k:2; the agent had k:1, the teammate muted warnings
    assert sorted(Notification.objects.values_list("user_id", "dedupe_key")) == sorted(
        [(desk.agent.pk, "k:1"), (desk.handler.pk, "k:1"), (desk.agent.pk, "k:2")])


def test_a_race_on_the_same_key_falls_back_to_row_by_row(desk):
    """Another worker inserted the same notice between our check and our insert: the unique key refuses it
    and the others are still created, each once."""
    from kefu.notifications import services as ns

    rows = [Notification(user_id=u.pk, kind="sla.warning", text="t", dedupe_key="k:9")
            for u in (desk.agent, desk.handler)]
    Notification.objects.create(user=desk.agent, text="raced", dedupe_key="k:9")
    created = ns._insert(rows)
    assert [row.user_id for row in created] == [desk.handler.pk]
    assert Notification.objects.filter(dedupe_key="k:9").count() == 2
