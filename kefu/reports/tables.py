"""Every dashboard table: its title, Chinese column headers and rows, each number with the list behind it.

The page, the JSON (page and API) and the XLSX all render one Table, so they show the same figures.
Tables of people (agents, QA, satisfaction, complaints) are in people.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Team, User
from kefu.sla.outcomes import percent
from kefu.tickets.models import ACTIVE_STATUSES, Channel, Priority, TicketType

from .facts import report_facts, sla_rows
from .filters import Period, ReportFilter
from .summary import created_orders, scoped_tickets
from .worktime import working_hours


@dataclass
class Cell:
    value: object
    url: str = ""

    def __str__(self) -> str:
        return "" if self.value is None else str(self.value)


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # "bar", "line", "pie" or "": the page draws the first two columns

    def plain_rows(self) -> list[list]:
        return [[c.value if isinstance(c, Cell) else (str(c) if c is not None and not isinstance(c, int | float)
                                                      else c) for c in row] for row in self.rows]


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or "—"))


def _by(qs, key: str) -> dict:
    return dict(qs.values_list(key).annotate(n=Count("id")).order_by())


def volume(kind: str):
    """Created and resolved orders per channel or type."""
    choices = {"channel": Channel.choices, "type": TicketType.choices}[kind]

    def build(user: User, f: ReportFilter, now: datetime) -> Table:
        facts = report_facts(user, f, (kind,), now, sla=False)
        created = {k[0]: v.created for k, v in facts.items()}
        resolved = {k[0]: v.resolved for k, v in facts.items()}
        title = _("按渠道的工单量") if kind == "channel" else _("按类型的工单量")
        table = Table(f"volume_{kind}", title, [_("渠道") if kind == "channel" else _("类型"), _("新建"), _("解决")],
                      chart="bar")
        for value, label in choices:
            if created.get(value) or resolved.get(value):
                narrowed = f.narrow(**{kind: value})
                table.rows.append([str(label), Cell(created.get(value, 0), narrowed.inbox_url("created")),
                                   Cell(resolved.get(value, 0), narrowed.inbox_url("resolved"))])
        return table
    return build


def volume_hour(user: User, f: ReportFilter, now: datetime) -> Table:
    tz = timezone.get_current_timezone()
    rows = dict(created_orders(user, f).annotate(h=ExtractHour("created_at", tzinfo=tz)).values_list("h")
                .annotate(n=Count("id")).order_by())
    table = Table("volume_hour", _("按小时的来单量"), [_("小时"), _("新建")], chart="bar")
    for hour in range(24):
        table.rows.append([f"{hour:02d}:00", Cell(rows.get(hour, 0), f.inbox_url("created", hour=hour))])
    return table


def volume_day(user: User, f: ReportFilter, now: datetime) -> Table:
    facts = report_facts(user, f, ("day",), now, sla=False)  # created by created day, resolved by resolved day
    created = {k[0]: v.created for k, v in facts.items()}
    resolved = {k[0]: v.resolved for k, v in facts.items()}
    table = Table("volume_day", _("按日的工单量"), [_("日期"), _("新建"), _("解决")], chart="line")
    for day in f.period.dates():
        one = Period(day, day)
        table.rows.append([day.isoformat(), Cell(created.get(day, 0), f.inbox_url("created", period=one)),
                           Cell(resolved.get(day, 0), f.inbox_url("resolved", period=one))])
    return table


AGE_BUCKETS = [(_("今天"), 0, 0), (_("1-2 天"), 1, 2), (_("3-6 天"), 3, 6), (_("7-29 天"), 7, 29),
               (_("30 天以上"), 30, None)]


def backlog(user: User, f: ReportFilter, now: datetime) -> Table:
    """Orders open now by age (local days since creation); the period does not apply."""
    today = timezone.localtime(now).date()
    active = scoped_tickets(user, f).filter(status__in=ACTIVE_STATUSES)
    table = Table("backlog", _("积压与账龄（当前未完结）"), [_("账龄"), _("未完结"), _("其中已超时")], chart="bar")
    spans, counts = [], {}
    for i, (_label, young, old) in enumerate(AGE_BUCKETS):
        start = today - timedelta(days=old) if old is not None else today.replace(year=1970, month=1, day=1)
        span = Period(start, today - timedelta(days=young))
        spans.append(span)
        counts[f"n{i}"] = Count("id", filter=span.q("created_at"))
        counts[f"late{i}"] = Count("id", filter=span.q("created_at") & Q(due_at__lt=now))
    rows = active.aggregate(**counts)  # one pass over the open orders for every bucket
    for i, (label, _young, _old) in enumerate(AGE_BUCKETS):
        table.rows.append([str(label), Cell(rows[f"n{i}"], f.inbox_url("created", status="active", period=spans[i])),
                           rows[f"late{i}"]])
    return table


def working_time(user: User, f: ReportFilter, now: datetime) -> Table:
    """Mean first-response and resolution times in working hours, per team."""
    tickets = scoped_tickets(user, f)
    first = working_hours(tickets.filter(f.period.q("first_response_at")), "first_response", "team_id",
                          f.period)
    resolved = working_hours(tickets.filter(f.period.q("resolved_at")), "resolution", "team_id", f.period)
    names = dict(Team.objects.filter(pk__in=set(first) | set(resolved)).values_list("pk", "name"))
    table = Table("working_time", _("工作时间内的首次响应与解决时长（小时）"),
                  [_("班组"), _("首次响应单数"), _("平均首次响应"), _("解决单数"), _("平均解决")], chart="bar")
    for team in sorted(set(first) | set(resolved), key=lambda t: (t is None, names.get(t, ""))):
        fr, res = first.get(team), resolved.get(team)
        narrowed = f.narrow(team=team)
        table.rows.append([names.get(team) or str(_("未分班组")),
                           Cell(fr.n if fr else 0, narrowed.inbox_url("first_response", status="") if team else ""),
                           fr.hours if fr else None,
                           Cell(res.n if res else 0, narrowed.inbox_url("resolved", status="") if team else ""),
                           res.hours if res else None])
    return table


def sla_policy(user: User, f: ReportFilter, now: datetime) -> Table:
    """SLA clocks of the period's orders by policy (type and priority) and clock: due, met, breached."""
    rows = [{"ticket__type": r["key"][0], "ticket__priority": r["key"][1], **r}
            for r in sla_rows(report_facts(user, f, ("type", "priority"), now),
                              ("first_response", "next_response", "resolution"))]
    kinds = {"first_response": _("首次响应"), "next_response": _("后续响应"), "resolution": _("解决")}
    table = Table("sla_policy", _("各 SLA 策略达标率"),
                  [_("工单类型"), _("优先级"), _("计时"), _("到期"), _("达标"), _("超时"), _("达标率%")])
    for row in rows:
        narrowed = f.narrow(type=row["ticket__type"])
        met, breached = (narrowed.inbox_url("created", status="", priority=row["ticket__priority"],
                                            sla=f"{row['kind']}.{outcome}") for outcome in ("met", "breached"))
        table.rows.append([_label(TicketType.choices, row["ticket__type"]),
                           _label(Priority.choices, row["ticket__priority"]), str(kinds.get(row["kind"], row["kind"])),
                           row["due"], Cell(row["met"], met), Cell(row["due"] - row["met"], breached),
                           percent(row["met"], row["due"])])
    return table


def _tables() -> dict:
    from . import people

    return {
        "volume_channel": volume("channel"), "volume_type": volume("type"), "volume_hour": volume_hour,
        "volume_day": volume_day, "backlog": backlog, "working_time": working_time, "sla_policy": sla_policy,
        **people.TABLES,
    }


TABLES = ("volume_channel", "volume_type", "volume_hour", "volume_day", "backlog", "working_time", "sla_policy",
          "complaint_categories", "complaint_steps", "qa_agents", "qa_findings", "csat_trend", "csat_stars",
          "rating_stars", "teams", "agents")


def build(name: str, user: User, f: ReportFilter, now: datetime | None = None) -> Table:
    return _tables()[name](user, f, now or timezone.now())
