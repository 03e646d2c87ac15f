"""Rating pages: the period's list, an agent's rating with trend and adjustments, the evidence per
criterion, the XLSX export and the supervisor's adjustment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.errors import DomainError

from . import exports, records
from .criteria import BY_CODE
from .periods import Period, PeriodError, current_period, parse_period
from .presenters import criterion_rows, stars_text
from .selectors import adjustment_history, ratings_for, trend, visible_agents
from .services import bounds, rating_adjust


def _period(request) -> tuple[Period, str]:
    kind = request.GET.get("kind", "month")
    raw = request.GET.get("period", "")
    try:
        return (parse_period(raw) if raw else current_period(kind, timezone.localdate())), ""
    except PeriodError as exc:
        return current_period("month", timezone.localdate()), str(exc)


def _agent(request, username: str):
    agents = visible_agents(request.user, username)  # 404 for agents the user may not see
    return agents[0]


@login_required
def rating_list(request):
    policy.require(policy.can_see_ratings(request.user))
    period, error = _period(request)
    rows = ratings_for(request.user, period)
    names = {a.username: a.name for a in visible_agents(request.user)}
    for row in rows:
        row["name"] = names.get(row["agent"], row["agent"])
        row["rows"] = criterion_rows(row)
        row["stars_text"] = stars_text(row["stars"])
    return render(request, "ratings/list.html", {"period": period, "error": error, "rows": rows,
                                                 "previous": period.previous()})


@login_required
def rating_export(request):
    policy.require(policy.can_see_ratings(request.user))
    period, _error = _period(request)
    headings = {"agent": _("客服"), "period": _("期间"), "stars": _("星级"), "computed": _("计算星级"),
                "sample": _("处理工单数"), "value": _("数值"), "reason": _("调整原因"), "insufficient": _("样本不足")}
    data = exports.ratings_workbook(ratings_for(request.user, period), headings)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ratings-{period.code}.xlsx"'
    return response


@login_required
def rating_detail(request, username: str):
    agent = _agent(request, username)
    period, error = _period(request)
    rating = ratings_for(request.user, period, username)[0]
    history = trend(request.user, agent, period)
    return render(request, "ratings/detail.html", {
        "agent": agent, "period": period, "error": error, "rating": rating, "rows": criterion_rows(rating),
        "stars_text": stars_text(rating["stars"]), "trend": history,
        "adjustments": adjustment_history(request.user, agent),
        "can_adjust": policy.can_adjust_rating(request.user, agent),
    })


@login_required
def rating_evidence(request, username: str, period: str, criterion: str):
    agent = _agent(request, username)
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    if criterion not in BY_CODE:
        raise Http404("没有这项评定标准")
    rating = ratings_for(request.user, parsed, username)[0]
    row = next(r for r in criterion_rows(rating) if r["code"] == criterion)
    start, end = bounds(parsed)
    sections = [{"measure": m, "records": records.measure_records(m["code"], agent, start, end)}
                for m in row["measures"]]
    return render(request, "ratings/evidence.html", {
        "agent": agent, "period": parsed, "row": row, "sections": sections, "limit": records.LIMIT,
        "levels": [(stars, _(text)) for stars, text in sorted(BY_CODE[criterion].levels.items(), reverse=True)],
    })


@login_required
@require_POST
def rating_adjust_view(request, username: str, period: str):
    agent = _agent(request, username)
    try:
        parsed = parse_period(period)
        stars = int(request.POST.get("stars", ""))
    except (PeriodError, ValueError):
        messages.error(request, _("请选择 1 到 5 星"))
    else:
        try:
            rating_adjust(agent=agent, period=parsed, stars=stars, reason=request.POST.get("reason", ""),
                          by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("星级已调整"))
    return redirect(f"/ratings/{agent.username}/?period={period}")


