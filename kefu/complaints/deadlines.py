"""The complaint's deadlines, each an SLA clock like any other (kefu.sla.services clock_start / clock_stop):

- complaint_reply: reply within 24 hours of receipt (stopped by the first reply, rejection or notice);
- complaint_approve: a proposed solution is approved or sent back within 1 working day (new in issue 8);
- complaint_implement: implement within 5 working days of approval.

The clocks use the team's calendar, drive Ticket.due_at, the countdown badges, the complaint card and
the overdue alerts; their state (on time, warning, breached, paused) is only ever read from them
(kefu.sla.services.state_of). Limits and the warning share come from ComplaintConfig (投诉时限设置).
The complaint keeps a copy of the reply and implementation due times for its list and exports.
"""

from datetime import datetime

from django.utils.translation import gettext_noop

from kefu.sla.models import SlaClock
from kefu.sla.services import Target, clock_start, clock_stop

from .models import Complaint, ComplaintConfig

REPLY = "complaint_reply"
APPROVE = "complaint_approve"
IMPLEMENT = "complaint_implement"
KINDS = (REPLY, APPROVE, IMPLEMENT)
# Stored on the clock in Chinese; marked so the SLA panel can show them in the reader's language.
REPLY_LABEL = gettext_noop("投诉24小时答复")
APPROVE_LABEL = gettext_noop("投诉方案审批")
IMPLEMENT_LABEL = gettext_noop("投诉方案实施")
LABELS = {REPLY: REPLY_LABEL, APPROVE: APPROVE_LABEL, IMPLEMENT: IMPLEMENT_LABEL}


def _start(complaint: Complaint, kind: str, start: datetime, target: Target) -> SlaClock:
    config = ComplaintConfig.current()
    return clock_start(ticket=complaint.ticket, kind=kind, start=start, target=target, label=LABELS[kind],
                       warning_share=config.warning_share)


def start_reply_clock(complaint: Complaint, start: datetime) -> None:
    config = ComplaintConfig.current()
    complaint.reply_due_at = _start(complaint, REPLY, start, Target(config.reply_amount, config.reply_unit)).due_at


def start_approve_clock(complaint: Complaint, start: datetime) -> None:
    _start(complaint, APPROVE, start, Target(ComplaintConfig.current().approve_days, "working_days"))


def start_implement_clock(complaint: Complaint, start: datetime) -> None:
    target = Target(ComplaintConfig.current().implement_days, "working_days")
    complaint.implement_due_at = _start(complaint, IMPLEMENT, start, target).due_at


def stop_clock(complaint: Complaint, kind: str, at: datetime) -> None:
    clock_stop(ticket=complaint.ticket, kind=kind, at=at)


def stop_running_clocks(complaint: Complaint, at: datetime) -> None:
    """A complaint that ends (unfounded, archived) leaves no clock of its own counting."""
    for kind in SlaClock.objects.filter(ticket_id=complaint.ticket_id, kind__in=KINDS,
                                        stopped_at__isnull=True).values_list("kind", flat=True):
        clock_stop(ticket=complaint.ticket, kind=kind, at=at)
