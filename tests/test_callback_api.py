"""The callbacks API answers in the exact shapes of issue 16, with the declared error statuses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.callbacks.models import CallbackTask, Campaign
from tests.callback_helpers import at, default_script, resolved_order

pytestmark = pytest.mark.django_db
MONDAY = at(2026, 11, 16, 10, 0)
BODY = {"name": "宽带安装满 30 天回访", "source": {"kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15",
                                                "types": ["after_sales"]}, "exclude_called_within_days": 30}


@pytest.fixture
def monday(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY)
    return MONDAY


def _campaign(desk, api_client, agents=None) -> dict:
    body = {**BODY, "script": default_script().pk, "agents": agents or [desk.agent.username]}
    response = api_client.as_user(desk.supervisor).post("/api/v1/callbacks/campaigns", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_scripts_list_is_id_and_name(desk, api_client):
    response = api_client.as_user(desk.agent).get("/api/v1/callbacks/scripts")
    assert response.status_code == 200
    assert response.json() == [{"id": default_script().pk, "name": "标准回访话术"}]
    assert api_client.as_user(desk.handler).get("/api/v1/callbacks/scripts").status_code == 403


def test_create_campaign_answers_201_with_id_and_targets(desk, api_client, monday):
    for day in (3, 4):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    resolved_order(desk.agent, when=at(2026, 11, 5, 15), type="consultation")
    data = _campaign(desk, api_client)
    assert set(data) == {"id", "targets"} and data["targets"] == 2
    campaign = Campaign.objects.get(pk=data["id"])
    assert campaign.source == {"kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15",
                               "types": ["after_sales"]}


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"source": {"kind": "orders"}}, 422, "source.kind"),
    ({"exclude_called_within_days": -1}, 422, "exclude_called_within_days"),
    ({"agents": ["ghost"]}, 400, "agents"),
    ({"script": 999999}, 400, "script"),
    ({"source": {"kind": "resolved_orders", "from": "2026-11-20", "to": "2026-11-01"}}, 400, "source.to"),
])
def test_bad_campaigns_name_the_field(desk, api_client, change, status, field):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    body = {**BODY, "script": default_script().pk, "agents": [desk.agent.username], **change}
    response = api_client.as_user(desk.supervisor).post("/api/v1/callbacks/campaigns", body)
    assert response.status_code == status
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Campaign.objects.exists()


def test_agents_may_not_create_campaigns(desk, api_client):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    body = {**BODY, "script": default_script().pk, "agents": [desk.agent.username]}
    assert api_client.as_user(desk.agent).post("/api/v1/callbacks/campaigns", body).status_code == 403


def test_my_tasks_and_attempts_follow_the_contract(desk, api_client, monday):
    for day in (3, 4, 5):
        resolved_order(desk.agent, when=at(2026, 11, day, 15))
    _campaign(desk, api_client, agents=[desk.agent.username, desk.teammate.username])
    mine = api_client.as_user(desk.agent).get("/api/v1/callbacks/tasks", mine=1).json()
    assert len(mine) == 2 and {t["assignee"] for t in mine} == {desk.agent.username}
    first, second = mine
    assert first["state"] == "pending" and first["customer"]["phones"][0].startswith("139")
    url = f"/api/v1/callbacks/tasks/{first['id']}/attempts"

    retried = api_client.as_user(desk.agent).post(url, {"result": "no_answer"})
    assert retried.status_code == 200
    assert set(retried.json()) == {"task", "follow_up", "next_attempt_at"}
    assert retried.json()["follow_up"] is None and retried.json()["next_attempt_at"].startswith("2026-11-16T12:00")

    answers = [{"node": "greet", "answer": 0}, {"node": "usage", "answer": "一切正常"},
               {"node": "satisfaction", "answer": "满意"}]
    done = api_client.as_user(desk.agent).post(url, {"result": "reached", "answers": answers, "note": "很满意"})
    assert done.status_code == 200 and set(done.json()) == {"task", "follow_up"}
    assert done.json()["task"]["satisfied"] is True and done.json()["task"]["state"] == "done"
    assert api_client.as_user(desk.agent).post(url, {"result": "reached"}).status_code == 409

    unhappy = api_client.as_user(desk.agent).post(f"/api/v1/callbacks/tasks/{second['id']}/attempts",
                                                  {"result": "reached", "satisfied": False, "note": "上门太慢"})
    number = unhappy.json()["follow_up"]
    assert unhappy.status_code == 200 and number.startswith("GD")
    assert CallbackTask.objects.get(pk=second["id"]).follow_up.number == number


def test_attempt_errors(desk, api_client, monday):
    resolved_order(desk.agent, when=at(2026, 11, 3, 15))
    _campaign(desk, api_client)
    task = CallbackTask.objects.get()
    url = f"/api/v1/callbacks/tasks/{task.pk}/attempts"
    assert api_client.as_user(desk.teammate).post(url, {"result": "busy"}).status_code == 404  # not theirs to see
    assert api_client.as_user(desk.supervisor).post(url, {"result": "busy"}).status_code == 403  # sees, may not call
    assert api_client.as_user(desk.agent).post("/api/v1/callbacks/tasks/999999/attempts",
                                               {"result": "busy"}).status_code == 404
    bad = api_client.as_user(desk.agent).post(url, {"result": "maybe"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "result"
    wrong_path = api_client.as_user(desk.agent).post(url, {"result": "reached", "answers": [{"node": "usage", "answer": 0}]})
    assert wrong_path.status_code == 400 and wrong_path.json()["errors"][0]["field"] == "answers"
    assert CallbackTask.objects.get().attempts == 0


def test_schema_declares_enums_and_error_statuses(desk, client):
    client.force_login(desk.agent)
    schema = client.get("/api/v1/openapi.json").json()
    attempts = schema["paths"]["/api/v1/callbacks/tasks/{task_id}/attempts"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422", "429"} <= set(attempts["responses"])
    created = schema["paths"]["/api/v1/callbacks/campaigns"]["post"]["responses"]
    assert "201" in created and "ErrorOut" in str(created["400"])
    text = str(schema["components"]["schemas"])
    assert "archived_complaints" in text and "do_not_call" in text


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def test_task_list_and_campaign_page_queries_do_not_grow_with_rows(desk, api_client, client, monday):
    def plan(days: range) -> int:
        for day in days:
            resolved_order(desk.agent, when=at(2026, 11, day, 15))
        body = {**BODY, "source": {"kind": "resolved_orders", "from": f"2026-11-{days[0]:02d}",
                                   "to": f"2026-11-{days[-1]:02d}"}, "script": default_script().pk,
                "agents": [desk.agent.username, desk.teammate.username]}
        return api_client.as_user(desk.supervisor).post("/api/v1/callbacks/campaigns", body).json()["id"]

    small = plan(range(1, 4))
    api_client.as_user(desk.supervisor)
    client.force_login(desk.supervisor)
    few = _count(lambda: api_client.get("/api/v1/callbacks/tasks"))
    few_page = _count(lambda: client.get(f"/callbacks/campaigns/{small}/"))
    large = plan(range(4, 14))
    api_client.as_user(desk.supervisor)
    assert len(api_client.get("/api/v1/callbacks/tasks").json()) == 13
    assert _count(lambda: api_client.get("/api/v1/callbacks/tasks")) <= few  # first calls also write a token use
    assert _count(lambda: client.get(f"/callbacks/campaigns/{large}/")) <= few_page
