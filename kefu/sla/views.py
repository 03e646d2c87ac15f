"""Calendar and SLA pages: administrators edit, supervisors read. Thin: services do the work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Team
from kefu.core.errors import DomainError
from kefu.jobs.selectors import progress_text, running_jobs
from kefu.tickets.models import Priority, TicketType

from . import calendar_services as cs
from . import policy_services as ps
from .calendars import periods_to_text
from .models import Calendar, CalendarException, ExceptionKind, SlaPolicy, Unit
from .selectors import calendar_list, month_grid

WEEKDAYS = [gettext_lazy("周一"), gettext_lazy("周二"), gettext_lazy("周三"), gettext_lazy("周四"),
            gettext_lazy("周五"), gettext_lazy("周六"), gettext_lazy("周日")]
# The month view pages one month either way; keep both neighbours inside what `date` can hold.
MIN_YEAR, MAX_YEAR = 1900, 2999


def weekday_names() -> list[str]:
    """Monday first, in the request's language."""
    return [str(name) for name in WEEKDAYS]


def _guard(request: HttpRequest) -> None:
    policy.require(policy.can_see_calendars(request.user), "只有管理员和主管可以查看工作日历")


@login_required
def calendar_list_view(request: HttpRequest) -> HttpResponse:
    _guard(request)
    calendars = list(calendar_list())
    return render(request, "sla/calendar_list.html", {
        "calendars": calendars,
        "can_edit": policy.can_edit_calendars(request.user),
        "new_weekly": [(day, label, "09:00-12:00,13:30-18:00" if day < 5 else "")
                       for day, label in enumerate(weekday_names())],
        "teams": Team.objects.select_related("department", "calendar"),
        "recomputes": recomputes(),
    })


def recomputes() -> list[tuple[object, str]]:
    """Deadline recomputes still queued or running after a calendar or policy edit, with how far each got."""
    return [(job, progress_text(job)) for job in running_jobs("sla.recompute_open")]


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
    _run(request, _("日历已保存"), lambda: saved.append(
        cs.calendar_save(by=request.user, calendar=calendar, **_weekly_form(request))))
    target = saved[0] if saved else calendar
    return redirect("sla:calendar_detail", target.pk) if target else redirect("sla:calendar_list")


@login_required
@require_POST
def calendar_default_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    _run(request, _("「%(name)s」已设为默认日历") % {"name": calendar.name}, lambda: cs.calendar_set_default(
        by=request.user, calendar=calendar))
    return redirect("sla:calendar_list")


@login_required
@require_POST
def team_calendar_view(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=team_pk)
    chosen = request.POST.get("calendar", "")
    calendar = get_object_or_404(Calendar, pk=int(chosen)) if _is_number(chosen) else None
    _run(request, _("班组「%(name)s」的日历已更新") % {"name": team.name}, lambda: cs.team_set_calendar(
        by=request.user, team=team, calendar=calendar))
    return redirect("sla:calendar_list")


@login_required
def calendar_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    calendar = get_object_or_404(Calendar, pk=pk)
    return render(request, "sla/calendar_detail.html", _detail_context(request, calendar,
                                                                      request.GET.get("month", "")))


def _detail_context(request: HttpRequest, calendar: Calendar, month_text: str) -> dict:
    today = timezone.localdate()
    year, month = _month(month_text, today)
    prev_month = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
    next_month = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    weekly = [(int(d), weekday_names()[int(d)], periods_to_text(p)) for d, p in sorted(calendar.weekly.items())]
    return {
        "calendar": calendar, "weeks": month_grid(calendar, year, month, today), "weekdays": weekday_names(),
        "month": date(year, month, 1), "prev_month": prev_month, "next_month": next_month, "weekly": weekly,
        "month_exceptions": calendar.exceptions.filter(day__year=year, day__month=month),
        "can_edit": policy.can_edit_calendars(request.user), "kinds": ExceptionKind.choices,
        "years": [today.year, today.year + 1], "known_ranges": year_ranges(calendar.known_years),
    }


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
    """?month=YYYY-MM; anything else, or a year the month view cannot page around, is this month."""
    parts = text.split("-")
    if len(parts) != 2 or not (_is_number(parts[0], digits=4) and _is_number(parts[1], digits=2)):
        return today.year, today.month
    year, month = int(parts[0]), int(parts[1])
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return today.year, today.month
    return year, month


def _is_number(text: str, digits: int = 9) -> bool:
    """Plain ASCII digits, short enough for a database integer ("²".isdigit() is True, int() refuses it)."""
    return text.isascii() and text.isdecimal() and len(text) <= digits


def _back(calendar: Calendar, request: HttpRequest) -> HttpResponse:
    year, month = _month(request.POST.get("month", ""), timezone.localdate())
    return redirect(f"/calendars/{calendar.pk}/?month={year:04d}-{month:02d}")


def _run(request: HttpRequest, success: str | Callable[[Any], str], action: Callable[[], Any]) -> bool:
    """Runs a write; its DomainError becomes an error message, else `success` (text, or text made
    from the write's result) is shown. Returns whether the write succeeded."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


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
    _run(request, lambda result: _("已保存：%(day)s") % {"day": result}, save)
    return _back(calendar, request)


@login_required
@require_POST
def exception_delete_view(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarException, pk=exception_pk, calendar_id=pk)
    _run(request, _("已删除"), lambda: cs.exception_delete(by=request.user, exception=row))
    return _back(row.calendar, request)


@login_required
@require_POST
def exceptions_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    year = request.POST.get("complete_year", "").strip()
    text = request.POST.get("lines", "")
    if _run(request, lambda count: _("已导入 %(count)s 个日期") % {"count": count}, lambda: cs.exceptions_import(
            by=request.user, calendar=calendar, text=text,
            complete_year=int(year) if _is_number(year, digits=4) else None)):
        return _back(calendar, request)
    # Re-render instead of redirecting so the pasted lines stay in the box to be corrected.
    context = _detail_context(request, calendar, request.POST.get("month", ""))
    context.update(import_text=text, import_year=year)
    return render(request, "sla/calendar_detail.html", context, status=400)


@login_required
@require_POST
def calendar_year_view(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    year_text = request.POST.get("year", "")
    if not _is_number(year_text, digits=4):
        messages.error(request, _("年份无效"))
        return _back(calendar, request)
    year = int(year_text)
    if request.POST.get("action") == "official":
        _run(request, lambda days: _("已载入 %(year)s 年官方安排（%(days)s 天）") % {"year": year, "days": days},
             lambda: cs.calendar_load_official_year(by=request.user, calendar=calendar, year=year))
    else:
        _run(request, _("已标记 %(year)s 年数据完整") % {"year": year}, lambda: cs.calendar_mark_year(
            by=request.user, calendar=calendar, year=year))
    return _back(calendar, request)


@login_required
def policy_list_view(request: HttpRequest) -> HttpResponse:
    _guard(request)
    policies = list(SlaPolicy.objects.all())
    for row in policies:  # shown as a percentage to everyone: 0.8 -> "80"
        row.warning_percent = f"{row.warning_share * 100:.4g}"
    return render(request, "sla/policies.html", {
        "policies": policies, "types": TicketType.choices, "priorities": Priority.choices,
        "units": Unit.choices, "can_edit": policy.can_edit_calendars(request.user),
        "recomputes": recomputes(),
    })


@login_required
@require_POST
def policy_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(SlaPolicy, pk=pk)
    post = request.POST
    fields: dict[str, object] = {}
    for kind in ("first_response", "next_response", "resolution"):
        fields[kind] = post.get(kind, "").strip() or None
        fields[f"{kind}_unit"] = post.get(f"{kind}_unit", "")
    _run(request, _("SLA 策略已保存，未完结工单的到期时间正在重新计算"),
         lambda: ps.policy_save(by=request.user, policy_row=row,
                                warning_share=_share(post.get("warning_percent", "")), **fields))
    return redirect("sla:policy_list")


def _share(percent: str) -> float:
    """The page asks for a percentage (80), the policy stores a share (0.8)."""
    try:
        value = float(percent)
    except ValueError:
        value = -1.0
    if not 0 < value < 100:
        raise DomainError(_("预警比例应为大于 0、小于 100 的百分数，例如 80"), field="warning_share")
    return value / 100


@login_required
@require_POST
def policy_create_view(request: HttpRequest) -> HttpResponse:
    _run(request, _("已新增策略（沿用原先适用的目标），请修改后保存"), lambda: ps.policy_create(
        by=request.user, ticket_type=request.POST.get("ticket_type", ""), priority=request.POST.get("priority", "")))
    return redirect("sla:policy_list")
