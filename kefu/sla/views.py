"""Calendar and SLA pages: administrators edit, supervisors read. Thin: services do the work."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.tickets.models import Priority, TicketType

from . import calendar_services as cs
from . import policy_services as ps
from .calendars import periods_to_text
from .hooks import can_see_calendars
from .models import Calendar, CalendarException, ExceptionKind, SlaPolicy, Unit
from .selectors import calendar_list, month_grid

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def _guard(request: HttpRequest) -> None:
    policy.require(can_see_calendars(request.user), "只有管理员和主管可以查看工作日历")


@login_required
def calendar_list_view(request: HttpRequest) -> HttpResponse:
    _guard(request)
    calendars = list(calendar_list())
    return render(request, "sla/calendar_list.html", {
        "calendars": calendars,
        "can_edit": cs.can_edit_calendars(request.user),
        "new_weekly": [(day, label, "09:00-12:00,13:30-18:00" if day < 5 else "") for day, label in enumerate(WEEKDAYS)],
        "teams": Team.objects.select_related("department", "calendar"),
    })


def _weekly_form(request: HttpRequest) -> dict:
    return {"name": request.POST.get("name", ""),
            "weekly_hours": {day: request.POST.get(f"weekly_{day}", "") for day in range(7)},
            "cutoff": request.POST.get("start_day_cutoff", ""),
            "observes_holidays": request.POST.get("observes_holidays") == "on"}


@login_required
@require_POST
def calendar_save_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk) if pk else None
    saved: list[Calendar] = []
    _run(request, "日历已保存", lambda: saved.append(
        cs.calendar_save(by=request.user, calendar=calendar, **_weekly_form(request))))
    target = saved[0] if saved else calendar
    return redirect("sla:calendar_detail", target.pk) if target else redirect("sla:calendar_list")


@login_required
@require_POST
def calendar_default_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    _run(request, f"「{calendar.name}」已设为默认日历", lambda: cs.calendar_set_default(
        by=request.user, calendar=calendar))
    return redirect("sla:calendar_list")


@login_required
@require_POST
def team_calendar_view(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_pk)
    chosen = request.POST.get("calendar", "")
    calendar = get_object_or_404(Calendar, pk=int(chosen)) if chosen.isdigit() else None
    _run(request, f"班组「{team.name}」的日历已更新", lambda: cs.team_set_calendar(
        by=request.user, team=team, calendar=calendar))
    return redirect("sla:calendar_list")


@login_required
def calendar_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    calendar = get_object_or_404(Calendar, pk=pk)
    today = timezone.localdate()
    year, month = _month(request.GET.get("month", ""), today)
    prev_month = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
    next_month = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    weekly = [(int(d), WEEKDAYS[int(d)], periods_to_text(p)) for d, p in sorted(calendar.weekly.items())]
    return render(request, "sla/calendar_detail.html", {
        "calendar": calendar, "weeks": month_grid(calendar, year, month, today), "weekdays": WEEKDAYS,
        "month": date(year, month, 1), "prev_month": prev_month, "next_month": next_month, "weekly": weekly,
        "month_exceptions": calendar.exceptions.filter(day__year=year, day__month=month),
        "can_edit": cs.can_edit_calendars(request.user), "kinds": ExceptionKind.choices,
        "years": [today.year, today.year + 1], "known_ranges": year_ranges(calendar.known_years),
    })


def year_ranges(years: list[int]) -> str:
    """[2004, 2005, ..., 2026, 2028] -> "2004–2026, 2028" (admins look for the gap)."""
    spans: list[list[int]] = []
    for year in sorted(years):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans)


def _month(text: str, today: date) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        return today.year, today.month


def _back(calendar: Calendar, request: HttpRequest) -> HttpResponse:
    month = request.POST.get("month", "")
    url = f"/calendars/{calendar.pk}/" + (f"?month={month}" if month else "")
    return redirect(url)


def _run(request: HttpRequest, success: str, action) -> None:
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success.format(result=result))


@login_required
@require_POST
def exception_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    post = request.POST

    def save() -> object:
        try:
            day = date.fromisoformat(post.get("day", ""))
        except ValueError as exc:
            raise DomainError("日期无效，应为 YYYY-MM-DD", field="day") from exc
        return cs.exception_save(by=request.user, calendar=calendar, day=day, kind=post.get("kind", ""),
                                 name=post.get("name", ""), hours=post.get("hours", ""))
    _run(request, "已保存：{result}", save)
    return _back(calendar, request)


@login_required
@require_POST
def exception_delete_view(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarException, pk=exception_pk, calendar_id=pk)
    _run(request, "已删除", lambda: cs.exception_delete(by=request.user, exception=row))
    return _back(row.calendar, request)


@login_required
@require_POST
def exceptions_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    year = request.POST.get("complete_year", "").strip()
    _run(request, "已导入 {result} 个日期", lambda: cs.exceptions_import(
        by=request.user, calendar=calendar, text=request.POST.get("lines", ""),
        complete_year=int(year) if year.isdigit() else None))
    return _back(calendar, request)


@login_required
@require_POST
def calendar_year_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    year_text = request.POST.get("year", "")
    if not year_text.isdigit():
        messages.error(request, "年份无效")
        return _back(calendar, request)
    year = int(year_text)
    if request.POST.get("action") == "official":
        _run(request, f"已载入 {year} 年官方安排（{{result}} 天）",
             lambda: cs.calendar_load_official_year(by=request.user, calendar=calendar, year=year))
    else:
        _run(request, f"已标记 {year} 年数据完整", lambda: cs.calendar_mark_year(
            by=request.user, calendar=calendar, year=year))
    return _back(calendar, request)


@login_required
def policy_list_view(request: HttpRequest) -> HttpResponse:
    _guard(request)
    return render(request, "sla/policies.html", {
        "policies": SlaPolicy.objects.all(), "types": TicketType.choices, "priorities": Priority.choices,
        "units": Unit.choices, "can_edit": cs.can_edit_calendars(request.user),
    })


@login_required
@require_POST
def policy_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(SlaPolicy, pk=pk)
    post = request.POST
    fields: dict[str, object] = {"warning_share": post.get("warning_share", "")}
    for kind in ("first_response", "next_response", "resolution"):
        fields[kind] = post.get(kind, "").strip() or None
        fields[f"{kind}_unit"] = post.get(f"{kind}_unit", "")
    _run(request, "SLA 策略已保存，未完结工单的到期时间正在重新计算",
         lambda: ps.policy_save(by=request.user, policy_row=row, **fields))
    return redirect("sla:policy_list")


@login_required
@require_POST
def policy_create_view(request: HttpRequest) -> HttpResponse:
    _run(request, "已新增策略（沿用原先适用的目标），请修改后保存", lambda: ps.policy_create(
        by=request.user, ticket_type=request.POST.get("ticket_type", ""), priority=request.POST.get("priority", "")))
    return redirect("sla:policy_list")
