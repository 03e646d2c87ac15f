"""Complaint pages: queues, the complaint workspace, registration, print/XLSX, analysis, the receipt link."""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import Department, DepartmentKind
from kefu.core.errors import DomainError, Forbidden
from kefu.core.qr import qr_svg
from kefu.customers.masking import mask_phone
from kefu.customers.selectors import customer_get
from kefu.security.audit import personal_data_read
from kefu.tickets.selectors import ticket_get

from . import exports, receipts
from . import services as cs
from .analysis import complaint_analysis
from .forms import ACTION_FORMS, ComplaintCreateForm, ReceiptForm, run_action
from .models import ACTIONS, MAIN_PATH, ComplaintCategory, ComplaintState
from .selectors import (
    QUEUES,
    available_actions,
    complaint_get,
    complaint_list,
    complaint_steps,
    deadline_rows,
    default_queue,
    is_overdue,
    main_action,
    next_step,
    queue_counts,
    received_between,
    visible_complaints,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request) -> dict:
    return {key: request.GET.get(key, "") for key in ("queue", "state", "department", "category", "overdue", "q")}


def _full(request) -> bool:
    return policy.can_view_personal_data(request.user)


def _filtered(request, filters: dict):
    queue = filters["queue"] if filters["queue"] in QUEUES else default_queue(request.user)
    filters["queue"] = queue
    return complaint_list(request.user, queue=queue, state=filters["state"], department=filters["department"],
                          category=filters["category"], overdue=filters["overdue"] == "1", q=filters["q"],
                          now=timezone.now())


@login_required
def complaint_index(request):
    filters = _filters(request)
    page = Paginator(_filtered(request, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queue_counts(request.user)
    return render(request, "complaints/list.html", {
        "page": page, "filters": filters, "states": ComplaintState.choices,
        "queues": [(key, label, counts[key]) for key, label in QUEUES.items()],
        "departments": Department.objects.filter(kind=DepartmentKind.RESPONSIBLE),
        "categories": ComplaintCategory.objects.all(), "now": timezone.now(),
        "can_create": policy.can_create_ticket(request.user),
    })


@login_required
def complaint_export(request):
    """XLSX of the filtered list (many complaints), same filters as the list page."""
    rows = _filtered(request, _filters(request))[:5000]
    customer_ids = _filtered(request, _filters(request)).values_list("ticket__customer_id", flat=True)[:5000]
    personal_data_read(request.user, list(customer_ids), where="complaint_export", request=request)
    return _xlsx(exports.list_workbook(rows), _("投诉清单-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"})


def _xlsx(workbook, filename: str) -> HttpResponse:
    response = HttpResponse(exports.as_bytes(workbook), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def complaint_create(request):
    """登记投诉: a new 投诉 work order plus its record, or (?ticket=NUMBER) the record of an existing one."""
    policy.require(policy.can_create_ticket(request.user), policy.COMPLAINT_ACTOR_REFUSALS["service"])
    ticket = ticket_get(request.user, request.GET["ticket"]) if request.GET.get("ticket") else None
    initial = {"source": "direct", "severity": "minor"}
    if ticket is not None:
        initial.update(subject=ticket.subject, customer_id=ticket.customer_id, channel=ticket.channel,
                       description="\n".join(m.body for m in ticket.messages.filter(kind="customer")[:3]),
                       contact_name=ticket.customer.name)
        # The order's customer is the contact; the number only for roles that see it (a masked one
        # would be stored as the contact phone).
        if policy.can_view_personal_data(request.user):
            initial["contact_phone"] = ticket.customer.primary_phone
        if ticket.account_manager:
            initial.update(source="account_manager", account_manager=ticket.account_manager)
    form = ComplaintCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = _register(request, form, ticket)
        except Forbidden:
            raise  # a refused role gets the middleware's 403 page, not a form to correct
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("投诉 %(number)s 已登记，您是首问负责人") % {"number": complaint.ticket.number})
            return redirect("complaints:detail", number=complaint.ticket.number)
    return render(request, "complaints/create.html", {"form": form, "ticket": ticket})


def _register(request, form: ComplaintCreateForm, ticket):
    data = form.cleaned_data
    customer = customer_get(request.user, data["customer_id"]) if ticket is None and data["customer_id"] else None
    new_customer = {"name": data["new_customer_name"], "phones": [data["new_customer_phone"]]}
    return cs.complaint_register(by=request.user, customer=customer, new_customer=new_customer, ticket=ticket,
                                 subject=data["subject"], channel=data["channel"], source=data["source"],
                                 account_manager=data["account_manager"], record=form.record())


@login_required
def complaint_detail(request, number: str):
    complaint = complaint_get(request.user, number)
    now = timezone.now()
    actions = available_actions(request.user, complaint)
    forms = {a.name: ACTION_FORMS[a.name][0](initial=_initial(complaint, a.name, full=_full(request)))
             for a in actions}
    # The reader's next step first and open; the other steps open to them folded below it.
    main = main_action(complaint.state, actions)
    receipt_url = _receipt_url(request, complaint)
    ordered = sorted(actions, key=lambda a: a is not main)
    return render(request, "complaints/detail.html", {
        "complaint": complaint, "ticket": complaint.ticket, "steps": complaint_steps(complaint),
        "path": _path(complaint), "actions": [(a, forms[a.name], a is main) for a in ordered],
        "next_step": next_step(complaint),
        "sections": _filled(exports.record_sections(complaint, full=_full(request))), "now": now,
        "overdue": is_overdue(complaint, now),
        "receipt_url": receipt_url, "receipt_qr": qr_svg(receipt_url) if receipt_url else "",
        "deadlines": deadline_rows(complaint, now),
    })


def _filled(sections: list) -> list:
    """The record section always; later sections only once their step has written something."""
    return sections[:1] + [(title, rows) for title, rows in sections[1:] if any(value for _l, value in rows)]


def _initial(complaint, action: str, *, full: bool) -> dict:
    """Form values to start from; full=False masks the contact phone (the service keeps the stored
    number when the masked value comes back unchanged)."""
    if action == "record":
        initial = {f: getattr(complaint, f) for f in cs.RECORD_FIELDS}
        if not full:
            initial["contact_phone"] = mask_phone(complaint.contact_phone)
        return initial
    if action == "dispatch" and complaint.dispatched_to_id:
        return {"department": complaint.dispatched_to_id}
    if action == "propose":  # a sent-back or second-round solution starts from the previous one
        return {"solution": complaint.solution}
    if action == "summarise":
        return {"root_cause": complaint.root_cause, "improvement": complaint.improvement,
                "owner": complaint.improvement_owner}
    return {}


def _path(complaint) -> list[tuple[str, str]]:
    """The step bar: each state of the main path as done / current / todo (invalid is its own ending)."""
    if complaint.state == ComplaintState.INVALID:
        return [(ComplaintState(s).label, "done") for s in MAIN_PATH[:2]] + [(ComplaintState.INVALID.label, "current")]
    reached = MAIN_PATH.index(complaint.state)
    return [(ComplaintState(s).label, "done" if i < reached else "current" if i == reached else "")
            for i, s in enumerate(MAIN_PATH)]


def _receipt_url(request, complaint) -> str:
    if complaint.state != ComplaintState.REPORTED or not complaint.receipt_nonce:
        return ""
    if not policy.can_act_on_complaint(request.user, complaint, "service"):
        return ""
    return request.build_absolute_uri(reverse("complaints:receipt", args=[receipts.receipt_token(complaint)]))


@login_required
@require_POST
def complaint_act(request, number: str, action: str):
    if action not in ACTIONS:
        raise Http404("未知的投诉步骤")
    complaint = complaint_get(request.user, number)
    try:
        form, result = run_action(action, complaint=complaint, by=request.user, data=request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if result is None:
            messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" if k in form.fields
                                             else " ".join(v) for k, v in form.errors.items()))
        else:
            messages.success(request, _("已完成「%(step)s」") % {"step": ACTIONS[action].title})
    return redirect("complaints:detail", number=number)


@login_required
def complaint_print(request, number: str):
    complaint = complaint_get(request.user, number)
    personal_data_read(request.user, [complaint.ticket.customer_id], where="complaint_print", request=request)
    return render(request, "complaints/print.html", {
        "complaint": complaint, "sections": exports.record_sections(complaint, full=_full(request)),
        "steps": complaint_steps(complaint),
        "printed_at": timezone.now()})


@login_required
def complaint_xlsx(request, number: str):
    complaint = complaint_get(request.user, number)
    personal_data_read(request.user, [complaint.ticket.customer_id], where="complaint_record", request=request)
    workbook = exports.record_workbook(complaint, complaint_steps(complaint), full=_full(request))
    return _xlsx(workbook, _("投诉处理记录表-%(number)s.xlsx") % {"number": number})


@login_required
def analysis(request):
    policy.require(policy.can_see_complaint_analysis(request.user), "只有主管、质检员和管理员可以查看投诉分析")
    period, errors = _period(request)
    if period[0] and period[1] and period[0] > period[1]:
        errors.append(_("起始日期晚于截止日期，这段时间没有数据"))
    result = complaint_analysis(received_between(visible_complaints(request.user), *period))
    charts = {
        "category": result.by_category, "object": result.by_object, "department": result.by_department,
        "party": result.by_party, "month": result.by_month,
        "steps": [(label, hours) for label, hours, _n in result.step_hours],
    }
    tables = [(_("投诉分类"), result.by_category), (_("投诉对象"), result.by_object),
              (_("处理部门"), result.by_department), (_("根本原因"), result.by_root_cause),
              (_("月份"), result.by_month), (_("重复投诉客户"), result.repeat_customers)]
    return render(request, "complaints/analysis.html", {
        "a": result, "charts": charts, "tables": tables, "period": period, "period_errors": errors,
    })


def _period(request) -> tuple[tuple[date | None, date | None], list[str]]:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (received date, both inclusive); a bad one is named and left out."""
    labels = {"from": _("起始日期"), "to": _("截止日期")}
    days: dict[str, date | None] = {}
    errors = []
    for key, label in labels.items():
        text = request.GET.get(key, "").strip()
        try:
            days[key] = date.fromisoformat(text) if text else None
            if days[key] and not 1900 <= days[key].year <= 2999:  # edges of `date` overflow in the query
                raise ValueError(text)
        except ValueError:
            days[key] = None
            errors.append(_("%(field)s「%(value)s」无效，应为 YYYY-MM-DD") % {"field": label, "value": text[:20]})
    return (days["from"], days["to"]), errors


def receipt(request, token: str):
    """The customer's receipt page: no login, no sidebar, mobile-first, in Chinese."""
    page = {"company": receipts.company()}
    try:
        complaint = receipts.receipt_open(token)
    except receipts.ReceiptLinkError as exc:
        return render(request, "complaints/receipt.html", {**page, "error": exc.message}, status=410)
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            receipts.complaint_receipt_by_link(token=token, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return render(request, "complaints/receipt.html", {**page, "done": True,
                                                               "satisfied": form.cleaned_data["satisfied"]})
    return render(request, "complaints/receipt.html", {**page, "complaint": complaint, "form": form})
