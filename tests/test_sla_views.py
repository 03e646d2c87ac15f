"""Calendar pages: who may see and edit, the month view, import errors, query counts, the clock panel."""

from datetime import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from kefu.sla.models import Calendar, CalendarException
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def default_cal(db) -> Calendar:
    return Calendar.objects.get(is_default=True)


def test_agent_cannot_open_calendars(client, desk, default_cal):
    client.force_login(desk.agent)
    assert client.get("/calendars/").status_code == 403
    assert client.get(f"/calendars/{default_cal.pk}/").status_code == 403


def test_supervisor_reads_but_cannot_edit(client, desk, default_cal):
    client.force_login(desk.supervisor)
    page = client.get(f"/calendars/{default_cal.pk}/?month=2026-10")
    assert page.status_code == 200
    assert "批量导入" not in page.content.decode()
    response = client.post(f"/calendars/{default_cal.pk}/exceptions/", {"day": "2027-01-01", "kind": "holiday"})
    assert response.status_code == 302
    assert not default_cal.exceptions.filter(day="2027-01-01").exists()


def test_month_view_marks_holidays_and_make_up_days(client, desk, default_cal):
    client.force_login(desk.admin)
    html = client.get(f"/calendars/{default_cal.pk}/?month=2026-10").content.decode()
    assert 'class="holiday" data-day="2026-10-01" data-working="0"' in html
    assert 'class="workday" data-day="2026-10-10" data-working="1"' in html
    assert 'class="closed" data-day="2026-10-11" data-working="0"' in html
    assert "国庆节" in html


def test_admin_adds_and_deletes_an_exception(client, desk, default_cal, django_capture_on_commit_callbacks):
    client.force_login(desk.admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/calendars/{default_cal.pk}/exceptions/",
                    {"day": "2027-02-07", "kind": "workday", "name": "春节调休", "hours": "09:00-17:00"})
    row = CalendarException.objects.get(calendar=default_cal, day="2027-02-07")
    assert row.periods == [["09:00", "17:00"]]
    version = Calendar.objects.get(pk=default_cal.pk).version
    assert version > default_cal.version
    client.post(f"/calendars/{default_cal.pk}/exceptions/{row.pk}/delete/")
    assert not CalendarException.objects.filter(pk=row.pk).exists()


def test_import_error_names_the_line(client, desk, default_cal):
    client.force_login(desk.admin)
    response = client.post(f"/calendars/{default_cal.pk}/import/",
                           {"lines": "2027-01-01 holiday 元旦\n2027-01-02 sometimes"}, follow=True)
    assert "第 2 行" in response.content.decode()
    assert not default_cal.exceptions.filter(day="2027-01-01").exists()


def test_missing_year_warning_on_calendar_pages(client, desk, default_cal):
    client.force_login(desk.supervisor)
    with patch("django.utils.timezone.now", return_value=datetime(2026, 11, 22, 10, tzinfo=SH)):
        html = client.get("/calendars/").content.decode()
    assert 'data-missing-years="2027"' in html


def test_calendar_list_query_count(client, desk, django_assert_max_num_queries):
    for i in range(5):
        Calendar.objects.create(name=f"日历{i}", weekly={"0": [["09:00", "18:00"]]}, known_years=[2026])
    client.force_login(desk.admin)
    # constant in the number of calendars; the ninth reads the deadline recomputes still running
    with django_assert_max_num_queries(9):
        assert client.get("/calendars/").status_code == 200


def test_ticket_page_shows_the_clocks(client, desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, type="complaint")
    client.force_login(desk.agent)
    html = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "SLA 计时" in html
    assert 'data-kind="first_response"' in html and 'data-kind="resolution"' in html


def test_policy_page(client, desk):
    client.force_login(desk.supervisor)
    html = client.get("/calendars/policies/").content.decode()
    assert "工作日" in html and "投诉" in html


def test_admin_changes_a_policy_and_open_orders_follow(client, desk, django_capture_on_commit_callbacks):
    from kefu.sla.models import SlaClock, SlaPolicy

    start = datetime(2026, 3, 2, 9, tzinfo=SH)
    with patch("django.utils.timezone.now", return_value=start), django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, created_at=start)  # consultation: resolution 2 working days
    row = SlaPolicy.objects.get(ticket_type="consultation", priority="")
    client.force_login(desk.admin)
    form = {"first_response": "1", "first_response_unit": "business_hours", "next_response": "",
            "next_response_unit": "business_hours", "resolution": "3", "resolution_unit": "working_days",
            "warning_percent": "75"}
    with patch("django.utils.timezone.now", return_value=start), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/calendars/policies/{row.pk}/", form)
    resolution = SlaClock.objects.get(ticket=ticket, kind="resolution")
    assert resolution.due_at == datetime(2026, 3, 5, 18, tzinfo=SH)
    assert resolution.warning_share == 0.75


def test_bad_policy_value_is_refused_with_the_field(client, desk):
    from kefu.sla.models import SlaPolicy

    row = SlaPolicy.objects.get(ticket_type="consultation", priority="")
    client.force_login(desk.admin)
    html = client.post(f"/calendars/policies/{row.pk}/", {"resolution": "1.5", "resolution_unit": "working_days",
                                                           "warning_percent": "80"}, follow=True).content.decode()
    assert "解决：目标须为不小于 0 的数（工作日须为整数）" in html
    assert SlaPolicy.objects.get(pk=row.pk).resolution == 2
    client.force_login(desk.supervisor)
    client.post(f"/calendars/policies/{row.pk}/", {"resolution": "9", "warning_percent": "80"})
    assert SlaPolicy.objects.get(pk=row.pk).resolution == 2


def test_admin_creates_a_saturday_calendar_and_gives_it_to_a_team(client, desk, django_capture_on_commit_callbacks):
    from kefu.sla.models import SlaClock

    start = datetime(2026, 3, 6, 17, tzinfo=SH)  # Friday 17:00
    with patch("django.utils.timezone.now", return_value=start), django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, type="complaint", created_at=start)  # team_a; first response 2 h
    # standard calendar: 17:00-18:00 Friday, then 09:00-10:00 Monday
    assert SlaClock.objects.get(ticket=ticket, kind="first_response").due_at == datetime(2026, 3, 9, 10, tzinfo=SH)
    client.force_login(desk.admin)
    form = {"name": "门店（周六营业）", "observes_holidays": "on", "weekly_5": "09:00-17:00",
            **{f"weekly_{d}": "09:00-18:00" for d in range(5)}}
    client.post("/calendars/new/", form)
    shop = Calendar.objects.get(name="门店（周六营业）")
    assert shop.weekly["5"] == [["09:00", "17:00"]] and shop.weekly["6"] == []
    assert shop.exceptions.filter(day="2026-10-10", kind="workday").exists()  # holidays copied
    assert 2026 in shop.known_years
    with patch("django.utils.timezone.now", return_value=start), django_capture_on_commit_callbacks(execute=True):
        client.post(f"/calendars/teams/{desk.team_a.pk}/", {"calendar": shop.pk})
    # the shop opens on Saturday: 17:00-18:00 Friday, then 09:00-10:00 Saturday
    assert SlaClock.objects.get(ticket=ticket, kind="first_response").due_at == datetime(2026, 3, 7, 10, tzinfo=SH)


def test_bad_weekly_hours_name_the_weekday_and_nothing_is_saved(client, desk):
    client.force_login(desk.admin)
    html = client.post("/calendars/new/", {"name": "坏日历", "weekly_0": "9点到6点"}, follow=True).content.decode()
    assert "weekly[0]" in html
    assert not Calendar.objects.filter(name="坏日历").exists()


def test_admin_switches_the_default_calendar(client, desk):
    always = Calendar.objects.get(observes_holidays=False)
    client.force_login(desk.admin)
    client.post(f"/calendars/{always.pk}/default/")
    assert list(Calendar.objects.filter(is_default=True)) == [always]


def test_new_policy_starts_from_the_targets_that_applied(client, desk):
    from kefu.sla.models import SlaPolicy

    client.force_login(desk.admin)
    client.post("/calendars/policies/new/", {"ticket_type": "consultation", "priority": "high"})
    row = SlaPolicy.objects.get(ticket_type="consultation", priority="high")
    assert (row.first_response, row.resolution, row.resolution_unit) == (1, 2, "working_days")
    html = client.post("/calendars/policies/new/", {"ticket_type": "consultation", "priority": "high"},
                       follow=True).content.decode()
    assert "已有策略" in html
