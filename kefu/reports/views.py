"""The supervisor's report pages: dashboards with drill-down, table JSON/XLSX, the order list XLSX, the
printable monthly report, the wall view and scheduled-report subscriptions."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Department, Team
from kefu.core.errors import DomainError
from kefu.security.audit import personal_data_read
from kefu.tickets import exports as order_exports
from kefu.tickets.models import Channel, TicketType

from . import orders, panels, tables
from . import wall as wall_figures
from .exports import tables_workbook
from .filters import BadFilter, from_params
from .models import Frequency, ReportDelivery, Subscription
from .schedule import XLSX, subscription_delete, subscription_save
from .summary import summary, summary_lines

DEPARTMENT_ONLY = ("teams", "rating_stars")
MONTHLY_TABLES = ("volume_channel", "volume_type", "sla_policy", "working_time", "complaint_categories",
                  "complaint_steps", "qa_findings", "csat_stars", "teams", "agents")


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def table_names(user) -> list[str]:
    return [n for n in tables.TABLES if policy.can_see_department_reports(user) or n not in DEPARTMENT_ONLY]


def _choices(user) -> dict:
    department_wide = policy.can_see_department_reports(user)
    fixed = policy.report_fixed_department(user)
    teams = Team.objects.select_related("department").order_by("name")
    if fixed:
        teams = teams.filter(department_id=fixed)
    return {"teams": teams if department_wide else [],
            "agents": policy.report_filter_people(user).order_by("display_name"),
            "departments": Department.objects.order_by("name") if fixed is None and department_wide else [],
            "channels": Channel.choices, "types": TicketType.choices}


def _presets(today: date) -> list[tuple[str, str, str]]:
    first = today.replace(day=1)
    last_end = first - timedelta(days=1)
    return [(_("本月"), first.isoformat(), today.isoformat()),
            (_("上月"), last_end.replace(day=1).isoformat(), last_end.isoformat()),
            (_("近7天"), (today - timedelta(days=6)).isoformat(), today.isoformat()),
            (_("近30天"), (today - timedelta(days=29)).isoformat(), today.isoformat())]


def figure_links(f) -> dict:
    """The lists behind the summary's numbers (the inbox, or QA results)."""
    from .people import qa_url

    return {"created": f.inbox_url("created", status=""), "resolved": f.inbox_url("resolved", status=""),
            "open": f.inbox_url("created", status="active"),
            "fr_met": f.inbox_url("created", status="", sla="first_response.met"),
            "fr_breached": f.inbox_url("created", status="", sla="first_response.breached"),
            "res_met": f.inbox_url("created", status="", sla="resolution.met"),
            "res_breached": f.inbox_url("created", status="", sla="resolution.breached"),
            "csat": f.inbox_url("survey_answered", status=""), "qa": qa_url(f),
            "complaints": f.inbox_url("complaint_received", status=""),
            "complaint_reply": f.inbox_url("complaint_received", status="", sla="complaint_reply.met"),
            "complaint_implement": f.inbox_url("complaint_received", status="", sla="complaint_implement.met")}


@login_required
def dashboard(request):
    """The page shell: filters and one placeholder per panel, each loaded by its own request
    (kefu/reports/panels.py); ``?full=1`` (the no-JavaScript link) builds every panel in this request."""
    policy.require(policy.can_see_reports(request.user), _("您没有权限查看报表"))
    f = from_params(request.user, request.GET)
    now = timezone.now()
    names = table_names(request.user)
    context = {"f": f, "now": now, "names": names, "full": bool(request.GET.get("full")),
               "previous_period": f.period.previous(), "presets": _presets(timezone.localdate()), "query": f.query(),
               "department_wide": policy.can_see_department_reports(request.user), **_choices(request.user)}
    if context["full"]:
        built = [tables.build(name, request.user, f, now) for name in names]
        context.update(panels.kpi_context(request.user, f, now), tables=built,
                       panels=[{"t": t, "chart": panels.chart(t)} for t in built])
    return render(request, "reports/dashboard.html", context)


@login_required
def table(request, name: str):
    """One dashboard table as JSON (default) or XLSX (?format=xlsx), with the page's filters."""
    if name not in table_names(request.user) and name != "all":
        raise Http404(_("没有这个报表"))
    f = from_params(request.user, request.GET)
    names = table_names(request.user) if name == "all" else [name]
    built = [tables.build(n, request.user, f) for n in names]
    if request.GET.get("format") == "xlsx":
        figures = summary_lines(summary(request.user, f)) if name == "all" else None
        filename = f"{_('统计报表')}-{name}-{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}.xlsx"
        return _xlsx(order_exports.as_bytes(tables_workbook(built, summary=figures)), filename)
    data = [{"name": t.name, "title": str(t.title), "columns": [str(c) for c in t.columns], "rows": t.plain_rows()}
            for t in built]
    return JsonResponse(data[0] if name != "all" else {"tables": data}, json_dumps_params={"ensure_ascii": False})


@login_required
def orders_export(request):
    """The period's work orders (created in it), one row per order: key times and outcome."""
    f = from_params(request.user, request.GET)
    wb, customer_ids = orders.orders_workbook(request.user, f)
    personal_data_read(request.user, customer_ids, where="report_orders_export", request=request)
    return _xlsx(order_exports.as_bytes(wb), f"{_('工单明细')}-{f.period.start:%Y%m%d}-{f.period.end:%Y%m%d}.xlsx")


@login_required
def monthly(request):
    """The printable monthly report (?month=YYYY-MM, default last month)."""
    policy.require(policy.can_see_reports(request.user), _("您没有权限查看报表"))
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        first = date.fromisoformat(f"{raw}-01") if raw else (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    except ValueError:
        raise BadFilter(_("月份格式应为 YYYY-MM"), field="month") from None
    except OverflowError:  # 9999-12 has no next month to count back from
        raise BadFilter(_("日期超出范围"), field="month") from None
    params = request.GET.copy()
    params["from"], params["to"] = first.isoformat(), end.isoformat()
    f = from_params(request.user, params)
    now = timezone.now()
    context = {"f": f, "month": f"{first:%Y-%m}", "now": now, "query": f.query(), "names": MONTHLY_TABLES,
               "full": bool(request.GET.get("full"))}
    context["names"] = [n for n in MONTHLY_TABLES if n in table_names(request.user)]
    if context["full"]:
        context.update(lines=panels.monthly_lines(request.user, f, now),
                       tables=[tables.build(n, request.user, f, now) for n in context["names"]])
    return render(request, "reports/monthly.html", context)


@login_required
def wall(request):
    policy.require(policy.can_see_department_reports(request.user), _("只有主管和管理员可以查看大屏"))
    context = {"w": wall_figures.figures(request.user, timezone.now())}
    template = "reports/_wall.html" if request.headers.get("HX-Request") else "reports/wall.html"
    return render(request, template, context)


@login_required
def subscriptions(request):
    policy.require(policy.can_subscribe_reports(request.user), _("只有主管和管理员可以订阅定期报表"))
    if request.method == "POST":
        try:
            subscription_save(user=request.user, frequency=request.POST.get("frequency", ""),
                              by_email=bool(request.POST.get("by_email")), in_app=bool(request.POST.get("in_app")))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("订阅已保存"))
        return redirect("reports:subscriptions")
    return render(request, "reports/subscriptions.html", {
        "subscriptions": Subscription.objects.filter(user=request.user), "frequencies": Frequency.choices,
        "deliveries": ReportDelivery.objects.filter(subscription__user=request.user).defer("xlsx")[:20]})


@login_required
@require_POST
def subscription_remove(request, pk: int):
    subscription_delete(user=request.user, pk=pk)
    return redirect("reports:subscriptions")


@login_required
def delivery_download(request, pk: int):
    delivery = get_object_or_404(ReportDelivery, pk=pk, subscription__user=request.user)
    return _xlsx(bytes(delivery.xlsx), f"{_('统计报表')}-{delivery.period}.xlsx")
