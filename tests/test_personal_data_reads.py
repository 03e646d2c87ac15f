"""Reads of unmasked personal data are recorded wherever staff see them (issue 10): the ticket list API
and its search, the inbox search, the order export, the complaint API and the web-chat panel; survey
pages show none (so record none); masked reads are never recorded."""

import json

import pytest
from django.core.cache import cache

from kefu.channels.webchat.availability import presence_set
from kefu.channels.webchat.models import ChatSettings
from kefu.security.models import EventKind, SecurityEvent
from kefu.sla.models import Calendar
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Trigger
from kefu.surveys.services import survey_send
from tests import factories
from tests.test_complaint_support import ComplaintState, ensure_seed_data, walk_to


@pytest.fixture(autouse=True)
def _fresh_memory():
    cache.clear()  # reads are recorded once per user and customer per ten minutes (remembered in the cache)
    yield
    cache.clear()


def _reads(user) -> list[dict]:
    return list(SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_READ, actor=user)
                .order_by("id").values_list("params", flat=True))


def test_ticket_list_api_and_its_search_record_the_customers_shown(desk, api_client):
    cust = factories.customer(desk.agent, name="周八")
    factories.ticket(desk.agent, cust, subject="新装木地板一周内起鼓")
    api = api_client.as_user(desk.agent)
    listed = api.get("/api/v1/tickets", view="all")
    assert listed.status_code == 200 and cust.primary_phone in json.dumps(listed.json(), ensure_ascii=False)
    assert _reads(desk.agent) == [{"where": "api.tickets", "customers": [cust.pk]}]
    other = factories.customer(desk.agent, name="吴九")
    factories.ticket(desk.agent, other, subject="地板起鼓")
    assert api.get("/api/v1/tickets", q="地板起鼓").json()["count"] == 2
    # The first customer was recorded minutes ago; only the new one is a new read.
    assert _reads(desk.agent)[-1] == {"where": "api.tickets.search", "customers": [other.pk]}


def test_masked_list_records_nothing(desk, api_client):
    ticket = factories.ticket(desk.agent)
    assert api_client.as_user(desk.qa).get("/api/v1/tickets", view="all").status_code == 200
    assert ticket.customer.primary_phone not in api_client.get("/api/v1/tickets", view="all").content.decode()
    assert _reads(desk.qa) == []


def test_inbox_search_and_order_export_record_reads(desk, client):
    ticket = factories.ticket(desk.agent, subject="申请退款")
    client.force_login(desk.supervisor)
    assert client.get("/tickets/", {"q": "退款", "view": "all"}).status_code == 200
    assert _reads(desk.supervisor) == [{"where": "inbox", "customers": [ticket.customer_id]}]
    cache.clear()
    assert client.get("/tickets/export.xlsx", {"view": "all"}).status_code == 200
    assert _reads(desk.supervisor)[-1] == {"where": "order_export", "customers": [ticket.customer_id]}


def test_complaint_api_records_reads(desk, api_client):
    ensure_seed_data()
    complaint = walk_to(desk, ComplaintState.RECORDED)
    api = api_client.as_user(desk.supervisor)
    assert api.get("/api/v1/complaints", queue="all").status_code == 200
    assert _reads(desk.supervisor) == [{"where": "api.complaints", "customers": [complaint.ticket.customer_id]}]
    cache.clear()
    assert api.get(f"/api/v1/complaints/{complaint.ticket.number}").status_code == 200
    assert _reads(desk.supervisor)[-1]["where"] == "api.complaint"


@pytest.fixture
def chat_open(desk):
    calendar = Calendar.objects.create(name="全天", weekly={str(d): [["00:00", "24:00"]] for d in range(7)},
                                       observes_holidays=False)
    ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)
    presence_set(user=desk.agent, online=True)


def _visitor(client, desk, phone: str) -> str:
    response = client.post("/api/v1/chat/sessions", json.dumps({"department": desk.service.code, "phone": phone,
                                                                 "name": "访客甲"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["session"]


def test_chat_panel_records_the_visitor_phone_it_shows(desk, client, chat_open):
    session = _visitor(client, desk, "13512345678")
    client.force_login(desk.agent)
    queue = client.get("/chat/panel/queue/").json()
    assert queue["waiting"][0]["phone"] == "13512345678"
    assert _reads(desk.agent) == [{"where": "chat_panel", "customers": [], "chats": [session]}]


def test_chat_panel_masks_the_phone_for_staff_without_personal_data(desk, client, chat_open):
    desk.teammate.can_view_personal_data = False
    desk.teammate.save(update_fields=["can_view_personal_data"])
    _visitor(client, desk, "13512345678")
    client.force_login(desk.teammate)
    assert client.get("/chat/panel/queue/").json()["waiting"][0]["phone"] == "135****5678"
    assert _reads(desk.teammate) == []


def test_survey_pages_show_no_personal_data(desk, client, django_capture_on_commit_callbacks):
    customer = factories.customer(desk.agent, email="kehu@example.com", phones=["13611112222"])
    ticket = factories.ticket(desk.agent, customer, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    answer_page = client.get(f"/survey/{survey_token(survey)}/").content.decode()
    client.force_login(desk.agent)
    api = client.get(f"/api/v1/tickets/{ticket.number}/survey").content.decode()
    for shown in (answer_page, api):
        assert "13611112222" not in shown and "kehu@example.com" not in shown and customer.name not in shown
    assert _reads(desk.agent) == []
