"""The record form (客户投诉处理记录表) as labelled rows, shared by the page, the print view and the XLSX files."""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from kefu.core.spreadsheet import FILL, HEAD, safe_cell, safe_row, style_header
from kefu.customers.masking import mask_phone

from .models import Complaint, ComplaintStep

Rows = list[tuple[str, str]]
# One definition of a safe cell for every export (kefu.core.spreadsheet).
_cell, _row = safe_cell, safe_row


def _dt(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _source(c: Complaint) -> str:
    return str(c.get_source_display()) + (f"（{c.account_manager}）" if c.account_manager else "")


def record_sections(c: Complaint, *, full: bool = True) -> list[tuple[str, Rows]]:
    """Every field of the seed's record form and of each flow step, in the order of the flow, labelled
    in the active language (the page, the print view and the XLSX follow the reader's choice).

    full=False masks the contact phone, for roles without access to personal data.
    """
    t = c.ticket
    return [
        (_("投诉记录"), [
            (_("工单号"), t.number), (_("主题"), t.subject), (_("受理时间"), _dt(c.received_at)),
            (_("首问负责人"), t.first_responder.name), (_("客户"), t.customer.name), (_("联系人"), c.contact_name),
            (_("联系电话"), c.contact_phone if full else mask_phone(c.contact_phone)), (_("投诉来源"), _source(c)),
            (_("投诉渠道"), t.get_channel_display()),
            (_("投诉对象"), c.get_object_kind_display()), (_("具体对象"), c.object_detail), (_("投诉事由"), c.description),
            (_("发生时间"), _dt(c.happened_at)), (_("发生地点"), c.place), (_("客户诉求"), c.demand),
            (_("情绪状态"), c.get_emotion_display()), (_("客户原话"), c.key_quotes),
            (_("投诉分类"), c.category.name if c.category else ""), (_("严重程度"), c.get_severity_display()),
            (_("当前状态"), c.get_state_display()), (_("处理轮次"), str(c.round)),
        ]),
        (_("是否成立"), [
            (_("不成立原因"), c.invalid_reason), (_("解释方式"), c.get_explained_how_display()),
            (_("解释时间"), _dt(c.explained_at)),
        ]),
        (_("投诉处理单"), [
            (_("处理部门"), c.dispatched_to.name if c.dispatched_to else ""), (_("派发时间"), _dt(c.dispatched_at)),
            (_("答复期限"), _dt(c.reply_due_at)), (_("首次答复时间"), _dt(c.first_reply_at)), (_("原因分析"), c.cause),
            (_("责任方"), c.get_responsible_party_display()),
            (_("责任部门"), c.responsible_department.name if c.responsible_department else ""),
            (_("责任人"), c.responsible_person), (_("解决方案"), c.solution),
        ]),
        (_("审批与告知"), [
            (_("审批人"), c.approved_by.name if c.approved_by else ""), (_("审批时间"), _dt(c.approved_at)),
            (_("审批意见"), c.approval_comment), (_("告知方式"), c.get_notified_how_display()),
            (_("告知时间"), _dt(c.notified_at)), (_("客户反应"), c.customer_response),
        ]),
        (_("实施与结果"), [
            (_("实施期限"), _dt(c.implement_due_at)), (_("实施完成时间"), _dt(c.implemented_at)),
            (_("实施情况"), c.implementation), (_("处理结果"), c.result_report), (_("结果反馈时间"), _dt(c.reported_at)),
        ]),
        (_("客户回执"), [
            (_("客户满意"), {True: _("满意"), False: _("不满意")}.get(c.receipt_satisfied, "")),
            (_("回执意见"), c.receipt_comment), (_("回执方式"), c.get_receipt_via_display()),
            (_("回执时间"), _dt(c.receipt_at)), (_("归档时间"), _dt(c.archived_at)),
        ]),
        (_("总结评价"), [
            (_("根本原因"), c.root_cause), (_("改进措施"), c.improvement), (_("改进负责人"), c.improvement_owner),
            (_("总结时间"), _dt(c.summarised_at)),
        ]),
    ]


WRAP = Alignment(wrap_text=True, vertical="top")


def record_workbook(c: Complaint, steps: Iterable[ComplaintStep], *, full: bool = True) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("投诉处理记录表")
    ws.append(_row([_("客户投诉处理记录表"), c.ticket.number]))
    ws["A1"].font = Font(bold=True, size=14)
    for section, rows in record_sections(c, full=full):
        ws.append(_row([section]))
        ws.cell(ws.max_row, 1).font = HEAD
        ws.cell(ws.max_row, 1).fill = FILL
        for label, value in rows:
            ws.append(_row([label, value]))
            ws.cell(ws.max_row, 2).alignment = WRAP
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70
    log = wb.create_sheet(_("处理过程"))
    log.append(_row([_("时间"), _("步骤"), _("办理人"), _("轮次"), _("说明")]))
    for step in steps:
        log.append(_row([_dt(step.created_at), step.title, step.actor.name if step.actor else _("客户"), step.round,
                         step.note]))
    style_header(log, [18, 18, 12, 6, 70])
    return wb


LIST_COLUMNS = [  # lazy: the header follows the language of the request that exports
    gettext_lazy("工单号"), gettext_lazy("主题"), gettext_lazy("受理时间"), gettext_lazy("客户"), gettext_lazy("投诉来源"),
    gettext_lazy("投诉对象"), gettext_lazy("具体对象"), gettext_lazy("投诉分类"), gettext_lazy("严重程度"),
    gettext_lazy("情绪状态"), gettext_lazy("客户诉求"), gettext_lazy("状态"), gettext_lazy("处理部门"), gettext_lazy("责任方"),
    gettext_lazy("首问负责人"), gettext_lazy("答复期限"), gettext_lazy("首次答复时间"), gettext_lazy("实施期限"),
    gettext_lazy("实施完成时间"), gettext_lazy("客户满意"), gettext_lazy("轮次"), gettext_lazy("根本原因"),
]


def _list_row(c: Complaint) -> list:
    return [c.ticket.number, c.ticket.subject, _dt(c.received_at), c.ticket.customer.name, _source(c),
            c.get_object_kind_display(), c.object_detail, c.category.name if c.category else "",
            c.get_severity_display(), c.get_emotion_display(), c.demand, c.get_state_display(),
            c.dispatched_to.name if c.dispatched_to else "", c.get_responsible_party_display(),
            c.ticket.first_responder.name, _dt(c.reply_due_at), _dt(c.first_reply_at), _dt(c.implement_due_at),
            _dt(c.implemented_at), {True: _("满意"), False: _("不满意")}.get(c.receipt_satisfied, ""), c.round,
            c.root_cause]


def list_workbook(complaints: Iterable[Complaint]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = _("投诉清单")
    ws.append(_row([str(name) for name in LIST_COLUMNS]))
    for c in complaints:
        ws.append(_row(_list_row(c)))
    style_header(ws, [16, 28, 17, 10] + [12] * (len(LIST_COLUMNS) - 4))
    ws.freeze_panes = "A2"
    return wb


def as_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
