"""Dashboard tables about people and their customers: team and agent comparison, QA, satisfaction,
star ratings and complaints. Each number links to the list it counts (the inbox, or the QA results list
with the same selector)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu import policy
from kefu.accounts.models import Team, User
from kefu.complaints.analysis import step_hours
from kefu.qa.models import Finding
from kefu.ratings.models import RatingSnapshot
from kefu.sla.outcomes import percent

from .facts import report_facts, sla_rows
from .filters import Period, ReportFilter
from .summary import (
    QA_CHANNELS,
    complaints_received,
    csat_answers,
    qa_results,
    scoped_tickets,
)
from .tables import Cell, Table
from .worktime import working_hours


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)


def qa_url(f: ReportFilter, **extra) -> str:
    params = {"start": f.period.start.isoformat(), "end": f.period.end.isoformat(), "team": f.team or "",
              "channel": QA_CHANNELS.get(f.channel, ""), **extra}
    if f.agent and "agent" not in extra:
        params["agent"] = User.objects.filter(pk=f.agent).values_list("username", flat=True).first() or ""
    return "/qa/results/?" + urlencode({k: v for k, v in params.items() if v})


def comparison(kind: str):
    """One row per agent (handler) or team: volume, SLA shares, working times, satisfaction and QA."""
    key = "assignee_id" if kind == "agent" else "team_id"

    def build(user: User, f: ReportFilter, now: datetime) -> Table:
        facts = report_facts(user, f, (key,), now)  # counts and SLA: day rollup + live (facts.py)
        created = {k[0]: {"n": v.created, "open": v.open} for k, v in facts.items() if v.created}
        tickets = scoped_tickets(user, f)
        resolved = {k[0]: v.resolved for k, v in facts.items() if v.resolved}
        sla = {(r["key"][0], r["kind"]): r for r in sla_rows(facts, ("first_response", "resolution"))}
        first = working_hours(tickets.filter(f.period.q("first_response_at")), "first_response", key, f.period)
        solved = working_hours(tickets.filter(f.period.q("resolved_at")), "resolution", key, f.period)
        csat = dict(csat_answers(user, f).values_list(f"survey__ticket__{key}").annotate(a=Avg("score")).order_by())
        qa_key = "agent_id" if kind == "agent" else "team_id"
        qa = dict(qa_results(user, f).values_list(qa_key).annotate(a=Avg("score")).order_by())
        ids = [i for i in set(created) | set(resolved) | set(csat) | set(qa) if i is not None]
        model = User if kind == "agent" else Team
        names = {o.pk: (o.name if kind == "agent" else o.name) for o in model.objects.filter(pk__in=ids)}
        title = _("客服对比") if kind == "agent" else _("班组对比")
        table = Table(f"{kind}s", title, [_("客服") if kind == "agent" else _("班组"), _("新建"), _("解决"), _("未完结"),
                                          _("首次响应达标率%"), _("解决达标率%"), _("平均首次响应（工作小时）"),
                                          _("平均解决（工作小时）"), _("满意度均分"), _("质检均分")], chart="bar")
        for pk in sorted(ids, key=lambda i: names.get(i, "")):
            narrowed = f.narrow(**{"agent" if kind == "agent" else "team": pk})
            row = created.get(pk, {})
            fr, res = sla.get((pk, "first_response"), {}), sla.get((pk, "resolution"), {})
            table.rows.append([
                names.get(pk, str(pk)), Cell(row.get("n", 0), narrowed.inbox_url("created")),
                Cell(resolved.get(pk, 0), narrowed.inbox_url("resolved")),
                Cell(row.get("open", 0), narrowed.inbox_url("created", status="active")),
                percent(fr.get("met", 0), fr.get("due", 0)), percent(res.get("met", 0), res.get("due", 0)),
                first[pk].hours if pk in first else None, solved[pk].hours if pk in solved else None,
                _round(csat.get(pk)), _round(qa.get(pk))])
        return table
    return build


def complaint_categories(user: User, f: ReportFilter, now: datetime) -> Table:
    complaints = complaints_received(user, f)
    rows = complaints.values("category_id", "category__name").annotate(n=Count("id")).order_by("-n", "category__name")
    table = Table("complaint_categories", _("投诉分类"), [_("分类"), _("投诉数")], chart="pie")
    for row in rows:
        url = f.inbox_url("complaint_received", status="", category=row["category_id"]) if row["category_id"] else ""
        table.rows.append([row["category__name"] or str(_("未填写")), Cell(row["n"], url)])
    return table


def complaint_steps(user: User, f: ReportFilter, now: datetime) -> Table:
    table = Table("complaint_steps", _("投诉各步骤平均用时（小时）"), [_("步骤"), _("平均小时"), _("次数")], chart="bar")
    for title, hours, n in step_hours(complaints_received(user, f)):
        table.rows.append([str(title), hours, n])
    return table


def qa_agents(user: User, f: ReportFilter, now: datetime) -> Table:
    rows = (qa_results(user, f).values("agent_id", "agent__username", "agent__display_name")
            .annotate(n=Count("id"), avg=Avg("score"), fatal=Count("id", filter=Q(fatal=True)))
            .order_by("agent__username"))
    table = Table("qa_agents", _("质检得分"), [_("客服"), _("质检数"), _("平均分"), _("致命项")], chart="bar")
    for row in rows:
        name = row["agent__display_name"] or row["agent__username"] or str(_("未关联客服"))
        url = qa_url(f, agent=row["agent__username"]) if row["agent__username"] else ""
        table.rows.append([name, Cell(row["n"], url), _round(row["avg"]),
                           Cell(row["fatal"], qa_url(f, agent=row["agent__username"], fatal="1") if url else "")])
    return table


def qa_findings(user: User, f: ReportFilter, now: datetime) -> Table:
    rows = (Finding.objects.filter(inspection__in=qa_results(user, f).values("id")).values("rule", "category")
            .annotate(hits=Count("id"), n=Count("inspection_id", distinct=True)).order_by("-hits", "rule")[:15])
    table = Table("qa_findings", _("质检高频问题"), [_("规则"), _("类别"), _("命中次数"), _("涉及会话")], chart="bar")
    for row in rows:
        table.rows.append([row["rule"], row["category"], row["hits"], Cell(row["n"], qa_url(f, rule=row["rule"]))])
    return table


def csat_trend(user: User, f: ReportFilter, now: datetime) -> Table:
    """Satisfaction per day (per week from Monday when the period is longer than 62 days)."""
    tz = timezone.get_current_timezone()
    rows = {r["d"]: r for r in csat_answers(user, f).annotate(d=TruncDate("survey__answered_at", tzinfo=tz))
            .values("d").annotate(n=Count("survey__ticket", distinct=True), s=Avg("score")).order_by()}
    weekly = f.period.days > 62
    table = Table("csat_trend", _("满意度趋势"), [_("周") if weekly else _("日期"), _("回答数"), _("平均分")], chart="line")
    day = f.period.start - timedelta(days=f.period.start.weekday()) if weekly else f.period.start
    while day <= f.period.end:
        last = min(day + timedelta(days=6 if weekly else 0), f.period.end)
        span = Period(max(day, f.period.start), last)
        # a week's figure from its days: answers are counted per order within each day
        days = [rows[d] for d in span.dates() if d in rows]
        n = sum(r["n"] for r in days)
        avg = sum(r["s"] * r["n"] for r in days) / n if n else None
        count = csat_answers(user, f.with_period(span)).values("survey__ticket").distinct().count() if weekly else n
        table.rows.append([span.start.isoformat(), Cell(count, f.inbox_url("survey_answered", status="", period=span)),
                           _round(avg)])
        day = last + timedelta(days=1)
    return table


def csat_stars(user: User, f: ReportFilter, now: datetime) -> Table:
    counts = dict(csat_answers(user, f).values_list("score").annotate(n=Count("survey__ticket", distinct=True))
                  .order_by())
    table = Table("csat_stars", _("满意度星级分布"), [_("星级"), _("订单数")], chart="bar")
    for score in range(5, 0, -1):
        table.rows.append(["★" * score, Cell(counts.get(score, 0),
                                             f.inbox_url("survey_answered", status="", score=score))])
    return table


def rating_stars(user: User, f: ReportFilter, now: datetime) -> Table:
    """Agents' star ratings (kefu.ratings) of the month the period ends in, as stored snapshots."""
    code = f"{f.period.end:%Y-%m}"
    if policy.report_fixed_agent(user) is not None:
        people = User.objects.filter(pk=user.pk)
    else:
        people = User.objects.filter(department_id=f.department) if f.department else User.objects.all()
    if f.team:
        people = people.filter(team_id=f.team)
    counts = dict(RatingSnapshot.objects.filter(period=code, agent__in=people).values_list("stars")
                  .annotate(n=Count("id")).order_by())
    table = Table("rating_stars", _("客服星级分布（%(month)s）") % {"month": code}, [_("星级"), _("人数")], chart="bar")
    for stars in range(5, 0, -1):
        table.rows.append(["★" * stars, Cell(counts.get(stars, 0), f"/ratings/?{urlencode({'period': code})}")])
    return table


TABLES = {"complaint_categories": complaint_categories, "complaint_steps": complaint_steps, "qa_agents": qa_agents,
          "qa_findings": qa_findings, "csat_trend": csat_trend, "csat_stars": csat_stars, "rating_stars": rating_stars,
          "teams": comparison("team"), "agents": comparison("agent")}
