"""Reading a raw MIME mail into plain data: ids for threading, sender, text, attachments, and whether a
machine sent it (auto-replies and bounces are recorded but never answered). No Django inside."""

import hashlib
import re
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from .sanitize import html_to_text, sanitize_html

_MSGID = re.compile(r"<[^<>\s]+>")


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    text: str
    html: str  # sanitised
    attachments: list[Part] = field(default_factory=list)
    automatic_reason: str = ""  # why it counts as machine-sent; empty for a person's mail

    @property
    def thread_ids(self) -> list[str]:
        """Ids this mail answers, nearest first: In-Reply-To, then References from the end."""
        seen, ordered = set(), []
        for mid in self.in_reply_to + list(reversed(self.references)):
            if mid not in seen:
                seen.add(mid)
                ordered.append(mid)
        return ordered


class BadMail(ValueError):
    """The bytes are not a mail Kefu can take (no sender, not MIME)."""


def _ids(value: str | None) -> list[str]:
    return _MSGID.findall(str(value or ""))[:50]


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError):  # a malformed header the policy cannot decode
        value = msg.get_all(name, [""])[0] if msg.get_all(name) else ""
    return str(value or "").strip()


def automatic_reason(msg: EmailMessage) -> str:
    """Auto-replies, bounces and list mail (RFC 3834, Microsoft's X-Auto-Response-Suppress, Precedence,
    delivery-status reports): answering them is how mail loops start."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if _header(msg, "X-Auto-Response-Suppress"):
        return "X-Auto-Response-Suppress"
    precedence = _header(msg, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    if _header(msg, "X-Autoreply") or _header(msg, "X-Autorespond"):
        return "X-Autoreply"
    content_type = msg.get_content_type()
    report = str(msg.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" or report in {"delivery-status", "disposition-notification"}:
        return "delivery-status report"
    sender = parseaddr(_header(msg, "From"))[1].lower()
    local = sender.split("@")[0]
    if local in {"mailer-daemon", "postmaster"} or _header(msg, "Return-Path") == "<>":
        return "bounce"
    return ""


def _body(msg: EmailMessage) -> tuple[str, str]:
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    text = _content(text_part) if text_part is not None else ""
    html = _content(html_part) if html_part is not None else ""
    clean_html = sanitize_html(html) if html else ""
    if not text.strip() and html:
        text = html_to_text(html)
    return text.replace("\r\n", "\n").strip(), clean_html


def _content(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError, AssertionError):  # unknown charset: keep what decodes
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachments(msg: EmailMessage) -> list[Part]:
    parts = []
    for part in msg.iter_attachments():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True) or b""
        name = part.get_filename() or f"attachment-{len(parts) + 1}"
        parts.append(Part(name=name[:200], content_type=part.get_content_type(), data=data))
    return parts


def parse_mail(raw: bytes) -> ParsedMail:
    if not raw or not raw.strip():
        raise BadMail("邮件内容为空")
    msg = BytesParser(policy=email_policy.default).parsebytes(raw)
    name, sender = parseaddr(_header(msg, "From"))
    if "@" not in sender:
        raise BadMail("邮件缺少有效的发件人（From）")
    ids = _ids(_header(msg, "Message-ID"))
    # A mail without a Message-ID still must not be taken twice: name it by its bytes.
    message_id = ids[0] if ids else f"<sha256.{hashlib.sha256(raw).hexdigest()}@kefu.invalid>"
    text, html = _body(msg)
    recipients = [addr.lower() for _n, addr in getaddresses(
        [_header(msg, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]) if "@" in addr]
    return ParsedMail(
        message_id=message_id[:255],
        in_reply_to=_ids(_header(msg, "In-Reply-To")),
        references=_ids(_header(msg, "References")),
        sender=sender.strip().lower()[:254],
        sender_name=name.strip(),
        recipients=recipients,
        subject=re.sub(r"\s+", " ", _header(msg, "Subject")).strip(),
        text=text,
        html=html,
        attachments=_attachments(msg),
        automatic_reason=automatic_reason(msg),
    )
