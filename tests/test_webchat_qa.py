"""Web chat and QA (issue 13): the panel's assist is kefu/qa's live check (the published pack, the thread as
context), and a finished chat's transcript is a QA conversation that is inspected."""

import json

import pytest

from kefu.accounts.models import Role
from kefu.channels.webchat.availability import presence_set
from kefu.channels.webchat.models import ChatSettings
from kefu.channels.webchat.services import (
    chat_accept,
    chat_agent_says,
    chat_close,
    chat_start,
    chat_visitor_says,
)
from kefu.qa import rules
from kefu.qa.models import Conversation, PackVersion
from kefu.sla.models import Calendar
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)
ALWAYS = {str(d): [["00:00", "24:00"]] for d in range(7)}


@pytest.fixture
def chat(desk):
    calendar = Calendar.objects.create(name="全天", weekly=ALWAYS, observes_holidays=False)
    row = ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)
    presence_set(user=desk.agent, online=True)
    return row


def _assist(client, text, session=None):
    body = {"text": text} | ({"session": str(session.public_id)} if session else {})
    response = client.post("/chat/panel/assist/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["findings"]


def test_chat_assist_applies_the_published_pack_like_the_qa_check(client, desk, chat):
    client.force_login(desk.agent)
    text = "这事不归我们管"
    assert "FP02" in {f["rule"] for f in _assist(client, text)}  # the bundled pack checks it live
    draft = rules.pack_copy(by=desk.qa)
    form = {"phrases": "不管\n不归我们管", "examples_hit": "这个我们不管的\n这事不归我们管",
            "message": rules.rule_of(draft.data, "FP02")["message"]}
    # the published version no longer checks FP02 while typing: the chat panel follows it
    rules.rule_update(by=desk.qa, draft=draft, code="FP02", form=form, realtime=False)
    rules.pack_publish(by=desk.qa, draft=PackVersion.objects.get(pk=draft.pk), version="2026.12.05-chat")
    found = _assist(client, text)
    assert "FP02" not in {f["rule"] for f in found}
    checked = client.post("/api/v1/qa/check", json.dumps({"text": text, "role": "agent"}),
                          content_type="application/json").json()["findings"]
    assert [(f["rule"], f["message"]) for f in found] == [(f["rule"], f["message"]) for f in checked]


def test_chat_assist_reads_the_draft_after_the_chat_so_far(client, desk, chat):
    session, _token = chat_start(department=desk.service, name="王女士")
    chat_visitor_says(session=session, text="你们太慢了，我非常不满意，再不处理我就投诉！")
    session = chat_accept(session=session, by=desk.agent)
    client.force_login(desk.agent)
    cold = _assist(client, "订单明天发货", session)
    apology = [f for f in cold if f["category"] == "missing_apology"]
    assert apology and apology[0]["suggestion"]
    warm = _assist(client, "非常抱歉让您久等了，订单明天发货", session)
    assert not [f for f in warm if f["category"] == "missing_apology"]
    assert _assist(client, "订单明天发货") == []  # without the chat there is nothing to apologise for


def test_chat_assist_for_a_chat_the_agent_cannot_see_is_refused(client, desk, chat):
    session, _token = chat_start(department=desk.service)
    stranger = factories.user(Role.AGENT, dept=desk.other_service, username="agent_elsewhere")
    client.force_login(stranger)
    response = client.post("/chat/panel/assist/", json.dumps({"text": "好的", "session": str(session.public_id)}),
                           content_type="application/json")
    assert response.status_code in (403, 404)


def test_a_finished_chat_is_a_conversation_the_qa_workspace_inspects(client, desk, chat):
    session, _token = chat_start(department=desk.service, name="李先生")
    chat_visitor_says(session=session, text="我的快递三天没动了")
    session = chat_accept(session=session, by=desk.agent)
    chat_agent_says(session=session, by=desk.agent, text="您好，我帮您查一下物流")
    chat_visitor_says(session=session, text="好的，麻烦快点")
    chat_agent_says(session=session, by=desk.agent, text="你自己看说明书去，烦不烦")
    chat_visitor_says(session=session, text="什么态度")
    chat_close(session=session, by=desk.agent)
    conversation = Conversation.objects.get(ticket=session.ticket, source="ticket")
    assert [(t["role"], t["text"]) for t in conversation.turns] == [
        ("customer", "我的快递三天没动了"), ("agent", "您好，我帮您查一下物流"), ("customer", "好的，麻烦快点"),
        ("agent", "你自己看说明书去，烦不烦"), ("customer", "什么态度")]
    inspection = conversation.inspections.get(is_current=True)
    assert inspection.digest == conversation.digest  # the whole transcript was judged, not a part of it
    assert inspection.findings.filter(turn=3).exists()  # the rude line is found
    assert conversation.agent == desk.agent
    client.force_login(desk.qa)
    page = client.get(f"/qa/conversations/{conversation.pk}/")
    assert page.status_code == 200 and "烦不烦" in page.content.decode()
