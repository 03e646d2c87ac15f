"""The period's work orders as XLSX, one row per order: the inbox export's columns (phones masked for
roles without personal-data access) plus the outcome: working times, each SLA clock's result, satisfaction."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.sla.models import SlaClock
from kefu.surveys.models import Answer
from kefu.tickets.exports import MAX_ROWS, order_list_workbook

from .summary import CSAT_CODE, created_orders
from .worktime import _calendars


def _outcome(clock, now) -> str:
    if clock is None:
        return ""
    if clock.stopped_at is not None:
        return _("达标") if clock.stopped_at <= clock.due_at else _("超时")
    return _("已超时") if clock.due_at < now else _("计时中")


def orders_workbook(user, f):
    now = timezone.now()
    tickets = list(created_orders(user, f).select_related(
        "customer", "assignee", "first_responder", "team", "department", "dispatched_to").order_by("created_at")[:MAX_ROWS])
    ids = [t.pk for t in tickets]
    clocks: dict = defaultdict(dict)
    for clock in SlaClock.objects.filter(ticket_id__in=ids, kind__in=["first_response", "resolution"]):
        clocks[clock.ticket_id][clock.kind] = clock
    scores = dict(Answer.objects.filter(survey__ticket_id__in=ids, code=CSAT_CODE, score__isnull=False)
                  .order_by("survey__answered_at").values_list("survey__ticket_id", "score"))
    calendar_of = _calendars()

    def hours(t, end):
        if end is None:
            return None
        span = calendar_of(t.team.calendar_id if t.team_id else None).business_time_between(t.created_at, end)
        return round(max(span.duration.total_seconds(), 0) / 3600, 2)

    def extra(t) -> list:
        mine = clocks.get(t.pk, {})
        return [hours(t, t.first_response_at), hours(t, t.resolved_at), _outcome(mine.get("first_response"), now),
                _outcome(mine.get("resolution"), now), scores.get(t.pk)]

    head = [_("首次响应（工作小时）"), _("解决（工作小时）"), _("首次响应SLA"), _("解决SLA"), _("满意度")]
    return order_list_workbook(tickets, user, extra_head=head, extra=extra), [t.customer_id for t in tickets]
