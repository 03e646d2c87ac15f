"""The report summary (GET /api/v1/reports/summary and the dashboard's head figures): one aggregate
query per block, over indexed columns, for the orders the user's role may count.

Definitions (docs/reports.md): *created* orders were created in the period; *open* are those of them not
resolved or closed now; *resolved* orders were resolved in the period. SLA shares are over the first
response and resolution clocks of the period's created orders that are due (kefu.sla.outcomes). CSAT is
the overall satisfaction answers (1-5) given in the period about the orders; QA counts the current
inspections of conversations started in the period; complaints are those received in the period, with
the shares of their 24-hour reply and 5-working-day implementation clocks met.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Avg, Count
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.complaints.analysis import implement_share, reply_share
from kefu.complaints.models import Complaint
from kefu.qa import selectors as qa_selectors
from kefu.qa.models import Inspection
from kefu.sla.models import SlaClock
from kefu.sla.outcomes import outcome_counts, percent
from kefu.surveys.models import Answer
from kefu.tickets.models import Ticket

from .filters import ReportFilter
from .rollup import prefixed

# Ticket channels that QA conversations have (kefu.qa.models.Channel); others have no QA results.
QA_CHANNELS = {"phone": "voice", "chat": "chat"}
CSAT_CODE = "satisfaction"


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def scoped_tickets(user: User, f: ReportFilter):
    return Ticket.objects.filter(policy.report_ticket_scope(user)).filter(f.tickets_q())


def created_orders(user: User, f: ReportFilter):
    return scoped_tickets(user, f).filter(f.period.q("created_at"))


def csat_answers(user: User, f: ReportFilter):
    # The order's scope and filters as conditions on the joined order (not `ticket IN (subquery)`, which
    # PostgreSQL ran as a second probe of the order table per answer: a third of the read at 1M orders).
    scope = (prefixed(policy.report_ticket_scope(user), "survey__ticket__")
             & prefixed(f.tickets_q(), "survey__ticket__"))
    return Answer.objects.filter(scope, f.period.q("survey__answered_at"), code=CSAT_CODE, score__isnull=False)


def qa_results(user: User, f: ReportFilter):
    """The same selector as the QA results list (/qa/results/), so its drill-down shows these rows."""
    if f.channel and f.channel not in QA_CHANNELS:
        return Inspection.objects.none()
    agent = User.objects.filter(pk=f.agent).values_list("username", flat=True).first() if f.agent else ""
    qs = qa_selectors.results(user, agent=agent or "", team=f.team, channel=QA_CHANNELS.get(f.channel, ""),
                              start=f.period.start, end=f.period.end)
    if f.department and policy.report_fixed_department(user) is None:  # admins choosing a department
        qs = qs.filter(agent__department_id=f.department)
    return qs


def complaints_received(user: User, f: ReportFilter):
    return Complaint.objects.filter(f.period.q("received_at"), ticket__in=scoped_tickets(user, f).values("pk"))


def sla_counts(user: User, f: ReportFilter, now: datetime) -> dict[str, dict]:
    clocks = SlaClock.objects.filter(ticket__in=created_orders(user, f).values("pk"),
                                     kind__in=["first_response", "resolution"])
    return {row["kind"]: row for row in outcome_counts(clocks, now, ("kind",))}


def summary(user: User, f: ReportFilter, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    from .facts import report_facts

    facts = report_facts(user, f, (), now)[()]  # created, open, resolved and SLA: rollup + live (facts.py)
    orders = {"created": facts.created, "open": facts.open}
    resolved = facts.resolved
    sla = {kind: {"due": facts.due[kind], "met": facts.met[kind]} for kind in ("first_response", "resolution")}
    csat = csat_answers(user, f).aggregate(answered=Count("survey__ticket", distinct=True), avg=Avg("score"))
    qa = qa_results(user, f).aggregate(inspected=Count("id"), avg=Avg("score"))
    complaints = complaints_received(user, f)
    reply, implement = reply_share(complaints, now), implement_share(complaints, now)

    def met(kind: str) -> float | None:
        row = sla.get(kind, {})
        return percent(row.get("met", 0), row.get("due", 0))

    return {
        "orders": {"created": orders["created"], "resolved": resolved, "open": orders["open"]},
        "sla": {"first_response_met_pct": met("first_response"), "resolution_met_pct": met("resolution")},
        "csat": {"answered": csat["answered"], "avg": _round(csat["avg"])},
        "qa": {"inspected": qa["inspected"], "avg_score": _round(qa["avg"])},
        "complaints": {"received": complaints.count(), "replied_in_24h_pct": reply.percent,
                       "implemented_in_5wd_pct": implement.percent},
    }


def summary_lines(figures: dict) -> list[tuple[str, object]]:
    """The summary as labelled lines in the reader's language (the XLSX sheet, the mail, the notice)."""
    from django.utils.translation import gettext as _

    o, s, c, q, p = (figures[k] for k in ("orders", "sla", "csat", "qa", "complaints"))
    return [(_("新建工单"), o["created"]), (_("已解决工单"), o["resolved"]), (_("其中仍未完结"), o["open"]),
            (_("首次响应达标率%"), s["first_response_met_pct"]), (_("解决达标率%"), s["resolution_met_pct"]),
            (_("满意度回答数"), c["answered"]), (_("满意度均分"), c["avg"]), (_("质检数"), q["inspected"]),
            (_("质检均分"), q["avg_score"]), (_("投诉受理数"), p["received"]),
            (_("24小时内答复率%"), p["replied_in_24h_pct"]), (_("5个工作日内实施率%"), p["implemented_in_5wd_pct"])]
