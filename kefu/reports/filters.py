"""A report's filter: the period (local days, both inclusive), its previous period, and the dimensions
(team, agent, channel, type, department) fixed by the user's role (kefu.policy.reports)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.accounts.models import Department, Team, User
from kefu.core.errors import DomainError
from kefu.core.limits import MAX_ID
from kefu.tickets.drill import Drill, day_range_q, dims_q
from kefu.tickets.models import Channel, TicketType

MAX_DAYS = 400  # a report covers at most about a year; longer spans are exports of raw lists


class BadFilter(DomainError):
    """A filter value the report cannot use: 422 naming the field."""

    status_code = 422


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def q(self, field: str):
        return day_range_q(field, self.start, self.end)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


def check_period(start: date, end: date) -> Period:
    for name, value in (("from", start), ("to", end)):
        if not 1970 <= value.year <= 2200:
            raise BadFilter(_("日期超出范围"), field=name)
    if end < start:
        raise BadFilter(_("结束日期不能早于开始日期"), field="to")
    if (end - start).days + 1 > MAX_DAYS:
        raise BadFilter(_("报表期间最长 %(n)s 天") % {"n": MAX_DAYS}, field="to")
    return Period(start, end)


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter(_("日期格式应为 YYYY-MM-DD"), field=field) from None


def month_period(today: date) -> Period:
    return Period(today.replace(day=1), today)


@dataclass(frozen=True)
class ReportFilter:
    period: Period
    team: int | None = None
    agent: int | None = None
    department: int | None = None
    channel: str = ""
    type: str = ""

    def tickets_q(self):
        return dims_q(team=self.team, agent=self.agent, department=self.department, channel=self.channel,
                      type=self.type)

    def with_period(self, period: Period) -> ReportFilter:
        return replace(self, period=period)

    def narrow(self, **values) -> ReportFilter:
        return replace(self, **values)

    def drill(self, on: str = "", period: Period | None = None, **extra) -> Drill:
        period = period or self.period
        values = {"team": self.team, "agent": self.agent, "department": self.department, "on": on,
                  "start": period.start if on else None, "end": period.end if on else None, **extra}
        return Drill(**values)

    def inbox_url(self, on: str = "", status: str = "", period: Period | None = None, priority: str = "",
                  **extra) -> str:
        """The inbox list behind a figure: every order visible to the user, filtered as the figure counted."""
        params = {"view": "all", "status": status, "type": self.type, "channel": self.channel, "priority": priority}
        params.update(self.drill(on, period, **extra).params())
        return "/tickets/?" + urlencode({k: v for k, v in params.items() if v not in ("", None) or k == "status"})

    def query(self, **over) -> str:
        values = {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(), "team": self.team,
                  "agent": self.agent, "department": self.department, "channel": self.channel, "type": self.type}
        values.update(over)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _id(value, field: str, model) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadFilter(_("应为数字编号"), field=field) from None
    if not 1 <= number <= MAX_ID or not model.objects.filter(pk=number).exists():
        raise BadFilter(_("不存在"), field=field)
    return number


def build_filter(user: User, period: Period, *, team=None, agent=None, department=None, channel: str = "",
                 type: str = "") -> ReportFilter:
    """The filter as the user may have it: agents always see their own figures, supervisors their department."""
    policy.require(policy.can_see_reports(user), _("您没有权限查看报表"))
    if channel and channel not in Channel.values:
        raise BadFilter(_("未知渠道"), field="channel")
    if type and type not in TicketType.values:
        raise BadFilter(_("未知类型"), field="type")
    team, agent = _id(team, "team", Team), _id(agent, "agent", User)
    department = _id(department, "department", Department)
    fixed_agent = policy.report_fixed_agent(user)
    if fixed_agent is not None:
        policy.require(agent in (None, fixed_agent), _("客服专员只能查看自己的数据"))
        agent = fixed_agent
    fixed_department = policy.report_fixed_department(user)
    if fixed_department is not None:
        policy.require(department in (None, fixed_department), _("只能查看本部门的数据"))
        department = fixed_department if policy.can_see_department_reports(user) else None
    return ReportFilter(period, team=team, agent=agent, department=department, channel=channel, type=type)


def from_params(user: User, params, today: date | None = None) -> ReportFilter:
    """A page's filter from its query string; the current month when no period is given."""
    today = today or timezone.localdate()
    default = month_period(today)
    start = parse_day(params["from"], "from") if params.get("from") else default.start
    end = parse_day(params["to"], "to") if params.get("to") else (default.end if not params.get("from") else start)
    return build_filter(user, check_period(start, end), team=params.get("team"), agent=params.get("agent"),
                        department=params.get("department"), channel=params.get("channel", ""),
                        type=params.get("type", ""))
