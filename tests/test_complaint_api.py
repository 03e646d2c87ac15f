"""Complaint API: a call-centre system files complaints, reads their state and takes steps, with the page's rules."""

import pytest

from kefu.complaints.models import ComplaintCategory, ComplaintState
from tests import factories
from tests.test_complaint_support import walk_to

S = ComplaintState
pytestmark = pytest.mark.django_db
BASE = "/api/v1/complaints"


def _record(**overrides) -> dict:
    data = {"contact_phone": "13800002222", "object_kind": "service", "object_detail": "配送服务",
            "description": "约好上午送货，下午还没到", "demand": "今天必须送到", "emotion": "anxious",
            "key_quotes": "我请了一天假在家等", "category": ComplaintCategory.objects.get_or_create(code="delivery", defaults={"name": "配送"})[0].pk}
    data.update(overrides)
    return data


def test_file_a_complaint_with_its_record_and_read_it_back(api_client, desk):
    customer = factories.customer(desk.agent)
    api = api_client.as_user(desk.agent)
    response = api.post(BASE, {"customer_id": customer.pk, "subject": "投诉送货不准时", "channel": "phone",
                               "record": _record()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == S.RECORDED and body["record"]["key_quotes"] == "我请了一天假在家等"
    assert body["first_responder"]["id"] == desk.agent.pk and {"dispatch", "reject"} <= set(body["actions"])
    assert [s["action"] for s in body["steps"]] == ["receive", "record"]
    assert body["deadlines"]["reply_due_at"] is not None
    assert api.get(f"{BASE}/{body['number']}").json()["state"] == S.RECORDED


def test_bad_input_names_the_field_and_creates_nothing(api_client, desk):
    customer = factories.customer(desk.agent)
    api = api_client.as_user(desk.agent)
    response = api.post(BASE, {"customer_id": customer.pk, "subject": "投诉", "record": _record(demand="")})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "demand"
    response = api.post(BASE, {"customer_id": customer.pk, "subject": "投诉",
                               "record": _record(happened_at="昨天下午")})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "happened_at"
    assert response.status_code == 400 and api.get(BASE, queue="all").json()["count"] == 0
    assert api.post(BASE, {"subject": "投诉"}).json()["errors"][0]["field"] == "customer_id"


def test_steps_through_the_api_keep_the_role_and_state_checks(api_client, desk):
    complaint = walk_to(desk, S.RECORDED)
    url = f"{BASE}/{complaint.ticket.number}/actions"
    agent = api_client.as_user(desk.agent)
    assert agent.post(f"{url}/dispatch", {"department": desk.aftersales.pk}).json()["state"] == S.DISPATCHED
    handler = api_client.as_user(desk.handler)
    for action, data in [("analyse", {"cause": "司机绕路"}),
                         ("assign_responsibility", {"party": "logistics", "person": "司机"}),
                         ("propose", {"solution": "减免运费"})]:
        response = handler.post(f"{url}/{action}", data)
        assert response.status_code == 200, response.content
    refused = api_client.as_user(desk.agent).post(f"{url}/approve", {"comment": "好"})
    assert refused.status_code == 403 and "客服主管" in refused.json()["detail"]
    supervisor = api_client.as_user(desk.supervisor)
    assert supervisor.post(f"{url}/approve", {}).json()["state"] == S.APPROVED
    twice = supervisor.post(f"{url}/approve", {})
    assert twice.status_code == 400 and "方案已批准" in twice.json()["detail"]
    unknown = supervisor.post(f"{url}/fly", {})  # the steps are an enum of the schema: 422 naming the field
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "action"


def test_receipt_recorded_by_the_agent_with_a_json_boolean(api_client, desk):
    complaint = walk_to(desk, S.REPORTED)
    api = api_client.as_user(desk.agent)
    link = api.get(f"{BASE}/{complaint.ticket.number}/receipt-link").json()["url"]
    assert "/complaints/receipt/" in link
    body = api.post(f"{BASE}/{complaint.ticket.number}/actions/receipt", {"satisfied": False,
                                                                          "comment": "没解决"}).json()
    assert body.get("state") == S.RESPONSIBILITY and body["round"] == 2, body
    handler = api_client.as_user(desk.handler)
    assert handler.get(f"{BASE}/{complaint.ticket.number}/receipt-link").status_code == 403


def test_list_is_scoped_and_query_count_is_flat(api_client, desk, django_assert_max_num_queries):
    for _ in range(4):
        walk_to(desk, S.DISPATCHED)
    walk_to(desk, S.RECORDED)
    api = api_client.as_user(desk.handler)
    with django_assert_max_num_queries(8):
        body = api.get(BASE, queue="all").json()
    assert body["count"] == 4 and all(r["record"]["contact_phone"] != "13800001111" for r in body["results"])
    assert api_client.as_user(desk.other_handler).get(BASE, queue="all").json()["count"] == 0
    unknown = api_client.as_user(desk.agent).get(BASE, queue="nope")  # queues are an enum of the schema
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "queue"
