"""The complaint's two deadlines: reply within 24 hours of receipt, implement within 5 working days of approval.

Both run as SLA clocks (kefu.sla.services contract: clock_start / clock_stop with kinds
"complaint_reply" and "complaint_implement"), which drive Ticket.due_at, the countdown badges and the
overdue alerts. The complaint also keeps its own copy of each due time (reply_due_at, implement_due_at),
computed with the working-day calendar, so filters ("overdue") and the analysis page need no join and
still work while the SLA app is absent.
"""

from datetime import datetime
from functools import lru_cache

from kefu.workcal import WorkCalendar
from kefu.workcal.seed import china_calendar

from .models import Complaint, ComplaintConfig

try:  # the SLA app is built in parallel; until it provides the clocks, the complaint's own dues stand alone
    from kefu.sla.services import Target, clock_start, clock_stop
except ImportError:  # pragma: no cover - depends on what has landed
    Target = clock_start = clock_stop = None

REPLY = "complaint_reply"
IMPLEMENT = "complaint_implement"


@lru_cache(maxsize=1)
def calendar() -> WorkCalendar:
    # Building the official holiday tables takes a few milliseconds; they never change within a process.
    return china_calendar()


def reply_due(start: datetime, config: ComplaintConfig) -> datetime:
    if config.reply_unit == "business_hours":
        return calendar().add_business_hours(start, config.reply_amount).due
    return calendar().add_calendar_hours(start, config.reply_amount).due


def implement_due(start: datetime, config: ComplaintConfig) -> datetime:
    return calendar().add_working_days(start, config.implement_days).due


def _start_clock(complaint: Complaint, kind: str, start: datetime, amount: float, unit: str, label: str,
                 fallback: datetime) -> datetime:
    if clock_start is None:
        return fallback
    clock = clock_start(ticket=complaint.ticket, kind=kind, start=start, target=Target(amount, unit), label=label)
    # The SLA clock uses the team's calendar, which may differ from the national one: trust it.
    return getattr(clock, "due_at", None) or fallback


def start_reply_clock(complaint: Complaint, start: datetime) -> None:
    config = ComplaintConfig.current()
    due = reply_due(start, config)
    complaint.reply_due_at = _start_clock(complaint, REPLY, start, config.reply_amount, config.reply_unit,
                                          "投诉24小时答复", due)


def start_implement_clock(complaint: Complaint, start: datetime) -> None:
    config = ComplaintConfig.current()
    due = implement_due(start, config)
    complaint.implement_due_at = _start_clock(complaint, IMPLEMENT, start, config.implement_days, "working_days",
                                              "投诉方案实施", due)


def stop_clock(complaint: Complaint, kind: str, at: datetime) -> None:
    if clock_stop is not None:
        clock_stop(ticket=complaint.ticket, kind=kind, at=at)
