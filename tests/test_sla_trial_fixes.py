"""Regressions from the new-user trial of the calendar pages: bad month parameters, the import box,
the team count of the default calendar, the holiday-load button and the warning share as a percentage."""

import pytest
from django.utils import timezone

from kefu.accounts.models import Team
from kefu.sla.models import Calendar, SlaPolicy


@pytest.fixture
def default_cal(db) -> Calendar:
    return Calendar.objects.get(is_default=True)


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13", "2026-0", "garbage", "２０２６-10",
                                   "²-1", "99999999999999999999-1", "2026-10-01", ""])
def test_bad_or_out_of_range_month_shows_the_current_month(client, desk, default_cal, month):
    client.force_login(desk.supervisor)
    response = client.get(f"/calendars/{default_cal.pk}/", {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_last_valid_month_pages_forward_without_error(client, desk, default_cal):
    client.force_login(desk.supervisor)
    response = client.get(f"/calendars/{default_cal.pk}/", {"month": "2999-12"})
    assert response.status_code == 200
    assert response.context["next_month"].year == 3000


def test_import_error_keeps_the_pasted_lines(client, desk, default_cal):
    client.force_login(desk.admin)
    pasted = "2027-01-01 holiday 元旦\n2027-01-02 sometimes"
    response = client.post(f"/calendars/{default_cal.pk}/import/", {"lines": pasted, "complete_year": "2027",
                                                                     "month": "2027-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "第 2 行" in html
    assert ">2027-01-01 holiday 元旦\n2027-01-02 sometimes</textarea>" in html
    assert 'value="2027"' in html
    assert not default_cal.exceptions.filter(day="2027-01-01").exists()


def test_teams_without_a_calendar_count_for_the_default(client, desk, default_cal):
    Team.objects.update(calendar=None)
    teams = Team.objects.count()
    assert teams > 0
    other = Calendar.objects.create(name="7x24", weekly={"0": [["00:00", "24:00"]]}, observes_holidays=False)
    client.force_login(desk.supervisor)
    rows = {cal.pk: cal.team_count for cal in client.get("/calendars/").context["calendars"]}
    assert rows[default_cal.pk] == teams and rows[other.pk] == 0
    Team.objects.filter(pk=Team.objects.first().pk).update(calendar=other)
    rows = {cal.pk: cal.team_count for cal in client.get("/calendars/").context["calendars"]}
    assert rows[default_cal.pk] == teams - 1 and rows[other.pk] == 1


def test_holiday_load_button_names_no_package(client, desk, default_cal):
    client.force_login(desk.admin)
    html = client.get(f"/calendars/{default_cal.pk}/").content.decode()
    assert "chinese-calendar" not in html
    assert "载入国务院公布的节假日安排" in html


def test_warning_share_reads_as_a_percentage_for_admins_and_supervisors(client, desk):
    row = SlaPolicy.objects.get(ticket_type="consultation", priority="")
    for user in (desk.admin, desk.supervisor):
        client.force_login(user)
        html = client.get("/calendars/policies/").content.decode()
        assert "80%" in html or 'name="warning_percent" value="80"' in html
        assert "0.8" not in html
    client.force_login(desk.admin)
    html = client.post(f"/calendars/policies/{row.pk}/", {"warning_percent": "0.8"}, follow=True).content.decode()
    assert SlaPolicy.objects.get(pk=row.pk).warning_share == pytest.approx(0.008)
    html = client.post(f"/calendars/policies/{row.pk}/", {"warning_percent": "120"}, follow=True).content.decode()
    assert "预警比例应为大于 0、小于 100 的百分数" in html
    assert SlaPolicy.objects.get(pk=row.pk).warning_share == pytest.approx(0.008)
