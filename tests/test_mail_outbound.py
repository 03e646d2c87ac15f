"""E-mail out: a reply is 待发送 in its own transaction, sent after the commit over real SMTP, retried, and
its state (已发送 / 发送失败 with the reason) shows on the message; the reply box claims nothing more."""

import pytest

from kefu.channels.email.models import DeliveryState, DepartmentMail, Mailbox, OutboundMail
from kefu.channels.email.outbound import SendLater, mail_deliver
from kefu.channels.email.services import mail_receive
from kefu.tickets.models import MessageKind
from kefu.tickets.services import ticket_add_message
from tests.mailfactory import mail
from tests.mailservers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def order(desk, smtp_server):
    Mailbox.objects.create(name="客服邮箱", address="service@kefu.test", department=desk.service,
                           team=desk.team_a, owner=desk.agent)
    DepartmentMail.objects.create(department=desk.service, signature="客服部 · 400-000-0000", acknowledge=False)
    return mail_receive(raw=mail(message_id="<cust-1@example.cn>", subject="发票开错了")).inbound.ticket


def test_reply_page_saves_then_mail_leaves_after_commit_with_threading_headers(client, desk, order, smtp_server):
    client.force_login(desk.agent)
    response = client.post(f"/tickets/{order.number}/message/", {"kind": "reply", "body": "已为您重开发票。"},
                           follow=True)
    text = response.content.decode()
    assert "回复已保存" in text and "回复已发送" not in text
    [sent] = smtp_server.received
    assert sent["In-Reply-To"] == "<cust-1@example.cn>" and "<cust-1@example.cn>" in sent["References"]
    assert order.number in sent["Subject"] and sent["Subject"].startswith("Re: 发票开错了")
    assert sent["Auto-Submitted"] is None  # a person's reply is not automatic mail
    assert "已为您重开发票。" in sent.get_content() and "客服部 · 400-000-0000" in sent.get_content()
    outbound = OutboundMail.objects.get(ticket=order)
    assert outbound.state == DeliveryState.SENT and sent["Message-ID"] == outbound.message_id
    page = client.get(f"/tickets/{order.number}/").content.decode()
    assert 'data-testid="badge">已发送' in page
    assert order.events.filter(code="mail.sent").count() == 1 and "邮件已发送" in page


def test_customer_answer_to_our_reply_threads_back(desk, order, smtp_server):
    ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.REPLY, body="请提供订单号。")
    [sent] = smtp_server.received
    answer = mail_receive(raw=mail(subject="Re: whatever", in_reply_to=sent["Message-ID"]))
    assert answer.inbound.ticket == order and not answer.new_ticket


def test_notes_and_non_email_orders_send_nothing(desk, order, smtp_server):
    from tests import factories

    ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.NOTE, body="内部：先查物流")
    phone_order = factories.ticket(desk.agent, factories.customer(desk.agent, email="x@example.cn"))
    ticket_add_message(ticket=phone_order, by=desk.agent, kind=MessageKind.REPLY, body="电话已回复")
    assert smtp_server.received == [] and OutboundMail.objects.count() == 0


def test_rolled_back_reply_sends_nothing(desk, order, smtp_server):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.REPLY, body="这条会回滚")
        raise RuntimeError("boom")
    assert smtp_server.received == [] and OutboundMail.objects.count() == 0


def test_server_down_keeps_it_pending_then_retry_sends(desk, order, smtp_server, settings):
    live_url = settings.KEFU_SMTP_URL
    settings.KEFU_SMTP_URL = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there
    settings.KEFU_SMTP_TIMEOUT = 2
    message = ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.REPLY, body="稍后送达")
    outbound = OutboundMail.objects.get(thread_message=message)
    outbound.refresh_from_db()
    assert outbound.state == DeliveryState.PENDING and outbound.attempts >= 1 and outbound.reason
    with pytest.raises(SendLater):
        mail_deliver(outbound.pk)
    settings.KEFU_SMTP_URL = live_url
    assert mail_deliver(outbound.pk) == DeliveryState.SENT
    assert mail_deliver(outbound.pk) == DeliveryState.SENT  # a second run sends nothing more
    assert len(smtp_server.received) == 1


def test_refused_recipient_fails_for_good_with_reason_on_the_message(client, desk, order, smtp_server):
    smtp_server.refuse.add("wangfang@example.cn")
    message = ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.REPLY, body="发不出去")
    outbound = OutboundMail.objects.get(thread_message=message)
    assert outbound.state == DeliveryState.FAILED and "550" in outbound.reason and outbound.attempts == 1
    client.force_login(desk.agent)
    page = client.get(f"/tickets/{order.number}/").content.decode()
    assert "发送失败" in page and "mailbox unavailable" in page
    assert order.events.get(code="mail.failed").params["reason"] == outbound.reason


def test_no_smtp_configured_is_a_failure_not_a_pretend_send(desk, order, settings):
    settings.KEFU_SMTP_URL = ""
    message = ticket_add_message(ticket=order, by=desk.agent, kind=MessageKind.REPLY, body="没有发信服务器")
    outbound = OutboundMail.objects.get(thread_message=message)
    assert outbound.state == DeliveryState.FAILED and "KEFU_SMTP_URL" in outbound.reason


def test_department_reply_templates_show_on_its_email_orders_only(client, desk, order):
    from kefu.channels.email.models import ReplyTemplate

    ReplyTemplate.objects.create(department=desk.service, title="发票重开", body="您好，发票已为您重新开具<附件>。")
    ReplyTemplate.objects.create(department=desk.other_service, title="别的部门", body="不该出现")
    client.force_login(desk.agent)
    page = client.get(f"/tickets/{order.number}/").content.decode()
    assert "发票重开" in page and "您好，发票已为您重新开具&lt;附件&gt;。" in page  # escaped like any text
    assert "不该出现" not in page
