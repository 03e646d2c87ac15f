"""Writes on working-day calendars: exceptions, imports, official years. Administrators only.

Every change bumps the calendar's version (so cached WorkCalendars are rebuilt everywhere) and,
after the commit, queues the recomputation of the open work orders that use the calendar.
"""

from __future__ import annotations

import re
from datetime import date, time
from datetime import datetime as dt

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Now

from kefu import policy
from kefu.accounts.models import Team, User
from kefu.core.errors import DomainError
from kefu.workcal.seed import exceptions_from_chinese_calendar

from .calendars import build_work_calendar, periods_from_text
from .models import Calendar, CalendarException, ExceptionKind
from .signals import calendar_days_changed
from .tasks import recompute_calendar_deadlines

_KIND_WORDS = {"holiday": ExceptionKind.HOLIDAY, "放假": ExceptionKind.HOLIDAY, "休": ExceptionKind.HOLIDAY,
               "workday": ExceptionKind.WORKDAY, "上班": ExceptionKind.WORKDAY, "调休上班": ExceptionKind.WORKDAY,
               "班": ExceptionKind.WORKDAY}
_HOURS = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}([,，]\d{1,2}:\d{2}-\d{1,2}:\d{2})*$")


def _changed(calendar: Calendar, days: tuple[date, date] | None = None) -> None:
    """``days``: the first and last day the edit changed (None: the weekly schedule, everything); only
    open clocks whose run crosses those days are recomputed."""
    # updated_at from the database clock too: a rolled-back edit can leave the same version number behind.
    Calendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=Now())
    calendar.refresh_from_db(fields=["version", "updated_at"])
    recompute_calendar_deadlines(calendar.pk, days)
    calendar_days_changed.send(sender=Calendar, calendar_id=calendar.pk, days=days)


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@transaction.atomic
def exception_save(*, by: User, calendar: Calendar, day: date, kind: str, name: str = "",
                   hours: str = "") -> CalendarException:
    """Adds or replaces the exception of ``day``; ``hours`` like "09:00-12:00,13:30-18:00" for a make-up day."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    if kind not in ExceptionKind.values:
        raise DomainError(f"类型无效：{kind}（应为 holiday 或 workday）", field="kind")
    periods = _periods(kind, hours, "hours")
    row, _ = CalendarException.objects.update_or_create(
        calendar=calendar, day=day, defaults={"kind": kind, "name": name.strip()[:40], "periods": periods})
    _check_buildable(calendar)
    _changed(calendar, (day, day))
    return row


@transaction.atomic
def exception_delete(*, by: User, exception: CalendarException) -> None:
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    calendar, day = exception.calendar, exception.day
    exception.delete()
    _changed(calendar, (day, day))


def parse_exception_lines(text: str) -> list[tuple[date, str, list | None, str]]:
    """Lines "2027-01-01 holiday 元旦" / "2027-02-07 workday [09:00-18:00] 春节调休".

    Blank lines and lines starting with # are skipped. Raises DomainError naming the first bad line.
    """
    rows, seen = [], set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        where = f"第 {number} 行"
        if len(parts) < 2:
            raise DomainError(f"{where}：格式应为「日期 类型 [营业时间] [名称]」，收到「{line}」", field=f"lines[{number}]")
        day = _date(parts[0], where, number)
        kind = _KIND_WORDS.get(parts[1].lower())
        if kind is None:
            raise DomainError(f"{where}：类型「{parts[1]}」无效，应为 holiday/放假 或 workday/上班", field=f"lines[{number}]")
        rest = parts[2:]
        hours = rest.pop(0) if rest and _HOURS.match(rest[0]) else ""
        try:
            periods = _periods(kind, hours, where)
        except DomainError as exc:
            raise DomainError(exc.message, field=f"lines[{number}]") from exc
        if day in seen:
            raise DomainError(f"{where}：日期 {day} 重复", field=f"lines[{number}]")
        seen.add(day)
        rows.append((day, kind, periods, " ".join(rest)[:40]))
    if not rows:
        raise DomainError("没有可导入的日期", field="lines")
    return rows


@transaction.atomic
def exceptions_import(*, by: User, calendar: Calendar, text: str, complete_year: int | None = None) -> int:
    """Imports a list of dates (all or nothing); ``complete_year`` marks that year's data as entered."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    rows = parse_exception_lines(text)
    for day, kind, periods, name in rows:
        CalendarException.objects.update_or_create(
            calendar=calendar, day=day, defaults={"kind": kind, "periods": periods, "name": name})
    days = [row[0] for row in rows] + (list(_year(complete_year)) if complete_year is not None else [])
    if complete_year is not None:
        _mark_known(calendar, complete_year)
    _check_buildable(calendar)
    _changed(calendar, (min(days), max(days)))
    return len(rows)


@transaction.atomic
def calendar_mark_year(*, by: User, calendar: Calendar, year: int, known: bool = True) -> None:
    """Declares that ``year``'s holiday arrangement is (or is no longer) fully entered."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    if not 2000 <= year <= 2100:
        raise DomainError(f"年份无效：{year}", field="year")
    if known:
        _mark_known(calendar, year)
    else:
        calendar.known_years = [y for y in calendar.known_years if y != year]
        calendar.save(update_fields=["known_years"])
    _changed(calendar, _year(year))


@transaction.atomic
def calendar_load_official_year(*, by: User, calendar: Calendar, year: int) -> int:
    """Copies ``year``'s official arrangement from the installed chinese-calendar package."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    exceptions, known = exceptions_from_chinese_calendar([year])
    if year not in known:
        raise DomainError(f"已安装的 chinese-calendar 没有 {year} 年的安排，请手工导入", field="year")
    for exc in exceptions:
        CalendarException.objects.update_or_create(
            calendar=calendar, day=exc.day, defaults={"kind": exc.kind, "name": exc.name[:40], "periods": None})
    _mark_known(calendar, year)
    _changed(calendar, _year(year))
    return len(exceptions)


def _mark_known(calendar: Calendar, year: int) -> None:
    calendar.known_years = sorted(set(calendar.known_years) | {year})
    calendar.save(update_fields=["known_years"])


def _date(text: str, where: str, number: int) -> date:
    try:
        return dt.strptime(text, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar date, no instant
    except ValueError as exc:
        raise DomainError(f"{where}：日期「{text}」无效，应为 YYYY-MM-DD", field=f"lines[{number}]") from exc


def _periods(kind: str, hours: str, where: str) -> list | None:
    if kind == ExceptionKind.HOLIDAY:
        if hours.strip():
            raise DomainError(f"{where}：放假日不能设置营业时间", field="hours")
        return None
    try:
        return periods_from_text(hours, where) or None
    except ValueError as exc:
        raise DomainError(str(exc), field="hours") from exc


def _check_buildable(calendar: Calendar) -> None:
    """Refuse an edit the calendar core would reject (e.g. a make-up day with no hours to borrow)."""
    try:
        build_work_calendar(calendar, list(calendar.exceptions.all()))
    except (TypeError, ValueError) as exc:
        raise DomainError(f"日历无效：{exc}", field="calendar") from exc


@transaction.atomic
def calendar_save(*, by: User, calendar: Calendar | None, name: str, weekly_hours: dict[int, str],
                  cutoff: str = "", observes_holidays: bool = True) -> Calendar:
    """Creates or edits a calendar's weekly hours ("09:00-12:00,13:30-18:00" per weekday, blank = closed).

    A new calendar that observes public holidays starts with the default calendar's holidays and
    make-up days, so a second office schedule does not lose the official arrangement.
    """
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    name = name.strip()
    if not name:
        raise DomainError("请填写日历名称", field="name")
    if Calendar.objects.filter(name=name).exclude(pk=getattr(calendar, "pk", None)).exists():
        raise DomainError(f"已有名为「{name}」的日历", field="name")
    weekly = {str(day): _weekday_periods(day, weekly_hours.get(day, "")) for day in range(7)}
    if not any(weekly.values()):
        raise DomainError("每周至少要有一天营业", field="weekly")
    created = calendar is None
    calendar = calendar or Calendar()
    calendar.name, calendar.weekly, calendar.observes_holidays = name, weekly, observes_holidays
    calendar.start_day_cutoff = _cutoff(cutoff)
    if created:
        calendar.save()
        if observes_holidays:
            _copy_holidays(calendar)
    _check_buildable(calendar)
    calendar.save()
    _changed(calendar)
    return calendar


@transaction.atomic
def calendar_set_default(*, by: User, calendar: Calendar) -> None:
    """Makes ``calendar`` the one used by teams without their own; their open orders are recomputed."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    Calendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(is_default=False)
    Calendar.objects.filter(pk=calendar.pk).update(is_default=True)
    recompute_calendar_deadlines(None)


@transaction.atomic
def team_set_calendar(*, by: User, team: Team, calendar: Calendar | None) -> None:
    """The team's work orders follow ``calendar`` (None = the default) from now on, open ones recomputed."""
    policy.require(policy.can_edit_calendars(by), "只有管理员可以修改工作日历")
    team.calendar = calendar
    team.save(update_fields=["calendar"])
    recompute_calendar_deadlines(None)


def _weekday_periods(day: int, text: str) -> list:
    try:
        return periods_from_text(text or "", f"weekly[{day}]")
    except ValueError as exc:
        raise DomainError(str(exc), field=f"weekly[{day}]") from exc


def _cutoff(text: str) -> time | None:
    if not text.strip():
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError as exc:
        raise DomainError(f"当日计入截止时间「{text}」无效，应为 HH:MM", field="start_day_cutoff") from exc


def _copy_holidays(calendar: Calendar) -> None:
    source = Calendar.objects.filter(is_default=True, observes_holidays=True).exclude(pk=calendar.pk).first()
    if source is None:
        return
    CalendarException.objects.bulk_create([
        CalendarException(calendar=calendar, day=e.day, kind=e.kind, name=e.name, periods=e.periods)
        for e in source.exceptions.all()])
    calendar.known_years = list(source.known_years)
