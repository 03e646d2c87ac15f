"""PIPL requests (issue 10 item 5): export (JSON, XLSX) and erasure with a supervisor's approval,
keeping work orders, statistics and the audit."""

import io
import json
import os

import pytest
from openpyxl import load_workbook

from kefu.core.errors import DomainError, Forbidden
from kefu.security.models import EventKind, PrivacyRequest, SecurityEvent
from kefu.security.privacy import customer_export_data, privacy_request_decide, privacy_request_file
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ticket_add_message
from tests import factories


@pytest.fixture
def customer(desk):
    cust = factories.customer(desk.agent, name="隐私客户", phones=["13911112222"], email="p@example.com",
                              address="上海市某路1号", notes="喜欢下午来电")
    ticket = factories.ticket(desk.agent, cust, subject="咨询", body="我的电话是13911112222", intake={"contact": "13911112222"})
    ticket_add_message(ticket=ticket, by=desk.agent, kind="note", body="内部：客户很急")
    return cust


def test_export_needs_approval_then_gives_json_and_xlsx(desk, customer, client):
    client.force_login(desk.agent)
    client.post(f"/security/privacy/customer/{customer.pk}/", {"kind": "export", "reason": "客户来电要求"})
    item = PrivacyRequest.objects.get(customer=customer)
    assert client.get(f"/security/privacy/{item.pk}/export.json").status_code == 403  # not approved yet
    assert client.post(f"/security/privacy/{item.pk}/decide/", {"approve": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.state == "pending"  # the filer cannot approve their own request
    client.force_login(desk.supervisor)
    client.post(f"/security/privacy/{item.pk}/decide/", {"approve": "1"})
    item.refresh_from_db()
    assert (item.state, item.decided_by) == ("approved", desk.supervisor)
    client.force_login(desk.agent)
    data = json.loads(client.get(f"/security/privacy/{item.pk}/export.json").content)
    assert data["customer"]["phones"] == ["13911112222"] and data["customer"]["address"] == "上海市某路1号"
    assert any("13911112222" in m["body"] for m in data["messages"])
    assert not any("内部" in m["body"] for m in data["messages"])  # internal notes are not the customer's
    xlsx = client.get(f"/security/privacy/{item.pk}/export.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"客户", "工单", "消息"} <= set(book.sheetnames)
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_EXPORTED).count() == 2


def test_erasure_anonymises_but_keeps_orders_statistics_and_audit(desk, customer):
    ticket = Ticket.objects.get(customer=customer)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.agent, approve=True)
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.qa, approve=True)
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)
    customer.refresh_from_db()
    assert customer.phones == [] and customer.email == "" and customer.address == "" and customer.notes == ""
    assert "隐私客户" not in customer.name
    data = json.dumps(customer_export_data(customer), ensure_ascii=False)
    assert "13911112222" not in data and "上海市某路1号" not in data
    ticket.refresh_from_db()
    assert ticket.created_at and ticket.type and ticket.intake == {}  # the order stays, counted as before
    assert TicketEvent.objects.filter(ticket=ticket).count() >= events_before  # the audit stays
    assert SecurityEvent.objects.filter(kind=EventKind.PERSONAL_DATA_ERASED, actor=desk.supervisor).exists()
    item.refresh_from_db()
    assert item.state == "done"


def test_rejected_erasure_changes_nothing(desk, customer):
    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent)
    privacy_request_decide(request=item, by=desk.supervisor, approve=False)
    customer.refresh_from_db()
    assert customer.phones == ["13911112222"]
    with pytest.raises(DomainError):
        privacy_request_decide(request=item, by=desk.supervisor, approve=True)


def test_masked_roles_and_other_departments_cannot_file(desk, customer):
    with pytest.raises(Forbidden):
        privacy_request_file(customer=customer, kind="export", by=desk.qa)
    with pytest.raises(Forbidden):
        privacy_request_file(customer=customer, kind="export", by=desk.other_supervisor)
    item = privacy_request_file(customer=customer, kind="export", by=desk.agent)
    with pytest.raises(Forbidden):
        privacy_request_decide(request=item, by=desk.other_supervisor, approve=True)


def test_privacy_pages_render(desk, customer, client):
    privacy_request_file(customer=customer, kind="export", by=desk.agent)
    client.force_login(desk.supervisor)
    page = client.get("/security/privacy/").content.decode()
    assert "隐私客户" in page and "批准" in page
    assert client.get(f"/security/privacy/customer/{customer.pk}/").status_code == 200
    assert "个人信息请求" in client.get(f"/customers/{customer.pk}/").content.decode()


def test_erasure_reaches_mail_chat_surveys_callbacks_and_the_search_index(desk, customer):
    """What the customer wrote or gave on every channel goes too, and no search finds them by it; scores,
    results and times stay for the reports."""
    from datetime import timedelta

    from django.utils import timezone

    from kefu.callbacks.models import Attempt, CallbackTask
    from kefu.channels.email.models import InboundMail
    from kefu.channels.webchat.models import ChatLine, ChatSession
    from kefu.search.models import Document
    from kefu.surveys.models import Answer, Questionnaire, Survey
    from tests.callback_helpers import at, campaign, resolved_order

    now = timezone.now()
    ticket = Ticket.objects.get(customer=customer)
    ticket_add_message(ticket=ticket, by=desk.agent, kind="customer", body="快递放在幸福小区三号楼门卫")
    InboundMail.objects.create(message_id="<p1@example.com>", ticket=ticket, sender="p@example.com",
                               subject="我的地址", html="<p>幸福小区三号楼</p>", outcome="new_ticket", received_at=now)
    chat = ChatSession.objects.create(token_digest="x" * 64, department=desk.service, visitor_name="隐私访客",
                                      visitor_phone="13911112222", ticket=ticket, created_at=now, updated_at=now)
    ChatLine.objects.create(session=chat, sender="visitor", text="我住幸福小区", created_at=now)
    ChatLine.objects.create(session=chat, sender="agent", author=desk.agent, text="好的，已记录", created_at=now)
    survey = Survey.objects.create(ticket=ticket, customer=customer, agent=desk.agent, department=desk.service,
                                   questionnaire=Questionnaire.objects.get_or_create(name="隐私问卷")[0],
                                   trigger="manual", sent_at=now, expires_at=now + timedelta(days=7), answered_at=now)
    Answer.objects.create(survey=survey, code="stars", kind="stars", question_text="满意度", score=2, text="一般")
    Answer.objects.create(survey=survey, code="say", kind="text", question_text="意见", text="王先生说送货员态度差")
    resolved_order(desk.agent, when=at(2026, 11, 5, 15))  # a campaign needs somebody to call
    task = CallbackTask.objects.create(campaign=campaign(desk, now=at(2026, 11, 16, 10)), customer=customer, ticket=ticket,
                                       assignee=desk.agent, next_attempt_at=now, note="客户说晚上八点后在家",
                                       result="reached", answers=[{"question": "安装是否顺利", "answer": "顺利"}])
    Attempt.objects.create(task=task, by=desk.agent, at=now, result="no_answer", note="家属接听，说客户住院了")
    assert Document.objects.filter(body__contains="幸福").exists()
    exported = customer_export_data(customer)  # the export (right of access) has all of it too
    assert [(c["sender"], c["text"], c["visitor_phone"]) for c in exported["chats"]] == [
        ("visitor", "我住幸福小区", "13911112222"), ("agent", "好的，已记录", "13911112222")]
    assert {(a["question"], a["score"], a["text"]) for a in exported["survey_answers"]} == {
        ("满意度", 2, "一般"), ("意见", None, "王先生说送货员态度差")}
    assert exported["callback_answers"] == [{"ticket": ticket.number, "result": "reached",
                                             "answers": [{"question": "安装是否顺利", "answer": "顺利"}]}]
    assert "客户说晚上八点后在家" not in json.dumps(exported, ensure_ascii=False)  # agents' notes are internal

    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)

    mail = InboundMail.objects.get(ticket=ticket)
    assert (mail.sender, mail.subject, mail.html) == ("", "", "")
    chat.refresh_from_db()
    assert (chat.visitor_name, chat.visitor_phone) == ("", "")
    assert list(chat.lines.values_list("sender", "text")) == [("visitor", "（已删除）"), ("agent", "好的，已记录")]
    assert dict(Answer.objects.filter(survey=survey).values_list("kind", "text")) == {"stars": "一般", "text": "（已删除）"}
    assert Answer.objects.get(survey=survey, kind="stars").score == 2  # the score stays in the reports
    task.refresh_from_db()
    assert task.note == "（已删除）" and task.attempt_rows.get().note == "（已删除）"
    assert task.attempt_rows.get().result == "no_answer"
    assert not Document.objects.filter(body__contains="幸福").exists()  # the index forgot the erased words
    assert Document.objects.filter(kind="ticket", object_id=ticket.pk, title__contains="咨询").exists()


def test_erasure_reaches_the_quality_inspection_copy_and_the_mails_sent_to_the_customer(desk, customer):
    """kefu/qa keeps its own copy of the thread (Conversation.turns) and quotes it (Finding.evidence); the
    mails sent to the customer keep their address and the subject of their mail, and the order's history
    the address they were sent to."""
    from django.utils import timezone

    from kefu.channels.email.models import DeliveryState, InboundMail, OutboundMail
    from kefu.qa.models import Conversation, Finding, Inspection
    from kefu.tickets import events

    now = timezone.now()
    ticket = Ticket.objects.get(customer=customer)
    ticket_add_message(ticket=ticket, by=desk.agent, kind="customer", body="快递放在幸福小区三号楼门卫")
    InboundMail.objects.create(message_id="<p2@example.com>", ticket=ticket, sender="p@example.com",
                               subject="幸福小区的快递", html="", outcome="new_ticket", received_at=now)
    conversation = Conversation.objects.create(
        ticket=ticket, source="ticket", customer=customer, started_at=now,
        turns=[{"role": "customer", "text": "快递放在幸福小区三号楼门卫"}, {"role": "agent", "text": "好的，您放心"}])
    inspection = Inspection.objects.create(conversation=conversation, pack_name="default", pack_version="1",
                                           trigger="reply", auto_score=90, score=90, channel="chat",
                                           started_at=now, created_at=now)
    Finding.objects.create(inspection=inspection, rule="X01", category="c", severity="minor", turn=0, start=0,
                           end=8, evidence="幸福小区三号楼")
    Finding.objects.create(inspection=inspection, rule="X02", category="c", severity="minor", turn=1, start=0,
                           end=2, evidence="好的")
    sent = OutboundMail.objects.create(ticket=ticket, message_id="<o1@kefu>", to="p@example.com",
                                       subject="Re: 幸福小区的快递 [X]", body="您好", state=DeliveryState.SENT,
                                       created_at=now)
    pending = OutboundMail.objects.create(ticket=ticket, message_id="<o2@kefu>", to="p@example.com",
                                          subject="Re: 幸福小区的快递 [X]", body="您好", created_at=now)
    events.record(ticket, "mail.sent", to="p@example.com", automatic=False, outbound=sent.pk)

    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)

    conversation.refresh_from_db()
    assert conversation.turns == [{"role": "customer", "text": "（已删除）"}, {"role": "agent", "text": "好的，您放心"}]
    assert dict(Finding.objects.values_list("rule", "evidence")) == {"X01": "（已删除）", "X02": "好的"}
    for mail in (sent, pending):
        mail.refresh_from_db()
        assert "p@example.com" not in mail.to and "幸福" not in mail.subject
    assert pending.state == DeliveryState.FAILED  # nobody to send it to any more
    assert "p@example.com" not in json.dumps(list(TicketEvent.objects.filter(ticket=ticket).values_list(
        "params", flat=True)))


def test_erasure_removes_the_files_the_customer_sent(desk, customer, settings, tmp_path,
                                                     django_capture_on_commit_callbacks):
    """Their attachments (a photo of an ID card, an invoice) are what they gave too: the rows and the files
    go; the agents' files stay."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.tickets.models import Attachment

    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = Ticket.objects.get(customer=customer)
    theirs = ticket_add_message(ticket=ticket, by=desk.agent, kind="customer", body="身份证照片见附件", attachments=[
        SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 id card", content_type="application/pdf")])
    ours = ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="回执见附件", attachments=[
        SimpleUploadedFile("回执.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")])
    their_file = theirs.attachments.get().file
    their_path = their_file.path
    assert their_file.storage.exists(their_file.name)

    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    with django_capture_on_commit_callbacks(execute=True):
        privacy_request_decide(request=item, by=desk.supervisor, approve=True)

    assert not Attachment.objects.filter(message=theirs).exists()
    assert not os.path.exists(their_path)
    kept = Attachment.objects.get(message=ours)
    assert kept.file.storage.exists(kept.file.name)


def test_erasure_renames_the_orders_a_chat_or_a_mail_named_with_the_customers_words(desk, customer):
    """A chat opens its order as 在线咨询：<the visitor's first line>, a mail as its subject: those orders keep
    their prefix and lose the customer's words (in the search titles too); an order an agent named stays."""
    from django.utils import timezone

    from kefu.channels.email.models import InboundMail
    from kefu.search.models import Document

    chat = factories.ticket(desk.agent, customer, subject="在线咨询：我是张三，住幸福小区", channel="chat")
    mail = factories.ticket(desk.agent, customer, subject="幸福小区张三的退款", channel="email")
    InboundMail.objects.create(message_id="<p3@example.com>", ticket=mail, sender="p@example.com",
                               subject="幸福小区张三的退款", html="", outcome="created", received_at=timezone.now())
    named = Ticket.objects.get(customer=customer, subject="咨询")
    assert Document.objects.filter(title__contains="幸福").count() == 2

    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)

    assert Ticket.objects.get(pk=chat.pk).subject == "在线咨询：（已删除）"
    assert Ticket.objects.get(pk=mail.pk).subject == "（已删除）"
    assert Ticket.objects.get(pk=named.pk).subject == "咨询"
    assert not Document.objects.filter(title__contains="幸福").exists()


def test_the_xlsx_export_takes_any_text_the_customer_sent_and_runs_none_of_it(desk, customer):
    """A web chat line is any text from the public API: a stray control character made openpyxl refuse the
    whole workbook (the export failed), and a line starting with "=" was a formula in the supervisor's Excel."""
    from django.utils import timezone

    from kefu.channels.webchat.models import ChatLine, ChatSession
    from kefu.security.privacy import export_for

    now = timezone.now()
    ticket = Ticket.objects.get(customer=customer)
    chat = ChatSession.objects.create(token_digest="x" * 64, department=desk.service, customer=customer,
                                      ticket=ticket, created_at=now, updated_at=now)
    ChatLine.objects.create(session=chat, sender="visitor", text="订单\x0b号码", created_at=now)
    ChatLine.objects.create(session=chat, sender="visitor", text='=HYPERLINK("http://evil.example","点我")',
                            created_at=now)
    item = privacy_request_file(customer=customer, kind="export", by=desk.agent)
    item = privacy_request_decide(request=item, by=desk.supervisor, approve=True)
    content, _type = export_for(request=item, by=desk.agent, fmt="xlsx")
    rows = list(load_workbook(io.BytesIO(content))["在线咨询"].values)
    texts = [row[rows[0].index("text")] for row in rows[1:]]
    assert texts == ["订单号码", '\'=HYPERLINK("http://evil.example","点我")']


def test_erasure_reaches_the_records_merged_into_the_customer(desk, customer):
    """A duplicate merged into the customer stays as a pointer that kept its name, address and notes, and the
    merge's audit row kept a snapshot of all of it (phones and e-mail too): both outlived the erasure, and a
    search by the old name still found the merged record."""
    from kefu.customers.merge import customer_merge
    from kefu.customers.models import CustomerMerge
    from kefu.search.models import Document

    duplicate = factories.customer(desk.agent, name="隐私客户张三", phones=["13911113333"], email="z@example.com",
                                   address="幸福小区三号楼", notes="老客户", wechat_id="zhangsan88")
    older = factories.customer(desk.agent, name="张三旧档", phones=["13911114444"], address="幸福小区一号楼")
    customer_merge(source=older, target=duplicate, by=desk.supervisor)
    customer_merge(source=duplicate, target=customer, by=desk.supervisor)  # a chain: older -> duplicate -> customer

    item = privacy_request_file(customer=customer, kind="erase", by=desk.agent, reason="客户要求删除")
    privacy_request_decide(request=item, by=desk.supervisor, approve=True)

    for merged in (duplicate, older):
        merged.refresh_from_db()
        assert "张三" not in merged.name and (merged.address, merged.notes, merged.wechat_id) == ("", "", "")
    snapshots = json.dumps(list(CustomerMerge.objects.values_list("source_data", flat=True)), ensure_ascii=False)
    assert "幸福" not in snapshots and "1391111" not in snapshots and "z@example.com" not in snapshots
    assert not Document.objects.filter(title__contains="张三").exists()
