"""The complaint time limits (投诉时限) in the in-app administration (issue 17 item 7): admins only,
errors name the field, every change audited, new clocks use the new limits and running ones keep theirs."""

from datetime import timedelta

from kefu.complaints.models import ComplaintConfig
from kefu.org.models import OrgChange
from kefu.sla.models import SlaClock
from tests.test_complaint_support import received

URL = "/manage/complaint-limits/"
GOOD = {"reply_amount": "48", "reply_unit": "calendar_hours", "approve_days": "2", "implement_days": "7",
        "warning_percent": "70"}


def _reply_clock(complaint) -> SlaClock:
    return SlaClock.objects.get(ticket=complaint.ticket, kind="complaint_reply")


def test_admin_changes_limits_new_clocks_use_them_running_ones_keep_theirs(desk, client):
    before = received(desk)
    running = _reply_clock(before)
    assert running.due_at - running.started_at == timedelta(hours=24)
    client.force_login(desk.admin)
    page = client.get(URL).content.decode()
    assert 'data-testid="complaint-limits"' in page and 'value="24' in page and 'value="80"' in page
    assert client.post(URL, GOOD).status_code == 302
    config = ComplaintConfig.current()
    assert (config.reply_amount, config.approve_days, config.implement_days, config.warning_share) == (48, 2, 7, 0.7)
    change = OrgChange.objects.get(target_kind="complaint_limits")
    assert change.actor == desk.admin and change.changes["reply_amount"] == [24, 48]
    assert change.changes["warning_share"] == [0.8, 0.7] and "reply_unit" not in change.changes
    after = _reply_clock(received(desk, subject="第二个投诉"))
    assert after.due_at - after.started_at == timedelta(hours=48)
    assert _reply_clock(before).due_at == running.due_at  # documented: running clocks are not recomputed
    # Saving the same values again writes no second audit row.
    client.post(URL, GOOD)
    assert OrgChange.objects.filter(target_kind="complaint_limits").count() == 1


def test_bad_values_name_their_field_and_change_nothing(desk, client):
    client.force_login(desk.admin)
    for field, value in [("reply_amount", "0"), ("reply_amount", "nan"), ("approve_days", "0"),
                         ("implement_days", "365"), ("warning_percent", "200"), ("reply_unit", "weeks"),
                         ("approve_days", "两天")]:
        response = client.post(URL, {**GOOD, field: value})
        assert response.status_code == 200, (field, value)
        assert field in response.context["form"].errors, (field, value, response.context["form"].errors)
    assert ComplaintConfig.current().reply_amount == 24
    assert not OrgChange.objects.filter(target_kind="complaint_limits").exists()


def test_only_admins(desk, client):
    client.force_login(desk.supervisor)
    assert client.get(URL).status_code == 403
    assert client.post(URL, GOOD).status_code == 403
    assert ComplaintConfig.current().reply_amount == 24
