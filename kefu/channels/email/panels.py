"""The e-mail marks on a work order: delivery state next to each reply, a card with the mail trace."""

from django.utils.translation import gettext as _

from kefu.core.extensions import Badge

from .models import DeliveryState, InboundMail, OutboundMail, ReplyTemplate

_TONES = {DeliveryState.PENDING: "warn", DeliveryState.SENT: "ok", DeliveryState.FAILED: "bad"}


def delivery_badges(messages: list) -> dict[int, list[Badge]]:
    ids = [m.pk for m in messages if m.kind == "reply"]
    if not ids:
        return {}
    badges = {}
    for row in OutboundMail.objects.filter(thread_message_id__in=ids).only("thread_message_id", "state", "reason"):
        label = str(DeliveryState(row.state).label)
        if row.state == DeliveryState.FAILED:
            label = _("发送失败：%(reason)s") % {"reason": row.reason}
        badges[row.thread_message_id] = [Badge(label, _TONES[row.state], row.reason)]
    return badges


def ticket_panel(ticket, user) -> dict | None:
    if ticket.channel != "email":
        return None
    return {
        "ticket": ticket,
        "outbound": OutboundMail.objects.filter(ticket=ticket).order_by("-created_at", "-id")[:10],
        "inbound": InboundMail.objects.filter(ticket=ticket).order_by("-received_at", "-id")[:10],
        "templates": ReplyTemplate.objects.filter(department_id=ticket.department_id),
    }
