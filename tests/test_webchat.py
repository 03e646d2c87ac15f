"""Web chat: the public API shapes, business hours and presence, queue/accept/transfer, messages left out of
hours, and the transcript as the work order's thread."""

import json

import pytest

from kefu.channels.webchat.availability import presence_set
from kefu.channels.webchat.models import ChatLine, ChatSession, ChatSettings, SessionState
from kefu.channels.webchat.services import chat_accept, chat_agent_says, chat_transfer, chat_typing
from kefu.core.errors import DomainError
from kefu.live.broadcast import events_after, latest_id
from kefu.sla.models import Calendar
from kefu.tickets.models import MessageKind

# Transactional: a chat line reaches the order's thread through background work run after the commit.
pytestmark = pytest.mark.django_db(transaction=True)

ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}


def _closed_now() -> dict:
    """Open one half hour a day, far from now: the service is closed at the moment of the test."""
    from django.utils import timezone

    window = ["23:00", "23:30"] if timezone.localtime().hour < 12 else ["01:00", "01:30"]
    return {str(d): [window] for d in range(7)}


@pytest.fixture
def chat(desk):
    from django.core.cache import cache

    cache.clear()  # the per-address start limit counts every session the suite made from 127.0.0.1
    calendar = Calendar.objects.create(name="全天", weekly=ALWAYS, observes_holidays=False)
    row = ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)
    presence_set(user=desk.agent, online=True)
    return row


def _start_ok(client, desk, **body) -> tuple[ChatSession, str]:
    response = client.post("/api/v1/chat/sessions", json.dumps({"department": desk.service.code, **body}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"session", "token"}
    return ChatSession.objects.get(public_id=data["session"]), data["token"]


def _say(client, session, token, text):
    return client.post(f"/api/v1/chat/sessions/{session.public_id}/messages", json.dumps({"text": text}),
                       content_type="application/json", HTTP_X_CHAT_TOKEN=token)


def test_status_says_open_only_in_hours_with_someone_online(client, desk, chat):
    url = f"/api/v1/chat/status?department={desk.service.code}"
    assert client.get(url).json()["open"] is True
    presence_set(user=desk.agent, online=False)
    assert client.get(url).json() | {"greeting": "", "offline_text": ""} == {
        "open": False, "reason": "nobody", "greeting": "", "offline_text": "", "pre_chat_form": True}
    presence_set(user=desk.agent, online=True)
    chat.calendar.weekly = _closed_now()
    chat.calendar.version += 1
    chat.calendar.save()
    assert client.get(url).json()["reason"] == "hours"


def test_queued_chat_accepted_becomes_an_order_whose_thread_is_the_transcript(client, desk, chat):
    session, token = _start_ok(client, desk, name="张先生", phone="13900001111")
    assert session.state == SessionState.QUEUED
    assert _say(client, session, token, "我的快递显示签收但没收到").status_code == 201
    chat_accept(session=session, by=desk.agent)
    session.refresh_from_db()
    ticket = session.ticket
    assert session.state == SessionState.ACTIVE and ticket.channel == "chat"
    assert ticket.first_responder == desk.agent and ticket.assignee == desk.agent
    assert ticket.customer.phones == ["13900001111"] and ticket.customer.name == "张先生"
    chat_agent_says(session=session, by=desk.agent, text="您好，我帮您查一下")
    _say(client, session, token, "好的谢谢")
    thread = [(m.kind, m.body) for m in ticket.messages.all()]
    assert thread == [(MessageKind.CUSTOMER, "我的快递显示签收但没收到"), (MessageKind.REPLY, "您好，我帮您查一下"),
                      (MessageKind.CUSTOMER, "好的谢谢")]


def test_a_chat_is_accepted_once(client, desk, chat):
    session, _token = _start_ok(client, desk)
    chat_accept(session=session, by=desk.agent)
    with pytest.raises(DomainError):
        chat_accept(session=session, by=desk.teammate)


def test_outside_hours_the_visitor_leaves_a_message_that_becomes_an_order(client, desk, chat):
    chat.calendar.weekly = _closed_now()
    chat.calendar.version += 1
    chat.calendar.save()
    session, token = _start_ok(client, desk, phone="13900002222")
    assert session.state == SessionState.MESSAGE
    _say(client, session, token, "晚上十点发现扣款两次")
    _say(client, session, token, "麻烦明天回电")
    session.refresh_from_db()
    assert session.ticket.first_responder == desk.supervisor and session.ticket.subject.startswith("在线留言")
    assert [m.body for m in session.ticket.messages.all()] == ["晚上十点发现扣款两次", "麻烦明天回电"]


def test_queued_visitor_whose_agents_left_keeps_a_message(client, desk, chat):
    session, token = _start_ok(client, desk)
    presence_set(user=desk.agent, online=False)
    _say(client, session, token, "还有人吗")
    session.refresh_from_db()
    assert session.state == SessionState.MESSAGE and session.ticket.messages.get().body == "还有人吗"


def test_token_is_required_and_checked(client, desk, chat):
    session, _token = _start_ok(client, desk)
    assert _say(client, session, "wrong", "hi").status_code == 401
    assert client.get(f"/api/v1/chat/sessions/{session.public_id}/stream?token=wrong").status_code == 401
    assert ChatLine.objects.filter(session=session, sender="visitor").count() == 0


def test_bad_input_names_the_field(client, desk, chat):
    session, token = _start_ok(client, desk)
    response = _say(client, session, token, "   ")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "text"
    bad_phone = client.post("/api/v1/chat/sessions", json.dumps({"department": desk.service.code, "phone": "abc"}),
                            content_type="application/json")
    assert bad_phone.status_code == 400 and bad_phone.json()["errors"][0]["field"] == "phone"


def test_starting_sessions_is_rate_limited(client, desk, chat, settings):
    settings.KEFU_CHAT_START_LIMIT = 3
    from django.core.cache import cache

    cache.clear()
    codes = [client.post("/api/v1/chat/sessions", json.dumps({"department": desk.service.code}),
                         content_type="application/json").status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]


def test_transfer_only_to_an_online_colleague(client, desk, chat):
    session, _token = _start_ok(client, desk)
    chat_accept(session=session, by=desk.agent)
    session.refresh_from_db()
    with pytest.raises(DomainError):
        chat_transfer(session=session, by=desk.agent, to=desk.teammate)
    presence_set(user=desk.teammate, online=True)
    chat_transfer(session=session, by=desk.agent, to=desk.teammate)
    session.refresh_from_db()
    assert session.agent == desk.teammate and session.ticket.assignee == desk.teammate
    with pytest.raises(DomainError):
        chat_agent_says(session=session, by=desk.other_agent, text="不是我的会话")


def test_typing_is_announced_not_stored(client, desk, chat):
    session, token = _start_ok(client, desk)
    start = latest_id()
    assert client.post(f"/api/v1/chat/sessions/{session.public_id}/typing",
                       HTTP_X_CHAT_TOKEN=token).status_code == 204
    assert [e.kind for e in events_after(start)] == ["chat.typing"] * len(events_after(start))
    assert ChatLine.objects.filter(session=session).count() == 1  # the greeting only
    chat_accept(session=session, by=desk.agent)
    session.refresh_from_db()
    with pytest.raises(DomainError):
        chat_typing(session=session, by=desk.other_agent)


def test_visitor_text_is_escaped_in_the_order(client, desk, chat):
    session, token = _start_ok(client, desk)
    _say(client, session, token, "<script>alert(1)</script>")
    chat_accept(session=session, by=desk.agent)
    session.refresh_from_db()
    client.force_login(desk.agent)
    page = client.get(f"/tickets/{session.ticket.number}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_panel_endpoints_for_agents_only(client, desk, chat):
    session, _token = _start_ok(client, desk)
    client.force_login(desk.handler)
    assert client.get("/chat/panel/queue/").status_code == 403
    client.force_login(desk.agent)
    queue = client.get("/chat/panel/queue/").json()
    assert [s["session"] for s in queue["waiting"]] == [str(session.public_id)]
    accepted = client.post(f"/chat/panel/{session.public_id}/accept/", "{}", content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "active"
    said = client.post(f"/chat/panel/{session.public_id}/say/", json.dumps({"text": "您好"}),
                       content_type="application/json")
    assert said.status_code == 200 and said.json()["sender"] == "agent"
    assert client.get("/chat/panel/").status_code == 200


def test_qa_assist_flags_a_rude_draft_and_passes_a_polite_one(client, desk, chat):
    client.force_login(desk.agent)
    rude = client.post("/chat/panel/assist/", json.dumps({"text": "你自己看说明书去，烦不烦"}),
                       content_type="application/json").json()["findings"]
    polite = client.post("/chat/panel/assist/", json.dumps({"text": "您好，我这就帮您查询物流进度。"}),
                         content_type="application/json").json()["findings"]
    assert rude and all(f["message"] for f in rude)
    assert not [f for f in polite if f["severity"] in {"critical", "major"}]
