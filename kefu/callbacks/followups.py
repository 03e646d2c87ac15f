"""Not satisfied (seed 003: apologise, record, notify the responsible staff, follow up until fixed).

- a callback about a complaint waiting for its receipt (结果已反馈) records the receipt "not satisfied"
  through the complaint flow, which sends it back for a new solution (a new round): the complaint reopens;
- a complaint still being handled gets no second order: the callback links to it;
- an archived (or refused) complaint cannot reopen (the flow ends there), so a new complaint is received,
  linked to the archived one, as a customer calling again would be;
- anything else gets a follow-up work order, dispatched to the department the answers name (the fault's
  department), else the department that handled the source order.
The follow-up and the source order are linked both ways, each with a history fact; the task keeps it.
"""

from datetime import datetime

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, User
from kefu.complaints import services as complaint_services
from kefu.complaints.models import FINAL_STATES, ComplaintState
from kefu.tickets import events
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Channel, Priority, Ticket, TicketType

from . import history, scripts


def _summary(task, steps: list) -> str:
    lines = [f"回访计划「{task.campaign.name}」：客户表示不满意。"]
    lines += [f"问：{s.question}\n答：{s.label}" for s in steps]
    if task.note:
        lines.append(f"备注：{task.note}")
    return "\n".join(lines)[:5000]


def _link(source: Ticket, new: Ticket, by: User, task, now: datetime) -> None:
    if source.pk != new.pk:
        new.related.add(source)
        events.record(new, events.LINKED, by=by, at=now, other=source.number, other_id=source.pk)
        events.record(source, events.LINKED, by=by, at=now, other=new.number, other_id=new.pk)
    facts = {"campaign": task.campaign.name, "campaign_id": task.campaign_id, "task_id": task.pk}
    events.record(source, history.FOLLOW_UP, by=by, at=now, follow_up=new.number, **facts)
    if source.pk != new.pk:
        events.record(new, history.FOLLOW_UP, by=by, at=now, source=source.number, **facts)


def _department(steps: list, source: Ticket | None) -> Department | None:
    code = scripts.fact_of(steps, "department")
    if code:
        found = Department.objects.filter(code=code, kind=DepartmentKind.RESPONSIBLE, is_active=True).first()
        if found:
            return found
    if source is not None and source.dispatched_to_id and source.dispatched_to.is_active:
        return source.dispatched_to
    return None


def _subject(task) -> str:
    about = task.ticket.subject if task.ticket_id else task.campaign.name
    return f"回访不满意跟进：{about}"[:200]


def follow_up(task, by: User, steps: list, now: datetime) -> Ticket | None:
    """Called inside the attempt's transaction; returns the order that carries the follow-up."""
    source = task.ticket
    complaint = getattr(source, "complaint", None) if source is not None else None
    if complaint is not None:
        return _complaint_follow_up(task, by, steps, complaint, now)
    new = ticket_services.ticket_create(
        by=by, customer=task.customer, subject=_subject(task), body=_summary(task, steps),
        type=TicketType.AFTER_SALES, channel=Channel.PHONE, priority=Priority.HIGH, tags=["回访跟进"])
    department = _department(steps, source)
    if department is not None:
        new = ticket_services.ticket_dispatch(ticket=new, by=by, department=department,
                                              note="回访客户不满意，请跟进处理")
    if source is not None:
        _link(source, new, by, task, now)
    else:
        events.record(new, history.FOLLOW_UP, by=by, at=now, campaign=task.campaign.name,
                      campaign_id=task.campaign_id, task_id=task.pk)
    return new


def _complaint_follow_up(task, by: User, steps: list, complaint, now: datetime) -> Ticket:
    source = complaint.ticket
    comment = _summary(task, steps)
    if complaint.state == ComplaintState.REPORTED and policy.can_act_on_complaint(by, complaint, "service"):
        complaint_services.complaint_receipt(complaint=complaint, by=by, satisfied=False, comment=comment)
        _link(source, source, by, task, now)
        return source
    if complaint.state not in FINAL_STATES and not complaint.is_archived:
        _link(source, source, by, task, now)
        return source
    again = complaint_services.complaint_receive(by=by, customer=task.customer, subject=_subject(task),
                                                 description=comment, channel=Channel.PHONE)
    _link(source, again.ticket, by, task, now)
    return again.ticket
