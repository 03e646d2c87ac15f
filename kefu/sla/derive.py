"""Which clocks a work order has, derived from its policy and its timestamps.

- first_response (首次响应): from creation until the first reply to the customer;
- next_response (后续响应): from the latest customer message that came after the first reply,
  until a reply at or after it;
- resolution (解决): from creation until resolved or closed, paused while waiting on the
  customer (等待客户) and while resolved before a reopen.
A clock of a work order that was resolved or closed without the awaited reply stops then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kefu.tickets.models import Status, Ticket

from .clock import Pause, Target
from .models import SlaPolicy

KIND_LABELS = {"first_response": "首次响应", "next_response": "后续响应", "resolution": "解决"}
PAUSING = {Status.WAITING, Status.RESOLVED, Status.CLOSED}


@dataclass(frozen=True)
class ClockSpec:
    kind: str
    label: str
    start: datetime
    target: Target
    stopped_at: datetime | None
    pauses: tuple[Pause, ...] | list[Pause]
    warning_share: float
    derived: bool = field(default=True)


class PolicyBook:
    """All policies, looked up most specific first: type+priority, type, priority, catch-all."""

    def __init__(self, policies: Iterable[SlaPolicy]) -> None:
        self.by_key = {(p.ticket_type, p.priority): p for p in policies}

    @classmethod
    def load(cls) -> PolicyBook:
        return cls(SlaPolicy.objects.all())

    def find(self, ticket_type: str, priority: str) -> SlaPolicy | None:
        for key in ((ticket_type, priority), (ticket_type, ""), ("", priority), ("", "")):
            if key in self.by_key:
                return self.by_key[key]
        return None


def pauses_by_ticket(rows: Iterable[tuple[int, datetime, str | None]]) -> dict[int, list[Pause]]:
    """(ticket id, at, new status code) rows in time order -> pause intervals per ticket.

    The codes come from the history's facts (kefu.tickets.events STATUS_CODES, params["new"]); a row
    whose status is unknown (text the migration could not map) is skipped, never guessed from words."""
    result: dict[int, list[Pause]] = defaultdict(list)
    open_since: dict[int, datetime] = {}
    for ticket_id, at, status in rows:
        if status not in Status.values:
            continue
        if status in PAUSING and ticket_id not in open_since:
            open_since[ticket_id] = at
        elif status not in PAUSING and ticket_id in open_since:
            result[ticket_id].append((open_since.pop(ticket_id), at))
    for ticket_id, began in open_since.items():
        result[ticket_id].append((began, None))
    return result


def policy_specs(ticket: Ticket, policy: SlaPolicy | None, pauses: list[Pause]) -> list[ClockSpec]:
    if policy is None:
        return []
    finished = _finished_at(ticket)
    share = policy.warning_share
    specs = []
    if policy.first_response is not None:
        stop = ticket.first_response_at or finished
        specs.append(_spec("first_response", ticket.created_at, policy.first_response,
                           policy.first_response_unit, stop, (), share))
    asked = ticket.last_customer_message_at
    if policy.next_response is not None and ticket.first_response_at and asked and asked > ticket.first_response_at:
        answered = ticket.last_reply_at if ticket.last_reply_at and ticket.last_reply_at >= asked else None
        specs.append(_spec("next_response", asked, policy.next_response, policy.next_response_unit,
                           answered or finished, (), share))
    if policy.resolution is not None:
        specs.append(_spec("resolution", ticket.created_at, policy.resolution, policy.resolution_unit,
                           finished, tuple(pauses), share))
    return specs


def _finished_at(ticket: Ticket) -> datetime | None:
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        return ticket.resolved_at or ticket.closed_at or ticket.updated_at
    return None


def _spec(kind: str, start: datetime, amount: float, unit: str, stop: datetime | None,
          pauses: tuple[Pause, ...], share: float) -> ClockSpec:
    return ClockSpec(kind, KIND_LABELS[kind], start, Target(amount, unit), stop, pauses, share)
