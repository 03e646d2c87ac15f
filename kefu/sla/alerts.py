"""SLA alerts: a clock entering warning (预警) or breach (超时) notifies the people on the order, once.

Warning: the assignee, the first responder and the handlers of the responsible department the
order was dispatched to. Breach: the same people and the supervisors of the receiving department.
Each alert has a dedupe_key naming the clock, its run (start instant) and the state, so the
notification table refuses a second copy even if two workers run the task at once; the clock's
``alerted`` field only keeps the task from re-examining clocks that were already dealt with.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.notifications import Notice, notify_many

from .clock import ClockState
from .models import SlaClock
from .services import state_of

_RANK = {"": 0, ClockState.WARNING: 1, ClockState.BREACHED: 2}


def due_for_alert(now: datetime, limit: int = 2000) -> list[SlaClock]:
    """Counting clocks that passed their warning instant or due time beyond what was already sent.

    Two queries, each answered by a partial index that holds only the clocks still owing that alert
    (sla_clock_owes_warning / sla_clock_owes_breach): the task reads what changed, not the backlog of
    orders that were alerted long ago."""
    counting = SlaClock.objects.filter(stopped_at__isnull=True, paused_now=False)
    # Ids first, in index order and bounded: PostgreSQL cannot estimate how few clocks owe an alert (the
    # conditions are correlated) and, joined with the orders, chose a sequential scan; an ordered LIMIT
    # keeps it on the partial index. More than `limit` owed: the next run (5 minutes on) takes the rest.
    ids = list(counting.filter(alerted="", warn_at__lte=now).order_by("warn_at").values_list("pk", flat=True)[:limit])
    ids += counting.filter(due_at__lte=now).exclude(alerted=ClockState.BREACHED).order_by("due_at").values_list(
        "pk", flat=True)[:limit]
    clocks = SlaClock.objects.filter(pk__in=set(ids)).select_related("ticket__assignee", "ticket__first_responder")
    return sorted(clocks, key=lambda clock: clock.pk)


def sla_send_alerts(*, now: datetime | None = None) -> int:
    """Sends the alerts due at ``now``; returns the number of notifications created.

    In a fixed number of queries whatever the backlog: the people of each department are read once,
    the notices go out together (notify_many) and the clocks are marked in one UPDATE per state."""
    now = now or timezone.now()
    notices, marked = [], {ClockState.WARNING: [], ClockState.BREACHED: []}
    people = _People()
    for clock in due_for_alert(now):
        state = state_of(clock, now)
        if state not in (ClockState.WARNING, ClockState.BREACHED) or _RANK[state] <= _RANK[clock.alerted]:
            continue
        key = f"sla:{clock.pk}:{clock.started_at.timestamp():.0f}:{state}"
        notices.append(Notice(users=people.recipients(clock, state), text=_text(clock, state),
                              url=_url(clock), dedupe_key=key, kind=f"sla.{state}"))
        marked[state].append(clock.pk)
    with transaction.atomic():
        sent = notify_many(notices)
        for state, ids in marked.items():
            if ids:
                SlaClock.objects.filter(pk__in=ids).update(alerted=state)
    return sent


class _People:
    """Handlers and supervisors by department, each department read once per run."""

    def __init__(self) -> None:
        self.handlers: dict[int | None, list[User]] = {}
        self.supervisors: dict[int | None, list[User]] = {}

    def recipients(self, clock: SlaClock, state: ClockState) -> list[User]:
        ticket = clock.ticket
        people = [ticket.assignee, ticket.first_responder]
        if ticket.dispatched_to_id not in self.handlers:
            self.handlers[ticket.dispatched_to_id] = list(policy.active_handlers(ticket.dispatched_to_id))
        people += self.handlers[ticket.dispatched_to_id]
        if state == ClockState.BREACHED:
            if ticket.department_id not in self.supervisors:
                department = ticket.department_id
                self.supervisors[department] = list(policy.active_supervisors(department))
            people += self.supervisors[ticket.department_id]
        return [p for p in people if p is not None]


def _text(clock: SlaClock, state: ClockState) -> str:
    due = timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")
    what = "已超时" if state == ClockState.BREACHED else "即将超时"
    return f"工单 {clock.ticket.number}「{clock.label}」{what}（到期 {due}）：{clock.ticket.subject}"


def _url(clock: SlaClock) -> str:
    return f"/tickets/{clock.ticket.number}/"
