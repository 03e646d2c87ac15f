"""Inbox work beyond reading: bulk actions, 领取, saved views, the XLSX of the filtered list."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.core.keyset import COUNT_CAP, capped_count, keyset_page
from kefu.core.pagination import CappedPaginator
from kefu.security.audit import personal_data_read

from . import drill, exports
from .bulk import ticket_claim, tickets_bulk
from .models import Channel, Priority, SavedView, Status, TicketType
from .saved_views import FILTER_KEYS, saved_view_delete, saved_view_save
from .selectors import INBOX_VIEWS, KEYSETS, ticket_get, ticket_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/tickets/"


@login_required
@require_POST
def inbox_bulk(request):
    numbers = request.POST.getlist("numbers")
    tickets = [ticket_get(request.user, n) for n in dict.fromkeys(numbers)]
    action = request.POST.get("action", "")
    assignee = None
    if action == "assign" and request.POST.get("assignee"):
        assignee = User.objects.filter(pk=request.POST["assignee"], is_active=True).first()
    try:
        done = tickets_bulk(by=request.user, tickets=tickets, action=action, assignee=assignee,
                            status=request.POST.get("status", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理 %(n)s 张工单") % {"n": len(done)})
    return redirect(_back(request))


@login_required
@require_POST
def inbox_claim(request, number: str):
    ticket = ticket_get(request.user, number)
    try:
        ticket_claim(ticket=ticket, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已领取工单 %(number)s") % {"number": number})
    return redirect(_back(request))


@login_required
@require_POST
def saved_view_create(request):
    try:
        saved_view_save(user=request.user, name=request.POST.get("name", ""), query=request.POST.get("query", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("视图已保存"))
    return redirect(_back(request))


@login_required
@require_POST
def saved_view_remove(request, pk: int):
    saved_view_delete(user=request.user, pk=pk)
    return redirect(_back(request))


def inbox_filters(params: QueryDict, user) -> tuple[str, dict, str]:
    """view, filters and sort from a query string, with the inbox's defaults (shared with the page)."""
    view = params.get("view") or policy.default_inbox_view(user)
    view = view if view in INBOX_VIEWS else "all"
    filters = {key: params.get(key, "") for key in ("status", "type", "channel", "priority", "q")}
    if "status" not in params:
        filters["status"] = "active"
    filters["drill"] = drill.parse(params)  # a report's drill-down (team, agent, period ...)
    sort = params.get("sort") or ("relevance" if filters["q"].strip() else "due")
    return view, filters, sort


@login_required
def inbox_export(request):
    """XLSX of the list as filtered on the page (same selector, same visibility), newest rules first."""
    view, filters, sort = inbox_filters(request.GET, request.user)
    rows = list(ticket_list(request.user, view=view, sort=sort, **filters)[:exports.MAX_ROWS])
    personal_data_read(request.user, [t.customer_id for t in rows], where="order_export", request=request)
    filename = _("工单清单-%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}
    response = HttpResponse(exports.as_bytes(exports.order_list_workbook(rows, request.user)), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


COLUMNS = [  # (label, sort key of the column or "")
    (gettext_lazy("工单号"), "number"), (gettext_lazy("主题"), ""), (gettext_lazy("客户"), ""),
    (gettext_lazy("类型"), ""), (gettext_lazy("渠道"), ""), (gettext_lazy("优先级"), "priority"),
    (gettext_lazy("状态"), "status"), (gettext_lazy("处理人"), ""), (gettext_lazy("到期"), "due"),
    (gettext_lazy("创建"), "-created"),
]


def _reverse(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def inbox_columns(sort: str) -> list[tuple[str, str, str]]:
    """Header cells: label, the sort a click asks for (the reverse when already sorted by it), and
    whether the list is sorted by it now (asc / desc / "")."""
    columns = []
    for label, key in COLUMNS:
        if not key:
            columns.append((label, "", ""))
        elif sort in (key, _reverse(key)):
            columns.append((label, _reverse(sort), "desc" if sort.startswith("-") else "asc"))
        else:
            columns.append((label, key, ""))
    return columns


def inbox_tools(request, sort: str) -> dict:
    """Context for the inbox's working tools: columns, bulk bar, 领取, saved views."""
    user = request.user
    can_bulk = policy.can_work_in_bulk(user)
    # (id, name) pairs, not User objects: a department of 400 agents rendered 400 models on every page.
    assignees = (policy.ticket_owners(user.department_id).order_by("display_name", "username")
                 .annotate(shown=Coalesce(NullIf("display_name", Value("")), "username")).values_list("pk", "shown")
                 if can_bulk else [])
    return {
        "columns": inbox_columns(sort), "can_bulk": can_bulk, "can_claim": can_bulk,
        # escaped in one pass: 800 template variables for 400 agents were a fifth of the page's work
        "assignee_options": format_html_join("", '<option value="{}">{}</option>', assignees),
        "saved_views": SavedView.objects.filter(user=user),
        "current_query": urlencode([(k, request.GET[k]) for k in ("view", *FILTER_KEYS) if request.GET.get(k)]),
    }


# Sorts whose page order the keyset walks exactly (the priority and status columns sort by a rank the
# keyset does not hold; relevance is a ranked list): these page by cursor, the others by number.
CURSOR_SORTS = ("due", "-due", "created", "-created", "updated")
# The inbox says "共 N 条" exactly up to here, "约 N 条" (the planner's estimate) beyond.
INBOX_COUNT_CAP = COUNT_CAP


class CursorPage:
    """One inbox page read by keyset (the rows after ``cursor``): what the pager shows instead of page
    numbers, so that the thousandth page costs what the first does (no OFFSET, no full count)."""

    by_cursor = True

    def __init__(self, rows: list, next_cursor: str | None, count: int, exact: bool, first: bool) -> None:
        self.object_list, self.next_cursor, self.count, self.count_exact = rows, next_cursor, count, exact
        self.is_first = first

    def has_other_pages(self) -> bool:
        return bool(self.next_cursor) or not self.is_first


def inbox_page(qs, sort: str, params: QueryDict, size: int):
    """The page asked for: by cursor for sorts the keyset walks (the first page too, unless ?page= names
    one), else Django's numbered page with a count that stops counting."""
    cursor = params.get("cursor", "")
    if sort in CURSOR_SORTS and (cursor or not params.get("page")):
        try:
            rows, next_cursor = keyset_page(qs, KEYSETS[sort], cursor or None, size)
        except DomainError:  # a cursor of another sort or mangled by hand: start from the top
            cursor = ""
            rows, next_cursor = keyset_page(qs, KEYSETS[sort], None, size)
        count, exact = capped_count(qs, INBOX_COUNT_CAP)
        return CursorPage(rows, next_cursor, count, exact, first=not cursor)
    return CappedPaginator(qs, size, cap=INBOX_COUNT_CAP).get_page(params.get("page"))


def row_labels() -> dict[str, dict[str, str]]:
    """The choice labels of the inbox's columns in the request's language, translated once per page
    (get_FOO_display per row and cell cost a third of the page's CPU at 50 rows)."""
    return {"type": {v: str(label) for v, label in TicketType.choices},
            "channel": {v: str(label) for v, label in Channel.choices},
            "priority": {v: str(label) for v, label in Priority.choices},
            "status": {v: str(label) for v, label in Status.choices}}
