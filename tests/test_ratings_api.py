"""Ratings through the API and the pages: the exact shape, who sees whose, adjustments and their audit,
the evidence page, the XLSX export."""

from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.notifications.models import Notification
from kefu.ratings.models import RatingAdjustment, RatingConfig
from kefu.ratings.periods import current_period
from kefu.ratings.services import rating_adjust
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_set_status
from tests import factories


@pytest.fixture
def period():
    return current_period("month", timezone.localdate())


@pytest.fixture
def busy_agent(desk):
    """agent_a handled 6 orders this month, 5 resolved; the minimum sample is lowered to 4 orders."""
    from kefu.ratings.criteria import MEASURES

    RatingConfig.objects.create(min_sample=4, min_samples={code: 2 for code in MEASURES})
    for i in range(6):
        ticket = factories.ticket(desk.agent)
        if i:
            ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
    return desk.agent


def test_api_shape(api_client, desk, busy_agent, period):
    response = api_client.as_user(desk.supervisor).get("/api/v1/ratings", period=period.code, agent="agent_a")
    assert response.status_code == 200
    [row] = response.json()
    assert set(row) == {"agent", "period", "stars", "sample", "criteria", "adjustment"}
    assert row["agent"] == "agent_a" and row["period"] == period.code and row["sample"] == 6
    assert row["adjustment"] is None and row["stars"] in {1, 2, 3, 4, 5}
    assert [c["code"] for c in row["criteria"]] == ["solutions", "knowledge", "speed", "attitude", "needs", "errors"]
    solutions = row["criteria"][0]
    assert set(solutions) == {"code", "title", "value", "stars", "evidence"}
    assert solutions["title"] == "解决方案有效性" and solutions["value"] == pytest.approx(5 / 6)
    assert solutions["evidence"]["url"] == f"/ratings/agent_a/{period.code}/solutions/"
    assert {m["code"] for m in solutions["evidence"]["measures"]} == {"resolution_rate", "reopen_rate"}


def test_supervisor_sees_department_agents_agent_only_themselves(api_client, desk, busy_agent, period):
    by_supervisor = api_client.as_user(desk.supervisor).get("/api/v1/ratings", period=period.code).json()
    assert {r["agent"] for r in by_supervisor} == {"agent_a", "agent_a2", "agent_b"}
    mine = api_client.as_user(desk.agent).get("/api/v1/ratings", period=period.code).json()
    assert [r["agent"] for r in mine] == ["agent_a"]
    assert api_client.as_user(desk.agent).get("/api/v1/ratings", period=period.code,
                                              agent="agent_b").status_code == 404
    assert api_client.as_user(desk.other_supervisor).get("/api/v1/ratings", period=period.code).json() == []
    assert api_client.as_user(desk.qa).get("/api/v1/ratings", period=period.code).json() == []


def test_below_minimum_sample_stars_are_null(api_client, desk, period):
    factories.ticket(desk.agent)
    [row] = api_client.as_user(desk.agent).get("/api/v1/ratings", period=period.code).json()
    assert row["stars"] is None and row["sample"] == 1


def test_bad_period_names_the_field(api_client, desk):
    response = api_client.as_user(desk.supervisor).get("/api/v1/ratings", period="2026-13")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "period"
    assert api_client.as_user(desk.supervisor).get("/api/v1/ratings").status_code == 422


def test_week_and_quarter_periods(api_client, desk, busy_agent):
    today = timezone.localdate()
    for kind in ("week", "quarter"):
        code = current_period(kind, today).code
        [row] = api_client.as_user(desk.agent).get("/api/v1/ratings", period=code).json()
        assert row["period"] == code and row["sample"] == 6


def test_adjustment_needs_a_reason_and_is_audited(api_client, desk, busy_agent, period):
    computed = api_client.as_user(desk.supervisor).get("/api/v1/ratings", period=period.code,
                                                       agent="agent_a").json()[0]["stars"]
    with pytest.raises(Exception) as exc:
        rating_adjust(agent=desk.agent, period=period, stars=5, reason="  ", by=desk.supervisor)
    assert getattr(exc.value, "field", None) == "reason"
    for stranger in (desk.agent, desk.other_supervisor, desk.qa, desk.teammate):
        with pytest.raises(Exception) as exc:
            rating_adjust(agent=desk.agent, period=period, stars=5, reason="表扬", by=stranger)
        assert exc.value.status_code == 403
    rating_adjust(agent=desk.agent, period=period, stars=5, reason="客户来信表扬", by=desk.supervisor)
    rating_adjust(agent=desk.agent, period=period, stars=4, reason="复核后修正", by=desk.admin)
    [row] = api_client.as_user(desk.agent).get("/api/v1/ratings", period=period.code).json()
    assert row["stars"] == 4
    assert row["adjustment"]["stars"] == 4 and row["adjustment"]["computed_stars"] == computed
    assert row["adjustment"]["reason"] == "复核后修正" and row["adjustment"]["by"] == "admin1"
    trail = list(RatingAdjustment.objects.filter(agent=desk.agent).values_list("stars", "reason", "by__username"))
    assert trail == [(4, "复核后修正", "admin1"), (5, "客户来信表扬", "super")]
    first = RatingAdjustment.objects.order_by("id").first()
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        first.delete()
    assert Notification.objects.filter(user=desk.agent, text__contains="调整").count() == 2


def test_pages_list_detail_evidence_and_adjust(client, desk, busy_agent, period):
    client.force_login(desk.supervisor)
    listing = client.get("/ratings/", {"period": period.code}).content.decode()
    assert 'data-testid="rating-agent_a"' in listing and 'data-testid="rating-agent_b"' in listing
    detail = client.get("/ratings/agent_a/", {"period": period.code}).content.decode()
    assert 'data-testid="criterion-solutions"' in detail and 'data-testid="adjust-form"' in detail
    evidence = client.get(f"/ratings/agent_a/{period.code}/solutions/")
    assert evidence.status_code == 200
    numbers = list(desk.agent.assigned_tickets.values_list("number", flat=True))
    assert all(number in evidence.content.decode() for number in numbers)
    response = client.post(f"/ratings/agent_a/{period.code}/adjust/", {"stars": "5", "reason": ""})
    assert response.status_code == 302 and not RatingAdjustment.objects.exists()
    client.post(f"/ratings/agent_a/{period.code}/adjust/", {"stars": "5", "reason": "季度表彰"})
    assert RatingAdjustment.objects.get().reason == "季度表彰"
    assert client.get(f"/ratings/agent_a/{period.code}/nosuch/").status_code == 404


def test_agent_sees_own_evidence_not_a_colleagues(client, desk, busy_agent, period):
    client.force_login(desk.agent)
    assert client.get(f"/ratings/agent_a/{period.code}/speed/").status_code == 200
    assert client.get(f"/ratings/agent_b/{period.code}/speed/").status_code == 404
    assert client.get("/ratings/agent_b/").status_code == 404
    detail = client.get("/ratings/agent_a/").content.decode()
    assert 'data-testid="adjust-form"' not in detail


def test_xlsx_export(client, desk, busy_agent, period):
    client.force_login(desk.supervisor)
    response = client.get("/ratings/export.xlsx", {"period": period.code})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "客服" and "解决方案有效性 数值" in rows[0]
    agents = {r[0]: r for r in rows[1:]}
    assert set(agents) == {"agent_a", "agent_a2", "agent_b"}
    assert agents["agent_a"][4] == 6 and agents["agent_b"][2] == "样本不足"


def test_list_api_query_count_does_not_grow_with_agents(api_client, desk, busy_agent, period,
                                                        django_assert_max_num_queries):
    from kefu.accounts.models import Role

    api = api_client.as_user(desk.supervisor)
    for i in range(10):
        factories.user(Role.AGENT, dept=desk.service, username=f"extra{i}")
    with django_assert_max_num_queries(25):
        assert len(api.get("/api/v1/ratings", period=period.code).json()) == 13
