"""What the workspace hears: work-order changes (inbox, order page) and new notifications (badge)."""

import logging

from django.db.models import Count

from .broadcast import publish, publish_many
from .channels import ticket_channels

log = logging.getLogger(__name__)


def on_ticket_created(sender, ticket, **kwargs) -> None:
    """A new order is announced in its creating transaction (publish writes a row): one commit for the
    order and its announcement, instead of a second transaction after it on the busiest write path."""
    publish(ticket_channels(ticket), "ticket", {"number": ticket.number, "version": ticket.version})


def on_ticket_changed(sender, ticket, created: bool = False, **kwargs) -> None:
    if created:
        return  # announced by on_ticket_created, atomically with the order
    try:
        publish(ticket_channels(ticket), "ticket", {"number": ticket.number, "version": ticket.version})
    except Exception:  # noqa: BLE001  runs after the commit: a live hint must never fail the change
        log.exception("live: could not announce %s", ticket.number)


def on_notified(sender, notices, **kwargs) -> None:
    """New notices (one alert run may tell hundreds of people): their badges' unread counts in one query,
    the announcements in one INSERT."""
    users = {notice.user_id for notice in notices}
    unread = dict(sender.objects.filter(user_id__in=users, read_at__isnull=True).values("user_id")
                  .annotate(n=Count("id")).order_by().values_list("user_id", "n"))
    publish_many(([f"user:{notice.user_id}"], "notification",
                  {"text": notice.text, "url": notice.url, "unread": unread.get(notice.user_id, 0)})
                 for notice in notices)


def connect() -> None:
    from kefu.tickets.signals import ticket_changed, ticket_created

    ticket_changed.connect(on_ticket_changed, dispatch_uid="live.ticket")
    ticket_created.connect(on_ticket_created, dispatch_uid="live.ticket_created")
    try:
        from kefu.notifications.signals import notified
    except ImportError:  # an installation without the notifications app
        return
    notified.connect(on_notified, dispatch_uid="live.notification")
