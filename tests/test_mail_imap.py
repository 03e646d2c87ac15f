"""IMAP polling against a real dovecot: new mail becomes orders, a second fetch creates nothing,
threading and attachments survive the protocol."""

import pytest

from kefu.channels.email.imap import mailbox_poll
from kefu.channels.email.models import Mailbox
from kefu.tickets.models import Message, Ticket
from tests.mailfactory import mail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def box(desk, imap_server):
    for sub in ("new", "cur"):  # the session's dovecot is shared: start each test with an empty INBOX
        for f in (imap_server.maildir / sub).iterdir():
            f.unlink()
    return Mailbox.objects.create(
        name="IMAP", address="service@kefu.test", department=desk.service, owner=desk.supervisor,
        imap_host=imap_server.host, imap_port=imap_server.port, imap_ssl=False, imap_user=imap_server.user,
        imap_password=imap_server.password)


def test_poll_takes_new_mail_once_and_refetch_creates_nothing(box, imap_server, smtp_server):
    imap_server.deliver(mail(message_id="<i1@example.cn>", subject="第一封"))
    imap_server.deliver(mail(sender="b@example.cn", message_id="<i2@example.cn>", subject="第二封"))
    first = mailbox_poll(box)
    assert (first.fetched, first.created) == (2, 2) and box.last_error == ""
    assert mailbox_poll(box).fetched == 0  # nothing new
    box.last_uid = 0  # the same messages fetched again (lost state, a second poller)
    again = mailbox_poll(box)
    assert (again.fetched, again.duplicates, again.created) == (2, 2, 0)
    assert Ticket.objects.count() == 2 and Message.objects.count() == 2


def test_reply_threads_and_attachment_arrives_over_imap(box, imap_server, smtp_server):
    imap_server.deliver(mail(message_id="<t1@example.cn>"))
    mailbox_poll(box)
    [ack] = smtp_server.received
    imap_server.deliver(mail(subject="Re: 订单没收到", in_reply_to=ack["Message-ID"],
                             attachments=[("照片.png", "image/png", b"\x89PNG\r\n\x1a\nfake")]))
    polled = mailbox_poll(box)
    assert polled.created == 0
    ticket = Ticket.objects.get()
    last = ticket.messages.last()
    assert last.attachments.get().name == "照片.png" and last.attachments.get().file.read().startswith(b"\x89PNG")


def test_auto_reply_over_imap_is_not_answered(box, imap_server, smtp_server):
    imap_server.deliver(mail(headers={"Auto-Submitted": "auto-replied"}))
    mailbox_poll(box)
    assert Ticket.objects.count() == 0 and smtp_server.received == []


def test_wrong_password_is_kept_on_the_mailbox(box):
    box.imap_password = "wrong"
    assert mailbox_poll(box).fetched == 0
    box.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in box.last_error or "failed" in box.last_error.lower()
