"""Real-time assist in the reply box: the draft's findings with a suggestion, in the thread's context;
sending anyway is recorded, never blocked."""

from kefu.qa.models import AssistOverride
from kefu.tickets.services import ticket_add_message
from tests import factories


def test_draft_after_an_upset_customer_without_apology_is_flagged(api_client, desk):
    ticket = factories.ticket(desk.agent, body="你们太慢了，我非常不满意，再不处理我就投诉！")
    api = api_client.as_user(desk.agent)
    cold = api.post("/api/v1/qa/check", {"role": "agent", "text": "订单明天发货", "ticket": ticket.number}).json()
    apology = [f for f in cold["findings"] if f["category"] == "missing_apology"]
    assert apology and apology[0]["suggestion"]
    warm = api.post("/api/v1/qa/check", {"role": "agent", "text": "非常抱歉让您久等了，订单明天发货",
                                         "ticket": ticket.number}).json()
    assert not [f for f in warm["findings"] if f["category"] == "missing_apology"]
    # without the thread, the same draft has nothing to apologise for
    alone = api.post("/api/v1/qa/check", {"role": "agent", "text": "订单明天发货"}).json()
    assert alone["findings"] == []


def test_check_on_someone_elses_ticket_is_refused(api_client, desk):
    ticket = factories.ticket(desk.other_agent)
    response = api_client.as_user(desk.agent).post("/api/v1/qa/check", {"text": "好的", "ticket": ticket.number})
    assert response.status_code == 404


def test_reply_sent_anyway_is_recorded(api_client, desk):
    ticket = factories.ticket(desk.agent)
    response = api_client.as_user(desk.agent).post(
        "/api/v1/qa/assist/overrides", {"text": "你找我没用", "rules": ["FP03", "ADR01"], "ticket": ticket.number})
    assert response.status_code == 201
    row = AssistOverride.objects.get()
    assert row.user == desk.agent and row.ticket == ticket and row.rules == ["ADR01", "FP03"]
    ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="你找我没用")  # the reply itself goes out


def test_reply_box_carries_the_assist_for_agents_only(client, desk):
    ticket = factories.ticket(desk.agent)
    client.force_login(desk.agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert 'id="qa-assist"' in page and "qa/assist.js" in page
    client.force_login(desk.qa)
    assert 'id="qa-assist"' not in client.get(f"/tickets/{ticket.number}/").content.decode()
