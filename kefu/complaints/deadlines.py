"""The complaint's two deadlines: reply within 24 hours of receipt, implement within 5 working days of approval.

Both run as SLA clocks (kefu.sla.services contract: clock_start / clock_stop with kinds
"complaint_reply" and "complaint_implement"), which use the team's calendar and drive Ticket.due_at,
the countdown badges and the overdue alerts. The complaint keeps a copy of each clock's due time
(reply_due_at, implement_due_at) so the "overdue" filter and the analysis page need no join.
The limits come from ComplaintConfig (admin: 投诉时限设置).
"""

from datetime import datetime

from django.utils.translation import gettext_noop

from kefu.sla.services import Target, clock_start, clock_stop

from .models import Complaint, ComplaintConfig

REPLY = "complaint_reply"
IMPLEMENT = "complaint_implement"
# Stored on the clock in Chinese; marked so the SLA panel can show them in the reader's language.
REPLY_LABEL = gettext_noop("投诉24小时答复")
IMPLEMENT_LABEL = gettext_noop("投诉方案实施")


def start_reply_clock(complaint: Complaint, start: datetime) -> None:
    config = ComplaintConfig.current()
    clock = clock_start(ticket=complaint.ticket, kind=REPLY, start=start,
                        target=Target(config.reply_amount, config.reply_unit), label=REPLY_LABEL)
    complaint.reply_due_at = clock.due_at


def start_implement_clock(complaint: Complaint, start: datetime) -> None:
    config = ComplaintConfig.current()
    clock = clock_start(ticket=complaint.ticket, kind=IMPLEMENT, start=start,
                        target=Target(config.implement_days, "working_days"), label=IMPLEMENT_LABEL)
    complaint.implement_due_at = clock.due_at


def stop_clock(complaint: Complaint, kind: str, at: datetime) -> None:
    clock_stop(ticket=complaint.ticket, kind=kind, at=at)
