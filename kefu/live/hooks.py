"""What the workspace hears: work-order changes (inbox, order page) and new notifications (badge)."""

import logging

from django.apps import apps
from django.db.models.signals import post_save

from .broadcast import publish
from .channels import ticket_channels

log = logging.getLogger(__name__)


def on_ticket_changed(sender, ticket, **kwargs) -> None:
    try:
        publish(ticket_channels(ticket), "ticket", {"number": ticket.number, "version": ticket.version})
    except Exception:  # noqa: BLE001  runs after the commit: a live hint must never fail the change
        log.exception("live: could not announce %s", ticket.number)


def on_notification(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        return
    unread = sender.objects.filter(user_id=instance.user_id, read_at__isnull=True).count()
    publish([f"user:{instance.user_id}"], "notification",
            {"text": instance.text, "url": instance.url, "unread": unread})


def _notification_model():
    for label in ("notifications.Notification", "core.Notification"):
        try:
            return apps.get_model(label)
        except LookupError:
            continue
    return None


def connect() -> None:
    from kefu.tickets.signals import ticket_changed

    ticket_changed.connect(on_ticket_changed, dispatch_uid="live.ticket")
    model = _notification_model()
    if model is not None:
        post_save.connect(on_notification, sender=model, dispatch_uid="live.notification")
