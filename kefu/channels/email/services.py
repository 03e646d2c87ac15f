"""Inbound mail becomes work orders: one mail, one customer message, threaded into the order it answers.

Threading looks at In-Reply-To and References (ids of mail we received or sent for an order), then at an
order number in the subject (only for the order's own customer, so a guessed number joins nothing).
The unique Message-ID makes a mail fetched or posted twice a no-op.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.models import Channel, MessageKind, Ticket
from kefu.tickets.services import ticket_add_message, ticket_create, upload_check

from .models import InboundMail, Mailbox, OutboundMail, Outcome
from .outbound import acknowledgement_queue
from .parsing import BadMail, ParsedMail, parse_mail

_ORDER_NUMBER = re.compile(r"GD\d{13,}")
MAX_BODY = 20000


@dataclass
class Received:
    inbound: InboundMail
    new_ticket: bool
    duplicate: bool


def mail_receive(*, raw: bytes, mailbox: Mailbox | None = None, by: User | None = None) -> Received:
    """Takes one raw mail (IMAP or webhook). `by` is the webhook's token user, the fallback owner of new
    orders when no mailbox matches the recipients."""
    try:
        parsed = parse_mail(raw)
    except BadMail as exc:
        raise DomainError(str(exc), field="body") from exc
    existing = InboundMail.objects.filter(message_id=parsed.message_id).first()
    if existing is not None:
        return Received(existing, new_ticket=False, duplicate=True)
    mailbox = mailbox or _mailbox_for(parsed)
    owner = mailbox.owner if mailbox is not None else by
    if owner is None:
        raise DomainError("没有启用的邮箱可以接收此邮件", field="mailbox")
    try:
        with transaction.atomic():
            return _receive(parsed, mailbox, owner)
    except IntegrityError:
        # The same mail arrived twice at once: the other delivery won, this one is a duplicate.
        existing = InboundMail.objects.filter(message_id=parsed.message_id).first()
        if existing is None:
            raise
        return Received(existing, new_ticket=False, duplicate=True)


def _mailbox_for(parsed: ParsedMail) -> Mailbox | None:
    boxes = Mailbox.objects.filter(is_active=True).select_related("owner")
    by_address = {box.address.lower(): box for box in boxes}
    for address in parsed.recipients:
        if address in by_address:
            return by_address[address]
    return None


def _receive(parsed: ParsedMail, mailbox: Mailbox | None, owner: User) -> Received:
    now = timezone.now()
    inbound = InboundMail.objects.create(
        message_id=parsed.message_id, mailbox=mailbox, sender=parsed.sender, subject=parsed.subject[:200],
        outcome=Outcome.THREADED, automatic_reason=parsed.automatic_reason[:80], html=parsed.html,
        received_at=now,
    )
    ticket = thread_ticket(parsed)
    if parsed.automatic_reason:
        inbound.outcome = Outcome.AUTOMATIC
        if ticket is not None:  # a bounce of our reply: the agent should see it, nobody answers it
            inbound.thread_message = ticket_add_message(
                ticket=ticket, by=None, kind=MessageKind.SYSTEM,
                body=_clip(f"自动邮件（{parsed.automatic_reason}）：{parsed.subject}\n\n{parsed.text}"))
            inbound.ticket = ticket
        inbound.save()
        return Received(inbound, new_ticket=False, duplicate=False)
    if ticket is None and _over_rate_limit(parsed.sender, now):
        # A sender writing faster than people do is most likely a machine without the headers:
        # keep its mail on its latest order instead of opening order after order (and acknowledging each).
        inbound.outcome = Outcome.RATE_LIMITED
        ticket = _latest_ticket_of(parsed.sender)
    new_ticket = ticket is None
    if new_ticket:
        ticket = ticket_create(
            by=owner, customer=_customer_for(parsed), subject=parsed.subject[:200] or "（无主题）",
            channel=Channel.EMAIL, team=mailbox.team if mailbox else None,
        )
        inbound.outcome = Outcome.CREATED
    body, uploads = _body_and_uploads(parsed)
    try:
        inbound.thread_message = ticket_add_message(ticket=ticket, by=None, kind=MessageKind.CUSTOMER, body=body,
                                                    attachments=uploads)
    except DomainError as exc:
        if exc.field != "attachments" or not uploads:
            raise
        # The order's attachment total is used up: the mail is kept, its files named, not the mail lost.
        names = "\n".join(f"［未保存的附件］{u.name}：{exc.message}" for u in uploads)
        inbound.thread_message = ticket_add_message(ticket=ticket, by=None, kind=MessageKind.CUSTOMER,
                                                    body=_clip(f"{body}\n\n{names}"))
    inbound.ticket = ticket
    inbound.save()
    if new_ticket:
        acknowledgement_queue(ticket=ticket, inbound=inbound)
    return Received(inbound, new_ticket=new_ticket, duplicate=False)


def thread_ticket(parsed: ParsedMail) -> Ticket | None:
    ids = parsed.thread_ids
    if ids:
        found = {m: t for m, t in InboundMail.objects.filter(message_id__in=ids, ticket__isnull=False)
                 .values_list("message_id", "ticket_id")}
        found.update(OutboundMail.objects.filter(message_id__in=ids).values_list("message_id", "ticket_id"))
        for mid in ids:  # the nearest ancestor we know wins
            if mid in found:
                return _follow_merges(Ticket.objects.get(pk=found[mid]))
    for number in _ORDER_NUMBER.findall(parsed.subject):
        ticket = Ticket.objects.filter(number=number, customer__email__iexact=parsed.sender).first()
        if ticket is not None:
            return _follow_merges(ticket)
    return None


def _follow_merges(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = ticket.merged_into
    return ticket


def _over_rate_limit(sender: str, now) -> bool:
    window = now - timedelta(seconds=settings.KEFU_MAIL_SENDER_WINDOW_SECONDS)
    recent = InboundMail.objects.filter(sender=sender, received_at__gte=window).count()
    return recent > settings.KEFU_MAIL_SENDER_LIMIT


def _latest_ticket_of(sender: str) -> Ticket | None:
    latest = (InboundMail.objects.filter(sender=sender, ticket__isnull=False).order_by("-received_at", "-id")
              .select_related("ticket").first())
    return _follow_merges(latest.ticket) if latest else None


def _customer_for(parsed: ParsedMail) -> Customer:
    """Mail from a known address joins that customer; a new address gets a new profile."""
    known = Customer.objects.filter(email__iexact=parsed.sender).order_by("-updated_at").first()
    if known is not None:
        return known
    name = (parsed.sender_name or parsed.sender.split("@")[0])[:60]
    try:
        return customer_create(by=None, name=name, email=parsed.sender)
    except ValidationError as exc:
        raise DomainError(f"发件人地址无效：{parsed.sender}", field="from") from exc


def _clip(text: str) -> str:
    text = text.strip() or "（无正文）"
    return text if len(text) <= MAX_BODY else text[: MAX_BODY - 20] + "\n……（正文过长，已截断）"


def _body_and_uploads(parsed: ParsedMail) -> tuple[str, list[SimpleUploadedFile]]:
    """Attachments within the upload limits are kept; the others are named in the message, not lost silently."""
    uploads, refused, total = [], [], 0
    for part in parsed.attachments:
        upload = SimpleUploadedFile(part.name, part.data, content_type=part.content_type)
        try:
            upload_check(upload)
        except DomainError as exc:
            refused.append(exc.message)
            continue
        # The per-message limits too: a mail with too many or too large files keeps those that fit.
        if len(uploads) >= settings.KEFU_ATTACHMENT_MAX_FILES or \
                total + upload.size > settings.KEFU_ATTACHMENT_MESSAGE_MAX_BYTES:
            refused.append(f"附件「{upload.name}」超出一条消息的附件数量或大小上限")
            continue
        total += upload.size
        uploads.append(upload)
    body = parsed.text
    if refused:
        body = f"{body}\n\n" + "\n".join(f"［未保存的附件］{reason}" for reason in refused)
    return _clip(body), uploads
