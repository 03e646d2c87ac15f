"""Outbound mail: recorded as 待发送 in the reply's transaction, sent by background work after the
commit, retried, and marked 已发送 or 发送失败 with the reason. Nothing claims a send that did not happen."""

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.jobs import enqueue
from kefu.live.broadcast import publish
from kefu.live.channels import ticket_channels
from kefu.tickets import events
from kefu.tickets.models import Channel, Message, MessageKind, Ticket

from .models import DeliveryState, DepartmentMail, InboundMail, OutboundMail

MAX_ATTEMPTS = 5


class SendLater(Exception):
    """A temporary failure: background work tries again."""


def on_message_added(sender, message: Message, **kwargs) -> None:
    """A reply on an e-mail order goes to the customer by mail (inside the reply's transaction)."""
    ticket = message.ticket
    if message.kind != MessageKind.REPLY or ticket.channel != Channel.EMAIL or not ticket.customer.email:
        return
    signature = _signature(ticket)
    body = f"{message.body}\n\n-- \n{signature}" if signature else message.body
    outbound = _record(ticket=ticket, body=body, automatic=False, message=message)
    _enqueue(outbound)


def acknowledgement_queue(*, ticket: Ticket, inbound: InboundMail) -> OutboundMail | None:
    """自动回执 for a new order, marked Auto-Submitted so well-behaved robots do not answer it."""
    settings_row = DepartmentMail.objects.filter(department_id=ticket.department_id).first()
    if settings_row is not None and not settings_row.acknowledge:
        return None
    body = (f"您好，您的来信已收到，工单号 {ticket.number}。我们会尽快处理并回复您。\n"
            f"回复本邮件即可补充信息，请保留主题中的工单号。")
    signature = _signature(ticket)
    if signature:
        body = f"{body}\n\n-- \n{signature}"
    outbound = _record(ticket=ticket, body=body, automatic=True, message=None)
    _enqueue(outbound)
    return outbound


def _signature(ticket: Ticket) -> str:
    row = DepartmentMail.objects.filter(department_id=ticket.department_id).first()
    return row.signature.strip() if row else ""


def _record(*, ticket: Ticket, body: str, automatic: bool, message: Message | None) -> OutboundMail:
    inbound = list(InboundMail.objects.filter(ticket=ticket).order_by("-received_at", "-id")
                   .values_list("message_id", "subject")[:20])
    sent = list(OutboundMail.objects.filter(ticket=ticket).order_by("-created_at", "-id")
                .values_list("message_id", flat=True)[:20])
    base_subject = inbound[-1][1] if inbound else ticket.subject
    subject = base_subject if base_subject.lower().startswith("re:") else f"Re: {base_subject}"
    if ticket.number not in subject:
        subject = f"{subject} [{ticket.number}]"
    references = [mid for mid, _s in reversed(inbound)] + list(reversed(sent))
    return OutboundMail.objects.create(
        ticket=ticket, thread_message=message, message_id=make_msgid(idstring=uuid.uuid4().hex[:12],
                                                              domain=_domain()),
        in_reply_to=inbound[0][0] if inbound else "", references=" ".join(references[-20:]),
        to=ticket.customer.email, subject=subject[:300], body=body, automatic=automatic,
        created_at=timezone.now(),
    )


def _domain() -> str:
    return settings.KEFU_MAIL_FROM.rsplit("@", 1)[-1].strip("> ") or "kefu.invalid"


def _enqueue(outbound: OutboundMail) -> None:
    """Durable background work, recorded in this transaction: a rolled-back reply sends nothing."""
    enqueue("mail.send", {"outbound": outbound.pk}, key=f"mail.send:{outbound.pk}")


def build_message(outbound: OutboundMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((settings.KEFU_COMPANY_NAME, settings.KEFU_MAIL_FROM))
    msg["To"] = outbound.to
    msg["Subject"] = outbound.subject
    msg["Message-ID"] = outbound.message_id
    msg["Date"] = outbound.created_at
    if outbound.in_reply_to:
        msg["In-Reply-To"] = outbound.in_reply_to
    if outbound.references:
        msg["References"] = outbound.references
    if outbound.automatic:
        msg["Auto-Submitted"] = "auto-replied"  # RFC 3834: robots must not answer this
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(outbound.body)
    return msg


def smtp_send(msg: EmailMessage) -> None:
    url = settings.KEFU_SMTP_URL
    if not url:
        raise smtplib.SMTPNotSupportedError("未配置发信服务器（KEFU_SMTP_URL）")
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise smtplib.SMTPNotSupportedError(f"KEFU_SMTP_URL 的协议应为 smtp:// 或 smtps://，而不是 {parsed.scheme}")
    port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    factory = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    with factory(parsed.hostname or "localhost", port, timeout=settings.KEFU_SMTP_TIMEOUT) as client:
        if parsed.scheme == "smtp" and "starttls" in (parsed.query or ""):
            client.starttls()
        if parsed.username:
            client.login(unquote(parsed.username), unquote(parsed.password or ""))
        client.send_message(msg)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPNotSupportedError | smtplib.SMTPAuthenticationError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _m in exc.recipients.values())
    code = getattr(exc, "smtp_code", 0) or 0
    return code >= 500


def mail_deliver(outbound_id: int) -> str:
    """Sends one outbound mail unless already sent or given up; returns its state. Raises SendLater on a
    temporary failure so that background work retries it."""
    outbound = OutboundMail.objects.filter(pk=outbound_id).first()
    if outbound is None or outbound.state != DeliveryState.PENDING:
        return outbound.state if outbound else "missing"
    try:
        smtp_send(build_message(outbound))
    except (smtplib.SMTPException, OSError) as exc:
        return _failed(outbound_id, exc)
    with transaction.atomic():
        row = OutboundMail.objects.select_for_update().get(pk=outbound_id)
        row.state, row.reason, row.sent_at = DeliveryState.SENT, "", timezone.now()
        row.attempts += 1
        row.save(update_fields=["state", "reason", "sent_at", "attempts"])
        events.record(row.ticket, "mail.sent", to=row.to, automatic=row.automatic, outbound=row.pk)
    _announce(row)
    return row.state


def _failed(outbound_id: int, exc: Exception) -> str:
    with transaction.atomic():
        row = OutboundMail.objects.select_for_update().get(pk=outbound_id)
        row.attempts += 1
        row.reason = (str(exc) or exc.__class__.__name__)[:300]
        if _permanent(exc) or row.attempts >= MAX_ATTEMPTS:
            row.state = DeliveryState.FAILED
        row.save(update_fields=["state", "reason", "attempts"])
        if row.state == DeliveryState.FAILED:
            events.record(row.ticket, "mail.failed", to=row.to, reason=row.reason, outbound=row.pk)
    _announce(row)
    if row.state == DeliveryState.PENDING:
        raise SendLater(row.reason) from exc
    return row.state


def _announce(row: OutboundMail) -> None:
    """The order page shows the new state without a reload."""
    ticket = row.ticket
    publish(ticket_channels(ticket), "ticket", {"number": ticket.number, "version": ticket.version})
