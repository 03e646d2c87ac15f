
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind, Team, User
from kefu.core.errors import DomainError
from kefu.core.extensions import badge_messages, render_ticket_panels
from kefu.customers.presenters import customer_dict, customer_phones, intake_for
from kefu.customers.selectors import customer_get
from kefu.customers.services import DuplicateCustomer, customer_create
from kefu.phrases.models import Phrase
from kefu.search import index as search
from kefu.search import text as search_text
from kefu.security.audit import personal_data_read

from . import services
from .forms import TicketCreateForm
from .inbox_views import inbox_filters, inbox_page, inbox_tools, row_labels
from .models import TRANSITIONS, Channel, Priority, Status, TicketType
from .overview import overview_figures
from .selectors import search_capped, ticket_get, ticket_history, ticket_list, ticket_snippets, ticket_thread

PAGE_SIZE = 50


@login_required
def inbox(request):
    view, filters, sort = inbox_filters(request.GET, request.user)
    qs = ticket_list(request.user, view=view, sort=sort, **filters)
    page = inbox_page(qs, sort, request.GET, PAGE_SIZE)
    words = search_text.plan_query(filters["q"]).highlight if filters["q"].strip() else ()
    snippets = ticket_snippets(page.object_list, words)
    rows = [(t, customer_phones(t.customer, request.user), snippets.get(t.pk, "")) for t in page.object_list]
    for t in page.object_list:  # one reverse() per row, not three
        t.detail_url = reverse("tickets:detail", args=[t.number])
    personal_data_read(request.user, [t.customer_id for t in page.object_list], where="inbox", request=request)
    context = {
        "page": page, "rows": rows, "view": view, "filters": filters, "sort": sort, "now": timezone.now(),
        "search_words": words, "labels": row_labels(), "search_capped": search_capped(qs),
        "rank_limit": search.RANK_LIMIT, "recent_window": search.SUBSTRING_WINDOW,
        "views": [("mine", _("我的工单")), ("team", _("班组队列")), ("unassigned", _("未分配")),
                  ("all", _("全部可见"))],
        "statuses": Status.choices, "types": TicketType.choices, "channels": Channel.choices,
        "priorities": Priority.choices,
        **inbox_tools(request, sort),
    }
    template = "tickets/_inbox_rows.html" if request.headers.get("HX-Request") else "tickets/inbox.html"
    return render(request, template, context)


@login_required
def ticket_detail(request, number: str):
    ticket = ticket_get(request.user, number)
    user = request.user
    personal_data_read(user, [ticket.customer_id], where="ticket_page", request=request)
    phrases = list(Phrase.objects.filter(is_active=True))
    context = {
        "ticket": ticket,
        "thread": badge_messages(ticket_thread(user, ticket)),
        "history": ticket_history(ticket),
        "phones": customer_phones(ticket.customer, user),
        "intake": intake_for(ticket.intake, user),
        "can_work": policy.can_work_ticket(user, ticket),
        "can_assign": policy.can_assign_ticket(user, ticket),
        "can_hand_over": policy.can_hand_over_first_responder(user),
        "next_statuses": [(s, Status(s).label) for s in Status.values if s in TRANSITIONS[ticket.status]],
        "phrases": phrases,
        "phrase_shortcuts": {p.shortcut: p.text for p in phrases if p.shortcut},
        **_staff_options(ticket),
        "teams": Team.objects.filter(is_active=True, department_id=ticket.department_id).select_related("department"),
        "departments": Department.objects.filter(kind=DepartmentKind.RESPONSIBLE, is_active=True),
        "related": ticket.related.all(),
        "merged_children": ticket.merged_tickets.all(),
        "types": TicketType.choices, "channels": Channel.choices, "priorities": Priority.choices,
        "now": timezone.now(),
        "panels": render_ticket_panels(ticket, user, request),
    }
    return render(request, "tickets/detail.html", context)


def _staff_options(ticket) -> dict:
    """The assign and hand-over selects' <option>s, escaped in one pass: a department of 400 agents made
    880 User objects and 2,000 template variables on every order page."""
    # Only the order's own department (the service refuses anyone else, tickets.services._check_staff), and
    # the current assignee even if they moved on: a team-only change keeps them rather than unassigning.
    staff = (policy.ticket_owners(ticket.department_id) | User.objects.filter(pk=ticket.assignee_id)).distinct()
    rows = [(pk, display or username, team) for pk, display, username, team in
            staff.order_by("display_name").values_list("pk", "display_name", "username", "team__name")]
    selected = mark_safe(" selected")  # noqa: S308  a constant
    return {
        "staff_assign_options": format_html_join("", '<option value="{}"{}>{}{}</option>', (
            (pk, selected if pk == ticket.assignee_id else "", name, f"（{team}）" if team else "")
            for pk, name, team in rows)),
        "staff_options": format_html_join("", '<option value="{}">{}</option>',
                                          ((pk, name) for pk, name, _team in rows)),
    }


def _pick(model, raw: str | None):
    """The object a form's select named, None when left empty; a malformed or unknown id is a 404."""
    if not raw:
        return None
    if not str(raw).isdigit():
        raise Http404("无效的编号")
    return get_object_or_404(model, pk=int(raw))


def _pick_customer(request):
    raw = request.GET.get("customer", "")
    if not raw.isdigit():
        raise Http404("无效的客户编号")
    return customer_get(request.user, int(raw))


def _back(ticket_number: str):
    return redirect("tickets:detail", number=ticket_number)


def _run(request, number: str, action, success: str):
    """Runs a service for a POST from the order page; domain errors become a message, nothing is written."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(number)


@login_required
@require_POST
def ticket_message(request, number: str):
    ticket = ticket_get(request.user, number)
    kind = request.POST.get("kind", "reply")
    # A reply is saved here; whether a channel delivered it shows on the message itself (待发送 / 已发送).
    label = {"reply": _("回复已保存"), "note": _("内部备注已保存"), "customer": _("客户来信已记录")}.get(kind, _("已保存"))
    return _run(request, number, lambda: services.ticket_add_message(
        ticket=ticket, by=request.user, kind=kind, body=request.POST.get("body", ""),
        attachments=request.FILES.getlist("attachments")), label)


@login_required
@require_POST
def ticket_status(request, number: str):
    ticket = ticket_get(request.user, number)
    return _run(request, number, lambda: services.ticket_set_status(
        ticket=ticket, by=request.user, status=request.POST.get("status", ""),
        version=request.POST.get("version") or None, note=request.POST.get("note", "")), _("状态已更新"))


@login_required
@require_POST
def ticket_fields(request, number: str):
    ticket = ticket_get(request.user, number)
    changes = {k: request.POST[k] for k in ("subject", "type", "channel", "priority") if k in request.POST}
    if "tags" in request.POST:
        changes["tags"] = [t for t in request.POST["tags"].replace("，", ",").split(",")]
    return _run(request, number, lambda: services.ticket_update(
        ticket=ticket, by=request.user, version=request.POST.get("version") or None, **changes), _("工单已更新"))


@login_required
@require_POST
def ticket_assign(request, number: str):
    ticket = ticket_get(request.user, number)
    assignee_id = request.POST.get("assignee")
    team_id = request.POST.get("team")
    assignee = _pick(User, assignee_id)
    team = _pick(Team, team_id)
    return _run(request, number, lambda: services.ticket_assign(
        ticket=ticket, by=request.user, assignee=assignee, team=team,
        version=request.POST.get("version") or None, note=request.POST.get("note", "")), _("已转派"))


@login_required
@require_POST
def ticket_dispatch(request, number: str):
    ticket = ticket_get(request.user, number)
    dept_id = request.POST.get("department")
    department = _pick(Department, dept_id)
    return _run(request, number, lambda: services.ticket_dispatch(
        ticket=ticket, by=request.user, department=department, note=request.POST.get("note", "")),
        _("已转派至责任部门"))


@login_required
@require_POST
def ticket_hand_over(request, number: str):
    ticket = ticket_get(request.user, number)
    to = _pick(User, request.POST.get("to"))
    if to is None:
        raise Http404("请选择新的负责人")
    return _run(request, number, lambda: services.ticket_hand_over(
        ticket=ticket, by=request.user, to=to, reason=request.POST.get("reason", ""),
        customer_told=request.POST.get("customer_told") == "on"), _("首问负责人已移交"))


def _other_ticket(request, field: str):
    """The work order named in a form field, or None with an error message when the user cannot see it."""
    other_number = request.POST.get(field, "").strip()
    try:
        return ticket_get(request.user, other_number)
    except Http404:
        messages.error(request, _("找不到工单 %(number)s") % {"number": other_number})
        return None


@login_required
@require_POST
def ticket_merge(request, number: str):
    source = ticket_get(request.user, number)
    target = _other_ticket(request, "into")
    if target is None:
        return _back(number)
    return _run(request, number, lambda: services.ticket_merge(source=source, target=target, by=request.user),
                _("已合并到 %(number)s") % {"number": target.number})


@login_required
@require_POST
def ticket_link(request, number: str):
    ticket = ticket_get(request.user, number)
    other = _other_ticket(request, "other")
    if other is None:
        return _back(number)
    return _run(request, number, lambda: services.ticket_link(ticket=ticket, other=other, by=request.user),
                _("已关联"))


@login_required
def ticket_create(request):
    policy.require(policy.can_create_ticket(request.user), _("只有客服人员可以创建工单"))
    form = TicketCreateForm(request.POST or None, initial={"customer_id": request.GET.get("customer")})
    customer = duplicate = None
    if request.GET.get("customer"):
        customer = _pick_customer(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["customer_id"]:
                    customer = customer_get(request.user, data["customer_id"])
                else:
                    customer = customer_create(
                        by=request.user, name=data["new_customer_name"],
                        salutation=data["new_customer_salutation"], phones=[data["new_customer_phone"]],
                        allow_duplicate=data["allow_duplicate"],
                    )
                ticket = services.ticket_create(
                    by=request.user, customer=customer, subject=data["subject"], body=data["body"],
                    type=data["type"], channel=data["channel"], priority=data["priority"],
                    account_manager=data["account_manager"], tags=data["tags"].replace("，", ",").split(","),
                    intake=form.intake(),
                )
        except DuplicateCustomer as exc:
            # Offer the existing record (one click re-submits with it) or an explicit "another person".
            duplicate = customer_dict(exc.existing, request.user)
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("工单 %(number)s 已创建，您是首问负责人") % {"number": ticket.number})
            return redirect("tickets:detail", number=ticket.number)
    return render(request, "tickets/create.html", {"form": form, "customer": customer, "duplicate": duplicate})


@login_required
def overview(request):
    """Supervisor's view of the department's day: load per agent, backlog, overdue, today's intake."""
    policy.require(policy.can_see_overview(request.user), _("只有主管、质检员和管理员可以查看部门概览"))
    now = timezone.now()
    context = {
        **overview_figures(request.user, now),
        "channel_labels": dict(Channel.choices),
        "type_labels": dict(TicketType.choices),
        "oldest": ticket_list(request.user, status="active", sort="due")[:10],
        "now": now,
        "inbox_url": reverse("tickets:inbox"),
    }
    return render(request, "tickets/overview.html", context)
