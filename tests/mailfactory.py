"""Raw mails for the e-mail channel tests."""

import itertools
from email.message import EmailMessage
from email.utils import make_msgid

_seq = itertools.count(1)


def mail(*, sender: str = "王芳 <wangfang@example.cn>", to: str = "service@kefu.test", subject: str = "订单没收到",
         body: str = "你好，我上周买的东西还没到。", message_id: str | None = None, in_reply_to: str = "",
         references: str = "", headers: dict | None = None, html: str = "",
         attachments: list[tuple[str, str, bytes]] = ()) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or make_msgid(idstring=f"t{next(_seq)}", domain="example.cn")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    if body:
        msg.set_content(body)
    if html:
        if body:
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def bounce(*, original_id: str, to: str = "service@kefu.test") -> bytes:
    """A delivery-status report (multipart/report) from MAILER-DAEMON, as MTAs write them."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@example.cn>\r\n"
        f"To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: {make_msgid(domain='example.cn')}\r\nIn-Reply-To: {original_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; example.cn\r\n\r\n"
        "Final-Recipient: rfc822; gone@example.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "--b1--\r\n"
    ).encode()
