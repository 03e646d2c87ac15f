"""E-mail in: threading, duplicates, loop protection, attachments and HTML, with replies and
acknowledgements leaving over a real SMTP server (aiosmtpd)."""

import pytest

from kefu.accounts.models import Role
from kefu.channels.email.models import DeliveryState, InboundMail, Mailbox, OutboundMail, Outcome
from kefu.channels.email.services import mail_receive
from kefu.customers.models import Customer
from kefu.tickets.models import Message, MessageKind, Ticket
from tests import factories
from tests.mailfactory import bounce, mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mailbox(desk):
    return Mailbox.objects.create(name="客服邮箱", address="service@kefu.test", department=desk.service,
                                  team=desk.team_a, owner=desk.supervisor)


def test_new_mail_opens_an_order_and_is_acknowledged_with_auto_submitted(mailbox, smtp_server):
    received = mail_receive(raw=mail(subject="订单没收到", body="你好，我的快递三天没动了。"))
    ticket = received.inbound.ticket
    assert received.new_ticket and ticket.channel == "email" and ticket.team == mailbox.team
    assert ticket.first_responder == mailbox.owner and ticket.assignee is None  # owner is a supervisor
    assert ticket.customer.email == "wangfang@example.cn" and ticket.customer.name == "王芳"
    assert [m.body for m in ticket.messages.all()] == ["你好，我的快递三天没动了。"]
    [ack] = smtp_server.received
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ticket.number in ack["Subject"] and ack["To"] == "wangfang@example.cn"
    assert ack["In-Reply-To"] == received.inbound.message_id
    assert OutboundMail.objects.get(ticket=ticket).state == DeliveryState.SENT


def test_same_message_id_twice_creates_nothing_new(mailbox, smtp_server):
    raw = mail(message_id="<once@example.cn>")
    first = mail_receive(raw=raw)
    second = mail_receive(raw=raw)
    assert second.duplicate and not second.new_ticket and second.inbound.pk == first.inbound.pk
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1 and len(smtp_server.received) == 1


def test_customer_reply_to_our_mail_threads_by_in_reply_to(mailbox, smtp_server):
    first = mail_receive(raw=mail(message_id="<q1@example.cn>"))
    [ack] = smtp_server.received
    reply = mail(subject="Re: 别的主题", body="补充：订单号 123", in_reply_to=ack["Message-ID"],
                 references=f"<q1@example.cn> {ack['Message-ID']}")
    again = mail_receive(raw=reply)
    assert not again.new_ticket and again.inbound.ticket == first.inbound.ticket
    assert again.inbound.outcome == Outcome.THREADED
    assert len(smtp_server.received) == 1  # a follow-up is not acknowledged again


def test_references_alone_thread_when_in_reply_to_is_unknown(mailbox, smtp_server):
    first = mail_receive(raw=mail(message_id="<root@example.cn>"))
    later = mail_receive(raw=mail(in_reply_to="<lost@elsewhere.cn>", references="<root@example.cn> <lost@elsewhere.cn>"))
    assert later.inbound.ticket == first.inbound.ticket


def test_order_number_in_subject_threads_only_for_that_customer(mailbox, smtp_server):
    first = mail_receive(raw=mail())
    number = first.inbound.ticket.number
    same = mail_receive(raw=mail(subject=f"回复：关于 [{number}] 的进展"))
    stranger = mail_receive(raw=mail(sender="other@example.cn", subject=f"[{number}] 我也要问"))
    assert same.inbound.ticket.number == number
    assert stranger.new_ticket and stranger.inbound.ticket.number != number


def test_known_address_joins_that_customer(mailbox, smtp_server, desk):
    known = factories.customer(desk.agent, name="李雷", email="lilei@example.cn")
    received = mail_receive(raw=mail(sender="Lei <LiLei@example.cn>"))
    assert received.inbound.ticket.customer == known
    assert Customer.objects.filter(email__iexact="lilei@example.cn").count() == 1


def test_auto_reply_to_our_acknowledgement_is_kept_but_never_answered(mailbox, smtp_server):
    first = mail_receive(raw=mail())
    [ack] = smtp_server.received
    vacation = mail(subject="自动回复：休假中", body="我休假到下周一。", in_reply_to=ack["Message-ID"],
                    headers={"Auto-Submitted": "auto-replied"})
    got = mail_receive(raw=vacation)
    assert got.inbound.outcome == Outcome.AUTOMATIC and got.inbound.ticket == first.inbound.ticket
    assert got.inbound.thread_message.kind == MessageKind.SYSTEM
    assert len(smtp_server.received) == 1 and Ticket.objects.count() == 1


@pytest.mark.parametrize("headers", [
    {"X-Auto-Response-Suppress": "All"}, {"Precedence": "bulk"}, {"Auto-Submitted": "auto-generated"},
])
def test_machine_mail_opens_no_order(mailbox, smtp_server, headers):
    got = mail_receive(raw=mail(headers=headers))
    assert got.inbound.outcome == Outcome.AUTOMATIC and got.inbound.ticket is None
    assert Ticket.objects.count() == 0 and smtp_server.received == []


def test_bounce_of_our_mail_lands_on_its_order_without_a_reply(mailbox, smtp_server):
    first = mail_receive(raw=mail())
    [ack] = smtp_server.received
    got = mail_receive(raw=bounce(original_id=ack["Message-ID"]))
    assert got.inbound.automatic_reason == "delivery-status report"
    assert got.inbound.ticket == first.inbound.ticket and len(smtp_server.received) == 1


def test_autoresponder_without_headers_is_stopped_by_the_sender_rate_limit(mailbox, smtp_server, settings):
    """FreeScout #3670: a robot answering every acknowledgement with a new subject opened order after order."""
    settings.KEFU_MAIL_SENDER_LIMIT = 3
    for n in range(8):
        mail_receive(raw=mail(sender="robot@example.cn", subject=f"Ticket received #{n}"))
    assert Ticket.objects.count() == 3 and len(smtp_server.received) == 3
    limited = InboundMail.objects.filter(outcome=Outcome.RATE_LIMITED)
    assert limited.count() == 5
    assert {m.ticket_id for m in limited} == {Ticket.objects.order_by("-id").first().pk}  # nothing lost


def test_attachments_within_limits_are_kept_others_named(mailbox, smtp_server, settings):
    settings.KEFU_ATTACHMENT_MAX_BYTES = 1000
    got = mail_receive(raw=mail(attachments=[
        ("发票.pdf", "application/pdf", b"%PDF-1.4 small"),
        ("big.pdf", "application/pdf", b"x" * 5000),
        ("run.exe", "application/x-msdownload", b"MZ"),
    ]))
    message = got.inbound.thread_message
    assert [a.name for a in message.attachments.all()] == ["发票.pdf"]
    assert message.attachments.get().file.read() == b"%PDF-1.4 small"
    assert "big.pdf" in message.body and "run.exe" in message.body


def test_too_many_files_keep_those_that_fit_and_a_full_order_keeps_the_mail(mailbox, smtp_server, settings):
    settings.KEFU_ATTACHMENT_MAX_FILES = 2
    pdf = b"%PDF-1.4 " + b"x" * 100
    got = mail_receive(raw=mail(message_id="<many@example.cn>", attachments=[
        (f"{n}.pdf", "application/pdf", pdf) for n in range(3)]))
    message = got.inbound.thread_message
    assert [a.name for a in message.attachments.all()] == ["0.pdf", "1.pdf"]
    assert "2.pdf" in message.body
    # the order's own total is used up: the next mail is kept without its files, which it names
    settings.KEFU_ATTACHMENT_TICKET_MAX_BYTES = 250
    again = mail_receive(raw=mail(message_id="<more@example.cn>", in_reply_to="<many@example.cn>",
                                  attachments=[("3.pdf", "application/pdf", pdf)]))
    assert again.inbound.ticket == got.inbound.ticket and not again.new_ticket
    assert not again.inbound.thread_message.attachments.exists()
    assert "3.pdf" in again.inbound.thread_message.body


def test_html_mail_is_sanitised_and_remote_images_dropped(mailbox, smtp_server):
    html = ('<p>您好<script>alert(1)</script></p><img src="https://tracker.example/p.gif">'
            '<img src="data:image/png;base64,iVBORw0KGgo="><a href="javascript:alert(2)">x</a>')
    got = mail_receive(raw=mail(body="", html=html))
    stored = got.inbound.html
    assert "script" not in stored and "tracker.example" not in stored and "javascript:" not in stored
    assert "data:image/png" in stored
    assert got.inbound.thread_message.body.startswith("您好")


def test_mail_without_a_known_mailbox_uses_the_token_user(desk, smtp_server):
    got = mail_receive(raw=mail(to="unknown@kefu.test"), by=desk.supervisor)
    assert got.inbound.ticket.first_responder == desk.supervisor


def test_agent_owner_becomes_assignee(desk, smtp_server):
    Mailbox.objects.create(name="个人", address="service@kefu.test", department=desk.service, owner=desk.agent)
    got = mail_receive(raw=mail())
    assert got.inbound.ticket.assignee == desk.agent and got.inbound.ticket.department == desk.service
    assert desk.agent.role == Role.AGENT
