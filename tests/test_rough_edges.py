"""Rough edges a new user hit (issue 17): each fixed and held by a test."""

from datetime import datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kefu.core.errors import DomainError
from kefu.phrases.models import Phrase, Situation
from kefu.sla.models import SlaPolicy
from kefu.sla.policy_services import policy_save
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_phrases_follow_the_call_greeting_first_farewell_last(desk, api_client):
    situations = [p["situation"] for p in api_client.as_user(desk.agent).get("/api/v1/phrases").json()]
    assert situations[0] == Situation.GREETING and situations[-1] == Situation.FAREWELL
    order = list(Situation.values)
    assert [order.index(s) for s in situations] == sorted(order.index(s) for s in situations)
    assert Phrase.objects.first().situation == Situation.GREETING


def test_sla_target_error_names_the_unit_as_the_form_does(desk):
    row = SlaPolicy.objects.first()
    with pytest.raises(DomainError) as err:
        policy_save(by=desk.admin, policy_row=row, first_response=-3, first_response_unit="business_hours")
    assert "工作小时" in err.value.message and "business_hours" not in err.value.message


def test_reversed_dates_on_the_analysis_say_no_data(client, desk):
    client.force_login(desk.supervisor)
    html = client.get("/complaints/analysis/", {"from": "2026-12-01", "to": "2026-11-01"}).content.decode()
    assert "起始日期晚于截止日期" in html
    assert 'data-testid="empty-category"' in html and 'data-testid="empty-month"' in html


def test_missing_year_banner_can_be_dismissed(client, desk):
    client.force_login(desk.admin)
    with patch("django.utils.timezone.now", return_value=datetime(2026, 11, 22, 10, tzinfo=SH)):
        html = client.get("/calendars/").content.decode()
    assert 'data-dismiss-key="sla-years:' in html and 'class="banner-close"' in html
    assert "kefu/workspace.js" in html  # the script that remembers the dismissal (no inline script)


def test_supervisor_is_not_a_seat_under_agent_load(client, desk):
    client.force_login(desk.supervisor)
    response = client.get(reverse("tickets:overview"))
    names = [a.username for a in response.context["agents"]]
    assert desk.agent.username in names and desk.supervisor.username not in names


def test_vip_level_zero_is_not_shown_as_zero(client, desk):
    plain = factories.customer(desk.agent, vip_level=0)
    vip = factories.customer(desk.agent, vip_level=3)
    client.force_login(desk.agent)
    assert 'data-testid="vip">—<' in client.get(f"/customers/{plain.pk}/").content.decode()
    assert 'data-testid="vip">VIP3<' in client.get(f"/customers/{vip.pk}/").content.decode()


def test_favicon(client, desk):
    client.force_login(desk.agent)
    assert 'rel="icon"' in client.get("/tickets/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
