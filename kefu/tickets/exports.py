"""XLSX of the order list with the filters the inbox shows (the same selector, so the same rows)."""

from collections.abc import Callable, Iterable
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.spreadsheet import safe_row
from kefu.customers.presenters import customer_phones

from .models import Ticket

MAX_ROWS = 20000  # a spreadsheet for people to read; the API pages through more


def _dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def order_list_workbook(tickets: Iterable[Ticket], user, *, extra_head: Iterable[str] = (),
                        extra: Callable[[Ticket], list] | None = None) -> Workbook:
    """One row per order; ``extra`` adds columns (the reports' outcome: working times, SLA, satisfaction)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("工单清单"))
    head = [_("工单号"), _("主题"), _("客户"), _("电话"), _("类型"), _("渠道"), _("优先级"), _("状态"),
            _("首问负责人"), _("处理人"), _("班组"), _("受理部门"), _("责任部门"), _("标签"), _("创建时间"),
            _("到期时间"), _("首次回复"), _("解决时间"), _("关闭时间")]
    ws.append([str(h) for h in [*head, *extra_head]])
    for t in tickets:
        # Phones as the user may see them (masked for roles without the personal-data permission).
        phones = customer_phones(t.customer, user)
        ws.append(safe_row([
            t.number, t.subject, t.customer.name, ", ".join(phones), t.get_type_display(), t.get_channel_display(),
            t.get_priority_display(), t.get_status_display(), t.first_responder.name,
            t.assignee.name if t.assignee_id else "", t.team.name if t.team_id else "", t.department.name,
            t.dispatched_to.name if t.dispatched_to_id else "", ", ".join(t.tags or []), _dt(t.created_at),
            _dt(t.due_at), _dt(t.first_response_at), _dt(t.resolved_at), _dt(t.closed_at),
            *(extra(t) if extra else []),
        ]))
    return wb


def as_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


