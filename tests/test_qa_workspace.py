"""QA workspace: conversations in through the API, inspected in the background, reviewed, appealed, ruled."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kefu.qa.models import Appeal, Conversation, Finding, Inspection, QaEvent
from kefu.qa.review import appeal_deadline
from kefu.tickets import events
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_add_message, ticket_set_status
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
RUDE = {"external_id": "call-1", "channel": "chat", "agent": "agent_a",
        "turns": [{"role": "customer", "text": "我的快递三天了还没到"},
                  {"role": "agent", "text": "这事我不知道哦，你自己去问快递"}]}


@pytest.fixture
def submit(api_client, desk, django_capture_on_commit_callbacks):
    def send(body, user=None):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.as_user(user or desk.qa).post("/api/v1/qa/conversations", body)
    return send


def _current(external_id: str) -> Inspection:
    return Inspection.objects.get(conversation__external_id=external_id, is_current=True)


def test_submitted_conversation_is_inspected_with_pack_and_version(submit, api_client, desk):
    response = submit(RUDE)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "external_id", "inspection_state"}
    assert body["external_id"] == "call-1"
    detail = api_client.as_user(desk.qa).get(f"/api/v1/qa/conversations/{body['id']}").json()
    inspection = detail["inspection"]
    assert inspection["state"] == "done"
    assert inspection["pack"] == "default" and inspection["pack_version"]
    rules = {f["rule"] for f in inspection["findings"]}
    assert "FP01" in rules  # 不知道 as a brush-off
    fp = next(f for f in inspection["findings"] if f["rule"] == "FP01")
    assert RUDE["turns"][fp["turn"]]["text"][fp["start"]:fp["end"]] == fp["evidence"]
    assert {"id", "rule", "category", "severity", "turn", "start", "end", "evidence", "review", "appeal"} <= set(fp)
    assert inspection["score"] < 100


def test_same_external_id_updates_in_place(submit, desk):
    assert submit(RUDE).status_code == 201
    polite = {**RUDE, "turns": [{"role": "customer", "text": "请问发货了吗"},
                                {"role": "agent", "text": "您好，已经为您发货了，请您放心"}]}
    again = submit(polite)
    assert again.status_code == 200
    assert Conversation.objects.filter(external_id="call-1").count() == 1
    assert Conversation.objects.get(external_id="call-1").turns[1]["text"].startswith("您好")
    assert Inspection.objects.filter(conversation__external_id="call-1").count() == 2
    assert not _current("call-1").findings.filter(rule="FP01").exists()
    # the same turns a third time: nothing new to inspect
    assert submit(polite).status_code == 200
    assert Inspection.objects.filter(conversation__external_id="call-1").count() == 2


def test_bad_conversation_names_the_field(submit, desk):
    unknown = submit({**RUDE, "agent": "nobody"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "agent"
    wrong_role = submit({**RUDE, "turns": [{"role": "boss", "text": "x"}]})
    assert wrong_role.status_code == 422
    assert not Conversation.objects.exists()


def test_agent_sees_only_own_results(submit, api_client, desk):
    pk = submit(RUDE).json()["id"]
    assert api_client.as_user(desk.agent).get(f"/api/v1/qa/conversations/{pk}").status_code == 200
    assert api_client.as_user(desk.teammate).get(f"/api/v1/qa/conversations/{pk}").status_code == 404
    assert submit(RUDE, user=desk.agent).status_code == 403  # agents do not import


def test_check_returns_findings_with_suggestion_and_writes_nothing(api_client, desk):
    before = (Conversation.objects.count(), Inspection.objects.count(), QaEvent.objects.count())
    response = api_client.as_user(desk.agent).post("/api/v1/qa/check", {"role": "agent", "text": "你找我没用"})
    assert response.status_code == 200
    findings = response.json()["findings"]
    rules = {f["rule"] for f in findings}
    assert "FP03" in rules
    address = [f for f in findings if f["category"] == "impolite_address"]
    assert address and address[0]["suggestion"].startswith("您")
    assert all(f["suggestion"] for f in findings if f["category"] == "forbidden_phrase")
    assert (Conversation.objects.count(), Inspection.objects.count(), QaEvent.objects.count()) == before
    clean = api_client.as_user(desk.agent).post("/api/v1/qa/check", {"role": "agent", "text": "您好，请问有什么可以帮您"})
    assert clean.json()["findings"] == []


def test_review_confirm_and_reject_rescore(submit, api_client, desk):
    submit(RUDE)
    inspection = _current("call-1")
    finding = inspection.findings.get(rule="FP01")
    api = api_client.as_user(desk.qa)
    confirmed = api.post(f"/api/v1/qa/findings/{finding.pk}/review", {"verdict": "confirmed"})
    assert confirmed.status_code == 200 and confirmed.json()["review"]["verdict"] == "confirmed"
    before = Inspection.objects.get(pk=inspection.pk).score
    rejected = api.post(f"/api/v1/qa/findings/{finding.pk}/review", {"verdict": "rejected", "comment": "误判"})
    assert rejected.status_code == 200
    assert Inspection.objects.get(pk=inspection.pk).score > before
    assert api.post(f"/api/v1/qa/findings/{finding.pk}/review", {"verdict": "maybe"}).status_code == 422


def test_agent_cannot_review_own_or_rule(submit, api_client, desk):
    submit(RUDE)
    finding = _current("call-1").findings.get(rule="FP01")
    api = api_client.as_user(desk.agent)
    assert api.post(f"/api/v1/qa/findings/{finding.pk}/review", {"verdict": "rejected"}).status_code == 403


def test_appeal_ruling_locks(submit, api_client, desk, django_capture_on_commit_callbacks):
    submit(RUDE)
    inspection = _current("call-1")
    finding = inspection.findings.get(rule="FP01")
    assert api_client.as_user(desk.teammate).post(
        f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "不是我的"}).status_code == 404
    agent = api_client.as_user(desk.agent)
    assert agent.post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "  "}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        created = agent.post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "客户要求我查快递，我随后查了"})
    assert created.status_code == 201
    appeal_id = created.json()["appeal"]
    assert agent.post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "再申诉"}).status_code == 409
    assert api_client.as_user(desk.qa).post(f"/api/v1/qa/appeals/{appeal_id}/ruling",
                                            {"decision": "accept"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        ruled = api_client.as_user(desk.supervisor).post(f"/api/v1/qa/appeals/{appeal_id}/ruling",
                                                         {"decision": "accept", "comment": "属实"})
    assert ruled.status_code == 200 and ruled.json()["state"] == "accept"
    assert not Finding.objects.get(pk=finding.pk).counts
    assert ruled.json()["score"] > inspection.score
    again = api_client.as_user(desk.agent).post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "还想申诉"})
    assert again.status_code == 409
    assert api_client.as_user(desk.supervisor).post(f"/api/v1/qa/appeals/{appeal_id}/ruling",
                                                    {"decision": "reject", "comment": "改判"}).status_code == 409
    codes = list(QaEvent.objects.filter(conversation=inspection.conversation).values_list("code", flat=True))
    assert "qa.appealed" in codes and "qa.ruled" in codes
    assert desk.agent.notifications.filter(text__contains="申诉已裁定").exists()
    assert desk.supervisor.notifications.filter(text__contains="申诉").exists()


def test_supervisor_cannot_rule_on_appeal_against_own_review(submit, api_client, desk):
    submit(RUDE)
    finding = _current("call-1").findings.get(rule="FP01")
    api_client.as_user(desk.supervisor).post(f"/api/v1/qa/findings/{finding.pk}/review", {"verdict": "confirmed"})
    appeal = api_client.as_user(desk.agent).post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "理由"})
    response = api_client.as_user(desk.supervisor).post(f"/api/v1/qa/appeals/{appeal.json()['appeal']}/ruling",
                                                        {"decision": "reject", "comment": "维持"})
    assert response.status_code == 403


def test_partial_ruling_keeps_finding_on_record_without_penalty(submit, api_client, desk):
    submit(RUDE)
    finding = _current("call-1").findings.get(rule="FP01")
    appeal = api_client.as_user(desk.agent).post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "理由"})
    api_client.as_user(desk.supervisor).post(f"/api/v1/qa/appeals/{appeal.json()['appeal']}/ruling",
                                             {"decision": "partial", "comment": "情有可原"})
    assert Appeal.objects.get().state == "partial"
    assert not Finding.objects.get(pk=finding.pk).counts


def test_appeal_window_counts_working_days_on_the_calendar(submit, api_client, desk):
    submit(RUDE)
    inspection = _current("call-1")
    # Wednesday 30 Sep 2026, then the National Day holiday (1-7 Oct): day 1 is 8 Oct, day 3 the make-up
    # Saturday 10 Oct.
    inspection.created_at = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
    inspection.save()
    due = appeal_deadline(inspection).astimezone(SHANGHAI)
    assert due.date().isoformat() == "2026-10-10"
    finding = inspection.findings.get(rule="FP01")
    late = api_client.as_user(desk.agent).post(f"/api/v1/qa/findings/{finding.pk}/appeal", {"reason": "迟到的申诉"})
    assert late.status_code == 400 and "时限" in late.json()["detail"]


def _ticket_with_reply(desk, django_capture_on_commit_callbacks, text: str):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = factories.ticket(desk.agent, body="我的快递怎么还没到，太慢了")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body=text)
    return ticket


def test_agent_reply_on_work_order_is_inspected(desk, django_capture_on_commit_callbacks):
    ticket = _ticket_with_reply(desk, django_capture_on_commit_callbacks, "这个我们不管的")
    conversation = Conversation.objects.get(ticket=ticket, source="ticket")
    inspection = conversation.inspections.get(is_current=True)
    assert inspection.trigger == "reply"
    assert inspection.findings.filter(rule="FP02").exists()
    assert conversation.agent == desk.agent
    facts = events.of_tickets([ticket.pk], codes=["qa.inspected"]).values_list("params", flat=True)
    assert [p["score"] for p in facts] == [inspection.score]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="您好，已为您催促快递")
    assert conversation.inspections.count() == 2


def test_resolving_a_work_order_inspects_it_again(desk, django_capture_on_commit_callbacks):
    ticket = _ticket_with_reply(desk, django_capture_on_commit_callbacks, "您好，已为您催促快递")
    conversation = Conversation.objects.get(ticket=ticket, source="ticket")
    assert conversation.inspections.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
    assert conversation.inspections.get(is_current=True).trigger == "resolve"
    with django_capture_on_commit_callbacks(execute=True):  # a later unrelated change inspects nothing new
        ticket_set_status(ticket=ticket, by=desk.agent, status=Status.CLOSED)
    assert conversation.inspections.count() == 2


def test_ratings_read_the_current_results(submit, desk):
    from datetime import timedelta

    from django.utils import timezone

    from kefu.ratings.evidence import qa

    submit({**RUDE, "turns": [{"role": "customer", "text": "怎么还没到"}, {"role": "agent", "text": "你有病吧，烦不烦"}]})
    submit({**RUDE, "external_id": "call-2"})
    now = timezone.now()
    evidence = qa([desk.agent.pk], now - timedelta(days=1), now + timedelta(days=1))
    assert evidence["qa_fatal"][desk.agent.pk].value == 0.5  # one fatal conversation of two
