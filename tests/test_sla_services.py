"""SLA clocks through the product: policies, the ticket_changed signal, pauses, provisional years."""

from datetime import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from kefu.core.errors import DomainError
from kefu.sla import calendar_services as cs
from kefu.sla.models import Calendar, SlaClock, SlaPolicy
from kefu.sla.services import Target, clock_start, clock_stop, clocks_recompute, state_of
from kefu.tickets import services as ts
from kefu.tickets.models import Ticket
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs on_commit hooks (the ticket_changed signal) as a real commit would."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


def clock(ticket: Ticket, kind: str) -> SlaClock:
    return SlaClock.objects.get(ticket=ticket, kind=kind)


def test_complaint_on_30_september_is_due_end_of_business_13_october(desk, committed):
    # 09-30 is day 0; 10-01..07 National Day holidays; 10-08, 10-09, 10-10 (make-up Saturday, 调休上班),
    # 10-12, 10-13 are working days 1..5, so the 5-working-day resolution target ends 2026-10-13 18:00.
    SlaPolicy.objects.filter(ticket_type="complaint", priority="").update(resolution=5, resolution_unit="working_days")
    with patch("django.utils.timezone.now", return_value=at(2026, 9, 30, 16)):
        ticket = committed(factories.ticket, desk.agent, type="complaint", created_at=at(2026, 9, 30, 16))
    resolution = clock(ticket, "resolution")
    assert resolution.due_at == at(2026, 10, 13, 18)
    assert not resolution.provisional
    # first response: 2 business hours from 16:00 -> 18:00 the same day
    assert clock(ticket, "first_response").due_at == at(2026, 9, 30, 18)
    ticket.refresh_from_db()
    assert ticket.due_at == at(2026, 9, 30, 18)  # the earliest running clock


def test_reply_stops_first_response_and_due_moves_to_resolution(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        ticket = committed(factories.ticket, desk.agent, type="complaint", created_at=at(2026, 3, 2, 9))
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 10)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="reply", body="您好，已收到")
    first = clock(ticket, "first_response")
    assert first.stopped_at == at(2026, 3, 2, 10)
    assert state_of(first, at(2026, 3, 5, 9)) == "met"
    ticket.refresh_from_db()
    assert ticket.due_at == clock(ticket, "resolution").due_at == at(2026, 3, 9, 18)


def test_waiting_on_customer_pauses_the_resolution_clock(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        ticket = committed(factories.ticket, desk.agent, created_at=at(2026, 3, 2, 9))  # consultation: 2 WD
    assert clock(ticket, "resolution").due_at == at(2026, 3, 4, 18)
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 10)):
        committed(ts.ticket_set_status, ticket=ticket, by=desk.agent, status="waiting")
    resolution = clock(ticket, "resolution")
    assert resolution.paused_now and state_of(resolution, at(2026, 3, 2, 10)) == "paused"
    ticket.refresh_from_db()
    assert ticket.due_at == clock(ticket, "first_response").due_at  # still counting, so it wins
    # the customer answers three business hours later (10:00-12:00, 13:30-14:30): due moves 3h later
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 14, 30)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="customer", body="补充信息")
    resolution = clock(ticket, "resolution")
    assert not resolution.paused_now
    assert resolution.paused_seconds == 3 * 3600
    assert resolution.due_at == at(2026, 3, 5, 12)  # Wed 18:00 + 3 business hours = Thu 12:00


def test_year_without_data_gives_a_provisional_deadline_and_a_warning(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 12, 30, 10)):
        ticket = committed(factories.ticket, desk.agent, type="complaint", created_at=at(2026, 12, 30, 10))
    resolution = clock(ticket, "resolution")
    assert resolution.provisional
    assert resolution.due_at == at(2027, 1, 6, 18)  # 2027-01-01 counted as a working day, unconfirmed
    from kefu.sla.selectors import missing_year_warnings
    warnings = missing_year_warnings(at(2026, 12, 30, 10).date())
    assert [(cal.name, years) for cal, years in warnings] == [("中国大陆工作日（标准）", [2027])]


def test_entering_next_years_holidays_recomputes_open_deadlines(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 12, 30, 10)):
        ticket = committed(factories.ticket, desk.agent, type="complaint", created_at=at(2026, 12, 30, 10))
    calendar = Calendar.objects.get(is_default=True)
    lines = "2027-01-01 holiday 元旦\n2027-01-04 holiday 元旦调休\n"
    with patch("django.utils.timezone.now", return_value=at(2026, 12, 30, 11)):
        committed(cs.exceptions_import, by=desk.admin, calendar=calendar, text=lines, complete_year=2027)
    resolution = clock(ticket, "resolution")
    assert not resolution.provisional
    assert resolution.due_at == at(2027, 1, 8, 18)  # 12-31, 01-05, 01-06, 01-07, 01-08


def test_bad_import_line_is_named_and_nothing_is_written(desk):
    calendar = Calendar.objects.get(is_default=True)
    before = calendar.exceptions.count()
    with pytest.raises(DomainError, match="第 2 行") as info:
        cs.exceptions_import(by=desk.admin, calendar=calendar, text="2027-01-01 holiday 元旦\n2027-13-01 holiday")
    assert info.value.field == "lines[2]"
    assert calendar.exceptions.count() == before


def test_non_admin_cannot_edit_a_calendar(desk):
    calendar = Calendar.objects.get(is_default=True)
    for user in (desk.supervisor, desk.agent):
        with pytest.raises(DomainError, match="管理员"):
            cs.exception_save(by=user, calendar=calendar, day=at(2027, 1, 1).date(), kind="holiday")


def test_team_calendar_7x24_is_used_for_its_tickets(desk, committed):
    desk.team_a.calendar = Calendar.objects.get(observes_holidays=False)
    desk.team_a.save()
    with patch("django.utils.timezone.now", return_value=at(2026, 10, 1, 20)):
        ticket = committed(factories.ticket, desk.agent, created_at=at(2026, 10, 1, 20))  # consultation, 1 bh
    assert abs((clock(ticket, "first_response").due_at - at(2026, 10, 1, 21)).total_seconds()) < 1


def test_contract_clock_start_and_stop(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 9, 30, 16)):
        ticket = committed(factories.ticket, desk.agent, type="complaint", created_at=at(2026, 9, 30, 16))
        started = clock_start(ticket=ticket, kind="complaint_implement", start=at(2026, 9, 30, 16),
                              target=Target(5, "working_days"), label="落实解决方案")
    assert started.due_at == at(2026, 10, 13, 18)
    clock_stop(ticket=ticket, kind="complaint_implement", at=at(2026, 10, 14, 9))
    stopped = clock(ticket, "complaint_implement")
    assert state_of(stopped, at(2026, 10, 20, 9)) == "breached"
    # recomputation keeps explicit clocks as they are
    clocks_recompute(ticket=ticket, now=at(2026, 10, 20, 9))
    assert clock(ticket, "complaint_implement").stopped_at == at(2026, 10, 14, 9)
    with pytest.raises(DomainError):
        clock_start(ticket=ticket, kind="resolution", start=at(2026, 9, 30, 16), target=Target(1, "working_days"))


def test_an_order_waiting_on_the_customer_keeps_a_moving_due_time(desk, committed):
    from kefu.sla.services import clocks_recompute_paused

    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        ticket = committed(factories.ticket, desk.agent, created_at=at(2026, 3, 2, 9))
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9, 30)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="reply", body="请提供订单号")
        committed(ts.ticket_set_status, ticket=ticket, by=desk.agent, status="waiting")
    ticket.refresh_from_db()
    assert ticket.due_at == at(2026, 3, 4, 18)  # only the paused resolution clock is left
    clocks_recompute_paused(now=at(2026, 3, 2, 11, 30))  # two business hours later
    ticket.refresh_from_db()
    assert ticket.due_at == at(2026, 3, 5, 11)  # Wed 18:00 + 2 business hours


def test_next_response_runs_from_a_customer_message_after_the_first_reply(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        ticket = committed(factories.ticket, desk.agent, created_at=at(2026, 3, 2, 9))  # consultation: 4 h
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9, 30)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="reply", body="您好")
    assert not SlaClock.objects.filter(ticket=ticket, kind="next_response").exists()
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 11)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="customer", body="还有一个问题")
    following = clock(ticket, "next_response")
    assert (following.started_at, following.due_at) == (at(2026, 3, 2, 11), at(2026, 3, 2, 16, 30))
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 14)):
        committed(ts.ticket_add_message, ticket=ticket, by=desk.agent, kind="reply", body="已为您查询")
    assert state_of(clock(ticket, "next_response"), at(2026, 3, 3, 9)) == "met"


def test_resolving_stops_the_clocks_and_reopening_does_not_count_the_resolved_time(desk, committed):
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 9)):
        ticket = committed(factories.ticket, desk.agent, created_at=at(2026, 3, 2, 9))  # resolution 2 WD
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 2, 10)):
        committed(ts.ticket_set_status, ticket=ticket, by=desk.agent, status="resolved")
    assert clock(ticket, "resolution").stopped_at == at(2026, 3, 2, 10)
    ticket.refresh_from_db()
    assert ticket.due_at is None
    with patch("django.utils.timezone.now", return_value=at(2026, 3, 3, 10)):  # one business day later
        committed(ts.ticket_set_status, ticket=ticket, by=desk.agent, status="open")
    resolution = clock(ticket, "resolution")
    assert resolution.stopped_at is None
    assert resolution.due_at == at(2026, 3, 5, 18)  # Wed 18:00 + the 7.5 business hours spent resolved
