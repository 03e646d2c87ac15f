"""The supervisor's pages: campaigns (list, create, edit, review all or sampled, archive, report with
XLSX), scripts and the do-not-call list. Thin: each POST calls one service and shows its message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import User
from kefu.complaints.models import ComplaintCategory
from kefu.core.errors import DomainError
from kefu.security.audit import personal_data_read, record
from kefu.security.models import EventKind
from kefu.sla.models import Calendar
from kefu.tickets.models import TicketType

from . import exports
from .models import CallbackScript, ReviewState, SourceKind, TaskState
from .report import campaign_report
from .selectors import campaign_get, campaign_list, task_get
from .services import campaign_archive, campaign_create, campaign_update, task_review

SOURCE_CHOICES = [(k, label) for k, label in SourceKind.choices if k != SourceKind.LOW_SCORES]


@login_required
def campaigns(request):
    policy.require(policy.can_manage_campaigns(request.user))
    return render(request, "callbacks/campaigns.html", {"campaigns": campaign_list(request.user)})


def _int(value: str, field: str, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except ValueError:
        raise DomainError(_("请填写整数"), field=field) from None


def _create_args(post, user: User) -> dict:
    agents = post.getlist("agents")
    capacities = {name: post.get(f"weight_{name}") or 1 for name in agents}
    source = {"kind": post.get("kind"), "from": post.get("from") or None, "to": post.get("to") or None,
              "types": post.getlist("types"), "tags": [t for t in post.get("tags", "").replace("，", ",").split(",")],
              "levels": [v for v in post.get("levels", "").replace("，", ",").split(",") if v.strip()]}
    return {"name": post.get("name", ""), "source": source, "script": _int(post.get("script"), "script", 0),
            "agents": agents, "capacities": capacities, "windows": post.get("windows", ""),
            "exclude_called_within_days": _int(post.get("exclude_days"), "exclude_days", 30),
            "review_percent": _int(post.get("review_percent"), "review_percent", 20),
            "calendar": Calendar.objects.filter(pk=_int(post.get("calendar"), "calendar", 0)).first()}


@login_required
def campaign_new(request):
    policy.require(policy.can_manage_campaigns(request.user), _("只有客服主管或管理员可以创建回访计划"))
    error, field = "", ""
    if request.method == "POST":
        try:
            campaign = campaign_create(by=request.user, **_create_args(request.POST, request.user))
        except DomainError as exc:
            error, field = exc.message, exc.field or ""
        else:
            messages.success(request, _("回访计划已创建，共 %(n)s 位回访对象") % {"n": campaign.tasks.count()})
            return redirect("callbacks:campaign", pk=campaign.pk)
    return render(request, "callbacks/campaign_new.html", {
        "sources": SOURCE_CHOICES, "types": TicketType.choices,
        "categories": ComplaintCategory.objects.filter(is_active=True), "scripts": CallbackScript.objects.filter(is_active=True),
        "agents": policy.callback_staff(request.user.department_id), "calendars": Calendar.objects.all(), "posted": request.POST, "error": error, "error_field": field,
        "chosen_agents": request.POST.getlist("agents"), "chosen_types": request.POST.getlist("types"),
    }, status=400 if error else 200)


@login_required
def campaign_detail(request, pk: int):
    campaign = campaign_get(request.user, pk)
    if request.method == "POST":
        try:
            rules = {"no_answer": {"max": request.POST.get("no_answer_max"), "hours": request.POST.get("no_answer_hours")},
                     "busy": {"max": request.POST.get("busy_max"), "hours": request.POST.get("busy_hours")}}
            campaign_update(campaign=campaign, by=request.user, name=request.POST.get("name", ""),
                            windows=request.POST.get("windows", ""), retry_rules=rules,
                            review_percent=_int(request.POST.get("review_percent"), "review_percent", 0))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("回访计划已保存"))
        return redirect("callbacks:campaign", pk=campaign.pk)
    report = campaign_report(campaign)
    if policy.can_view_personal_data(request.user):
        personal_data_read(request.user, [t.customer_id for t in report["tasks"]], where="callback_campaign",
                           request=request)
    windows = ",".join(f"{a}-{b}" for a, b in campaign.windows)
    return render(request, "callbacks/campaign.html", {
        "campaign": campaign, "report": report, "windows": windows, "rules": campaign.retry_rules,
        "can_edit": policy.can_edit_campaign(request.user, campaign),
        "to_review": sum(t.review == ReviewState.PENDING for t in report["tasks"]),
    })


@login_required
def campaign_review(request, pk: int):
    """主管审阅: the callbacks chosen for review (sampled, plus every unhappy customer), or all done ones."""
    campaign = campaign_get(request.user, pk)
    show_all = request.GET.get("all") == "1"
    tasks = campaign.tasks.filter(state=TaskState.DONE).select_related("customer", "assignee", "follow_up", "ticket")
    if not show_all:
        tasks = tasks.filter(review=ReviewState.PENDING)
    return render(request, "callbacks/review.html", {"campaign": campaign, "tasks": tasks.order_by("completed_at"),
                                                     "show_all": show_all,
                                                     "can_edit": policy.can_edit_campaign(request.user, campaign)})


@login_required
@require_POST
def task_review_view(request, task_id: int):
    task = task_get(request.user, task_id)
    try:
        task_review(task=task, by=request.user, verdict=request.POST.get("verdict", ""), note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已审阅：%(name)s") % {"name": task.customer.name})
    suffix = "?all=1" if request.POST.get("all") == "1" else ""
    return redirect(f"/callbacks/campaigns/{task.campaign_id}/review/{suffix}")


@login_required
@require_POST
def campaign_archive_view(request, pk: int):
    campaign = campaign_get(request.user, pk)
    try:
        campaign_archive(campaign=campaign, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("回访计划已归档"))
    return redirect("callbacks:campaign", pk=campaign.pk)


@login_required
def campaign_export(request, pk: int):
    campaign = campaign_get(request.user, pk)
    report = campaign_report(campaign)
    if policy.can_view_personal_data(request.user):
        record(EventKind.PERSONAL_DATA_EXPORTED, actor=request.user, request=request, where="callback_campaign",
               campaign=campaign.pk, rows=len(report["tasks"]))
    data = exports.campaign_workbook(campaign, report, request.user)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="callbacks-{campaign.pk}.xlsx"'
    return response

