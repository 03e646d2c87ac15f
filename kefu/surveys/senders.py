"""Pluggable senders: how a survey link reaches the customer on their own channel.

A sender says whether it can reach a customer and sends one message. E-mail goes out through the email
channel's SMTP (KEFU_SMTP_URL, kefu.channels.email) when it is configured, else Django's mail backend. SMS and WeChat need a gateway the installation owns: set
KEFU_SURVEY_SENDERS to dotted paths of Sender classes (see `GatewaySender`) and they join the registry.
Without any sender for a customer, the survey stays "link only" and the agent copies the link.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from kefu.channels.email.outbound import smtp_send
from kefu.customers.models import Customer
from kefu.tickets.models import Channel


class SendError(Exception):
    """The gateway refused or failed; the survey shows it and the agent can copy the link instead."""


class Sender:
    channel = ""

    def can_reach(self, customer: Customer) -> bool:
        raise NotImplementedError

    def send(self, *, customer: Customer, subject: str, text: str) -> None:
        raise NotImplementedError


class EmailSender(Sender):
    channel = "email"

    def can_reach(self, customer: Customer) -> bool:
        return bool(customer.email)

    def send(self, *, customer: Customer, subject: str, text: str) -> None:
        try:
            if settings.KEFU_SMTP_URL:
                smtp_send(self.message(customer, subject, text))
            else:
                send_mail(subject, text, None, [customer.email], fail_silently=False)
        except Exception as exc:  # any backend error (SMTP refused, DNS ...) is a failed delivery
            raise SendError(str(exc)[:200]) from exc

    @staticmethod
    def message(customer: Customer, subject: str, text: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((settings.KEFU_COMPANY_NAME, settings.KEFU_MAIL_FROM))
        msg["To"] = customer.email
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain=settings.KEFU_MAIL_FROM.rsplit("@", 1)[-1].strip("> ") or None)
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: robots must not answer a survey invitation
        msg.set_content(text)
        return msg


class GatewaySender(Sender):
    """Base for SMS / WeChat: subclass, implement `deliver`, list the class in KEFU_SURVEY_SENDERS."""

    def deliver(self, *, address: str, text: str) -> None:
        raise NotImplementedError

    def address(self, customer: Customer) -> str:
        raise NotImplementedError

    def can_reach(self, customer: Customer) -> bool:
        return bool(self.address(customer))

    def send(self, *, customer: Customer, subject: str, text: str) -> None:
        self.deliver(address=self.address(customer), text=f"{subject}\n{text}")


class SmsSender(GatewaySender):
    channel = "sms"

    def address(self, customer: Customer) -> str:
        return customer.primary_phone


class WechatSender(GatewaySender):
    channel = "wechat"

    def address(self, customer: Customer) -> str:
        return customer.wechat_id


# Which sender to try first for an order that came in on a channel; the others follow in this order.
PREFERENCE = {Channel.EMAIL: ["email", "sms", "wechat"], Channel.WECHAT: ["wechat", "sms", "email"]}
DEFAULT_PREFERENCE = ["sms", "wechat", "email"]

_extra: dict[str, Sender] = {}


def register_sender(sender: Sender) -> None:
    _extra[sender.channel] = sender


def unregister_sender(channel: str) -> None:
    _extra.pop(channel, None)


def senders() -> dict[str, Sender]:
    registry: dict[str, Sender] = {"email": EmailSender()}
    for path in getattr(settings, "KEFU_SURVEY_SENDERS", []):
        sender = import_string(path)()
        registry[sender.channel] = sender
    registry.update(_extra)
    return registry


def pick_sender(customer: Customer, ticket_channel: str) -> Sender | None:
    registry = senders()
    for channel in PREFERENCE.get(ticket_channel, DEFAULT_PREFERENCE):
        sender = registry.get(channel)
        if sender is not None and sender.can_reach(customer):
            return sender
    return None
