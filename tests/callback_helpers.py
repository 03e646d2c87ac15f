"""Shared set-up of the callback tests: resolved orders on given days, a campaign at a frozen time."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.callbacks.models import CallbackScript
from kefu.callbacks.services import campaign_create
from kefu.tickets.models import Status, Ticket
from tests import factories

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def resolved_order(by, customer=None, *, when: datetime, type: str = "after_sales", dispatched_to=None) -> Ticket:
    ticket = factories.ticket(by, customer, type=type, subject="宽带安装后回访")
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=when, dispatched_to=dispatched_to)
    ticket.refresh_from_db()
    return ticket


def default_script() -> CallbackScript:
    return CallbackScript.objects.get(name="标准回访话术")


def campaign(desk, *, now: datetime, agents=None, source=None, script=None, name="宽带安装回访", **extra):
    return campaign_create(
        by=desk.supervisor, name=name, script=script or default_script(),
        source=source or {"kind": "resolved_orders", "from": "2026-11-01", "to": "2026-11-15"},
        agents=agents or [desk.agent.username], now=now, **extra)
