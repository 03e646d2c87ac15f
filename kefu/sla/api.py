"""/api/v1/calendar: working days and deadlines for integrations (default calendar unless calendar=<id>)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from kefu import policy
from kefu.core.errors import DomainError
from kefu.core.limits import check_year
from kefu.tickets.models import Ticket

from .calendars import work_calendar
from .models import Calendar
from .selectors import calendar_or_default
from .services import state_of

router = Router(tags=["calendar"])


class WorkingDayOut(Schema):
    date: date
    working_day: bool
    provisional: bool


class DeadlineOut(Schema):
    start: datetime
    due: datetime
    provisional: bool


class ClockOut(Schema):
    kind: str
    label: str
    target_amount: float
    target_unit: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    state: str
    paused_seconds: float
    provisional: bool


def _calendar(calendar_id: int | None):
    try:
        return work_calendar(calendar_or_default(calendar_id))
    except Calendar.DoesNotExist as exc:
        raise Http404(f"日历 {calendar_id} 不存在") from exc


@router.get("/working-day", response=WorkingDayOut)
def working_day(request: HttpRequest, date: date, calendar: int | None = None) -> dict:
    check_year(date, field="date")
    cal = _calendar(calendar)
    return {"date": date, "working_day": cal.is_working_day(date), "provisional": not cal.is_known(date)}


@router.get("/deadline", response=DeadlineOut)
def deadline(request: HttpRequest, start: datetime, working_days: int | None = None,
             business_hours: float | None = None, calendar: int | None = None) -> dict:
    if start.tzinfo is None:
        raise DomainError("start 必须带时区，例如 2026-09-30T16:00:00+08:00", field="start")
    if (working_days is None) == (business_hours is None):
        raise DomainError("请给出 working_days 或 business_hours 其中之一", field="working_days")
    check_year(start, field="start")
    cal = _calendar(calendar)
    if working_days is not None:
        if working_days < 0 or working_days > 3650:
            raise DomainError("working_days 应在 0 到 3650 之间", field="working_days")
        result = cal.add_working_days(start, working_days)
    else:
        if not 0 <= business_hours <= 100_000:
            raise DomainError("business_hours 应在 0 到 100000 之间", field="business_hours")
        result = cal.add_business_hours(start, business_hours)
    return {"start": start, "due": result.due, "provisional": result.provisional}


@router.get("/tickets/{number}/clocks", response=list[ClockOut])
def ticket_clocks(request: HttpRequest, number: str) -> list[dict]:
    """The SLA clocks of one work order the caller can see, with their state now."""
    ticket = Ticket.objects.filter(number=number).first()
    if ticket is None or not policy.can_view_ticket(request.user, ticket):
        raise Http404(f"工单 {number} 不存在")
    now = timezone.now()
    return [{"kind": c.kind, "label": c.label, "target_amount": c.target_amount, "target_unit": c.target_unit,
             "started_at": c.started_at, "due_at": c.due_at, "stopped_at": c.stopped_at,
             "state": str(state_of(c, now)), "paused_seconds": c.paused_seconds, "provisional": c.provisional}
            for c in ticket.sla_clocks.all()]
