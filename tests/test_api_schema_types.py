"""The schema types what the API accepts (issue 8): list filters, the complaint's channel and source and the
body of every complaint step are enums or schema classes, and every value accepted before still is."""

import pytest
from django import forms

from kefu.complaints.forms import ACTION_FORMS, RecordForm
from kefu.complaints.models import ComplaintCategory, ComplaintState
from kefu.complaints.schemas import ComplaintActionIn, ComplaintRecordIn
from kefu.tickets.models import Status
from tests import factories


@pytest.fixture
def schema(client, settings):
    settings.KEFU_PUBLIC_API_DOCS = True
    return client.get("/api/v1/openapi.json").json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", []) + node.get("allOf", []):  # X | None, or X with a default
        if option.get("type") != "null":
            return _resolve(schema, option)
    return node


def _query_enum(schema: dict, path: str, name: str) -> list[str]:
    operation = schema["paths"][path]["get"]
    parameter = next(p for p in operation["parameters"] if p["name"] == name)
    return _resolve(schema, parameter["schema"]).get("enum")


@pytest.mark.parametrize("path,name,some", [
    ("/api/v1/tickets", "view", ["", "mine", "team", "unassigned", "all"]),
    ("/api/v1/tickets", "status", ["", "active", *Status.values]),
    ("/api/v1/tickets", "type", ["", "complaint"]),
    ("/api/v1/tickets", "channel", ["", "phone"]),
    ("/api/v1/tickets", "priority", ["", "urgent"]),
    ("/api/v1/tickets", "sort", ["", "relevance", "due", "-created", "number"]),
    ("/api/v1/complaints", "queue", ["all", "mine", "handler", "approval"]),
    ("/api/v1/complaints", "state", ["", *ComplaintState.values]),
    ("/api/v1/phrases", "situation", ["", "greeting"]),
    ("/api/v1/departments", "kind", ["service", "responsible"]),
    ("/api/v1/staff", "role", ["agent", "handler"]),
])
def test_list_filters_are_enums(schema, path, name, some):
    enum = _query_enum(schema, path, name)
    assert enum is not None and set(some) <= set(enum), (path, name, enum)


def test_complaint_bodies_are_typed(schema):
    components = schema["components"]["schemas"]
    filing = components["ComplaintIn"]["properties"]
    assert "phone" in _resolve(schema, filing["channel"])["enum"]
    assert {"direct", "account_manager"} == set(_resolve(schema, filing["source"])["enum"])
    assert _resolve(schema, filing["record"])["title"] == "ComplaintRecordIn"
    operation = schema["paths"]["/api/v1/complaints/{number}/actions/{action}"]["post"]
    action = next(p for p in operation["parameters"] if p["name"] == "action")
    assert set(_resolve(schema, action["schema"])["enum"]) == set(ACTION_FORMS)
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ComplaintActionIn"}
    step = components["ComplaintActionIn"]["properties"]
    assert {"", "phone", "sms"} <= set(_resolve(schema, step["method"])["enum"])
    assert _resolve(schema, step["satisfied"])["type"] == "boolean"
    assert _resolve(schema, step["department"])["type"] == "integer"


def test_complaint_steps_name_their_action_and_states_by_enum(schema):
    """The step log of GET /complaints/{number} lists its coded values, as the filters do (issue 9's API)."""
    step = schema["components"]["schemas"]["StepOut"]["properties"]
    assert set(_resolve(schema, step["action"])["enum"]) == {"receive", *ACTION_FORMS}
    assert set(_resolve(schema, step["to_state"])["enum"]) == set(ComplaintState.values)
    assert set(_resolve(schema, step["from_state"])["enum"]) == {"", *ComplaintState.values}  # "" on receive


@pytest.mark.parametrize("action", sorted(ACTION_FORMS))
def test_every_form_field_of_a_step_has_its_place_in_the_body(action):
    """The body schema is written by hand beside the forms; a field added to a form must be added here."""
    form_class, _service = ACTION_FORMS[action]
    body = ComplaintRecordIn if form_class is RecordForm else ComplaintActionIn
    for name, field in form_class.base_fields.items():
        assert name in body.model_fields, f"{action}: {name} is missing from {body.__name__}"
        if isinstance(field, forms.TypedChoiceField):
            continue  # receipt's satisfied: a JSON boolean
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            annotation = body.model_fields[name].annotation
            enum = next(a for a in annotation.__args__ if a is not type(None))
            assert {str(value) for value, _label in field.choices} | {""} == {e.value for e in enum}, name


def test_values_accepted_before_are_accepted(api_client, desk):
    """"" (no filter) on every filter; the special status "active"; a step body with a JSON boolean, an id as
    a number or a string, and a field the step does not use."""
    api = api_client.as_user(desk.supervisor)
    blank = api.get("/api/v1/tickets", view="", status="", type="", channel="", priority="", sort="")
    assert blank.status_code == 200, blank.content
    assert api.get("/api/v1/tickets", status="active", sort="-created").status_code == 200
    assert api.get("/api/v1/complaints", queue="all", state="").status_code == 200
    assert api.get("/api/v1/phrases", situation="").status_code == 200
    bad = api.get("/api/v1/tickets", status="nope")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"

    agent = api_client.as_user(desk.agent)
    customer = factories.customer(desk.agent)
    filed = agent.post("/api/v1/complaints", {"customer_id": customer.pk, "subject": "投诉：发错货",
                                              "channel": "wechat", "source": "direct", "record": {}})
    assert filed.status_code == 201, filed.content
    assert filed.json()["state"] == ComplaintState.RECEIVED  # an empty record is no record, as before
    url = f"/api/v1/complaints/{filed.json()['number']}/actions"
    ComplaintCategory.objects.get_or_create(code="goods", defaults={"name": "商品"})
    category = agent.get("/api/v1/complaint-categories").json()[0]["id"]
    recorded = agent.post(f"{url}/record", {"description": "发错了颜色", "demand": "换货", "severity": "minor",
                                            "contact_phone": "13800002222", "object_kind": "product",
                                            "object_detail": "外套", "emotion": "calm", "key_quotes": "颜色不对",
                                            "category": str(category), "happened_at": "2026-09-30 16:00",
                                            "not_a_field": 1})
    assert recorded.status_code == 200, recorded.content
    dispatched = agent.post(f"{url}/dispatch", {"department": str(desk.aftersales.pk)})
    assert dispatched.status_code == 200 and dispatched.json()["state"] == ComplaintState.DISPATCHED
    steps = agent.get(f"/api/v1/complaints/{filed.json()['number']}").json()["steps"]
    assert [(s["action"], s["from_state"], s["to_state"]) for s in steps] == [
        ("receive", "", "received"), ("record", "received", "recorded"), ("dispatch", "recorded", "dispatched")]
