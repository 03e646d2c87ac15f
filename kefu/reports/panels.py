"""The dashboard and the monthly report load panel by panel: the page is a fast shell (filters and
placeholders) and each panel (the head figures, or one table with its chart) is its own request
(htmx, hx-trigger="load"), so no request builds every table. Without JavaScript the shell links to the
same page built whole (``?full=1``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy

from . import tables
from .filters import Period, from_params
from .summary import summary, summary_lines

KPIS = "kpis"
KPIS_PREVIOUS = "kpis_previous"  # the previous period's head figures: a second request, swapped in by id
MONTHLY_SUMMARY = "monthly_summary"
MONTHLY_PREVIOUS = "monthly_previous"  # the previous month's column: a second request, swapped in by id


def chart(table: tables.Table) -> dict | None:
    """The chart data of a table (first two numeric columns), each point with the list behind it."""
    if not table.chart or not table.rows:
        return None
    series = []
    for index, column in enumerate(table.columns[1:], start=1):
        values = [row[index] for row in table.rows]
        numbers = [getattr(v, "value", v) for v in values]
        if all(isinstance(n, int | float) or n is None for n in numbers):
            series.append({"name": str(column), "data": numbers, "urls": [getattr(v, "url", "") for v in values]})
    return {"type": table.chart, "labels": [str(row[0]) for row in table.rows], "series": series[:2]} if series else None


def kpi_context(user, f, now, previous: bool = True) -> dict:
    """The head figures; ``previous=False`` leaves the previous period's to their own request."""
    from .views import figure_links

    return {"current": summary(user, f, now),
            "previous": summary(user, f.with_period(f.period.previous()), now) if previous else None,
            "previous_period": f.period.previous(), "links": figure_links(f)}


def month_before(f):
    last = f.period.start - timedelta(days=1)
    return f.with_period(Period(last.replace(day=1), last))


def monthly_lines(user, f, now, previous: bool = True) -> list[tuple]:
    """This month's summary beside the previous month's (the monthly report's head table); with
    ``previous=False`` the previous month's column is left to its own request (None)."""
    current = summary_lines(summary(user, f, now))
    before = summary_lines(summary(user, month_before(f), now)) if previous else [(label, None) for label, _v in current]
    return [(a[0], a[1], b[1]) for a, b in zip(current, before, strict=True)]


@login_required
def panel(request, name: str):
    """One panel of the dashboard (?print=1: of the printable monthly report) as an HTML fragment."""
    from .views import table_names

    policy.require(policy.can_see_reports(request.user), _("您没有权限查看报表"))
    f = from_params(request.user, request.GET)
    now = timezone.now()
    context = {"f": f, "now": now, "query": f.query(), "month": request.GET.get("month", "")}
    if name == KPIS:
        return render(request, "reports/_kpis.html", {**context, **kpi_context(request.user, f, now, previous=False)})
    if name == KPIS_PREVIOUS:
        previous = f.period.previous()
        return render(request, "reports/_kpis_previous.html", {
            **context, "previous_period": previous, "previous": summary(request.user, f.with_period(previous), now)})
    if name == MONTHLY_SUMMARY:
        return render(request, "reports/_monthly_summary.html",
                      {**context, "lines": monthly_lines(request.user, f, now, previous=False), "later": True})
    if name == MONTHLY_PREVIOUS:
        lines = summary_lines(summary(request.user, month_before(f), now))
        return render(request, "reports/_monthly_previous.html", {**context, "lines": lines})
    if name not in table_names(request.user):
        raise Http404(_("没有这个报表"))
    t = tables.build(name, request.user, f, now)
    if request.GET.get("print"):
        return render(request, "reports/_print_table.html", {**context, "t": t})
    return render(request, "reports/_table.html", {**context, "t": t, "chart": chart(t)})
