"""/api/v1/calendar: working days and deadlines for integrations (default calendar unless calendar=<id>)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from kefu import policy
from kefu.core.errors import DomainError, answers
from kefu.core.limits import check_year
from kefu.tickets.models import Priority, Ticket, TicketType

from .calendars import work_calendar
from .clock import ClockState
from .models import Calendar, SlaPolicy, Unit
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
    state: ClockState
    paused_seconds: float
    provisional: bool


def _calendar(calendar_id: int | None):
    try:
        return work_calendar(calendar_or_default(calendar_id))
    except Calendar.DoesNotExist as exc:
        raise Http404(f"日历 {calendar_id} 不存在") from exc


@router.get("/working-day", response=WorkingDayOut, openapi_extra=answers(404))
def working_day(request: HttpRequest, date: date, calendar: int | None = None) -> dict:
    check_year(date, field="date")
    cal = _calendar(calendar)
    return {"date": date, "working_day": cal.is_working_day(date), "provisional": not cal.is_known(date)}


@router.get("/deadline", response=DeadlineOut, openapi_extra=answers(404))
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


# ---- SLA policies and calendars (mounted at /api/v1/sla) ------------------------------------------------

catalog = Router(tags=["sla"])


class PolicyOut(Schema):
    """One SLA policy; empty ticket_type / priority means "any". Targets null = no such clock."""

    id: int
    ticket_type: TicketType | None
    priority: Priority | None
    first_response: float | None
    first_response_unit: Unit
    next_response: float | None
    next_response_unit: Unit
    resolution: float | None
    resolution_unit: Unit
    warning_share: float


class CalendarOut(Schema):
    id: int
    name: str
    is_default: bool
    weekly: dict[str, list[list[str]]]
    known_years: list[int]


@catalog.get("/policies", response=list[PolicyOut], summary="SLA policies, most specific first")
def policies(request: HttpRequest) -> list[dict]:
    rows = SlaPolicy.objects.order_by("-ticket_type", "-priority")
    return [{"id": p.pk, "ticket_type": p.ticket_type or None, "priority": p.priority or None,
             "first_response": p.first_response, "first_response_unit": p.first_response_unit,
             "next_response": p.next_response, "next_response_unit": p.next_response_unit,
             "resolution": p.resolution, "resolution_unit": p.resolution_unit, "warning_share": p.warning_share}
            for p in rows]


@catalog.get("/calendars", response=list[CalendarOut], summary="Working-day calendars (the default serves teams "
             "without one of their own)")
def calendars(request: HttpRequest) -> list[dict]:
    return [{"id": c.pk, "name": c.name, "is_default": c.is_default, "weekly": c.weekly,
             "known_years": sorted(c.known_years or [])} for c in Calendar.objects.order_by("-is_default", "name")]
