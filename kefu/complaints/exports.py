"""The record form (客户投诉处理记录表) as labelled rows, shared by the page, the print view and the XLSX files."""

from collections.abc import Iterable
from datetime import datetime
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kefu.customers.masking import mask_phone

from .models import Complaint, ComplaintStep

Rows = list[tuple[str, str]]
# Spreadsheet programs run a cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Every cell value goes through here: customer text is data, never a formula.

    A leading apostrophe makes Excel/WPS show the text as typed; characters XML cannot hold are
    dropped (openpyxl would refuse the whole file for one stray control character).
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(values: Iterable[object]) -> list[object]:
    return [_cell(value) for value in values]


def _dt(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _source(c: Complaint) -> str:
    return c.get_source_display() + (f"（{c.account_manager}）" if c.account_manager else "")


def record_sections(c: Complaint, *, full: bool = True) -> list[tuple[str, Rows]]:
    """Every field of the seed's record form and of each flow step, in the order of the flow.

    full=False masks the contact phone, for roles without access to personal data.
    """
    t = c.ticket
    return [
        ("投诉记录", [
            ("工单号", t.number), ("主题", t.subject), ("受理时间", _dt(c.received_at)),
            ("首问负责人", t.first_responder.name), ("客户", t.customer.name), ("联系人", c.contact_name),
            ("联系电话", c.contact_phone if full else mask_phone(c.contact_phone)), ("投诉来源", _source(c)),
            ("投诉渠道", t.get_channel_display()),
            ("投诉对象", c.get_object_kind_display()), ("具体对象", c.object_detail), ("投诉事由", c.description),
            ("发生时间", _dt(c.happened_at)), ("发生地点", c.place), ("客户诉求", c.demand),
            ("情绪状态", c.get_emotion_display()), ("客户原话", c.key_quotes),
            ("投诉分类", c.category.name if c.category else ""), ("严重程度", c.get_severity_display()),
            ("当前状态", c.get_state_display()), ("处理轮次", str(c.round)),
        ]),
        ("是否成立", [
            ("不成立原因", c.invalid_reason), ("解释方式", c.get_explained_how_display()),
            ("解释时间", _dt(c.explained_at)),
        ]),
        ("投诉处理单", [
            ("处理部门", c.dispatched_to.name if c.dispatched_to else ""), ("派发时间", _dt(c.dispatched_at)),
            ("答复期限", _dt(c.reply_due_at)), ("首次答复时间", _dt(c.first_reply_at)), ("原因分析", c.cause),
            ("责任方", c.get_responsible_party_display()),
            ("责任部门", c.responsible_department.name if c.responsible_department else ""),
            ("责任人", c.responsible_person), ("解决方案", c.solution),
        ]),
        ("审批与告知", [
            ("审批人", c.approved_by.name if c.approved_by else ""), ("审批时间", _dt(c.approved_at)),
            ("审批意见", c.approval_comment), ("告知方式", c.get_notified_how_display()),
            ("告知时间", _dt(c.notified_at)), ("客户反应", c.customer_response),
        ]),
        ("实施与结果", [
            ("实施期限", _dt(c.implement_due_at)), ("实施完成时间", _dt(c.implemented_at)),
            ("实施情况", c.implementation), ("处理结果", c.result_report), ("结果反馈时间", _dt(c.reported_at)),
        ]),
        ("客户回执", [
            ("客户满意", {True: "满意", False: "不满意"}.get(c.receipt_satisfied, "")),
            ("回执意见", c.receipt_comment), ("回执方式", c.get_receipt_via_display()),
            ("回执时间", _dt(c.receipt_at)), ("归档时间", _dt(c.archived_at)),
        ]),
        ("总结评价", [
            ("根本原因", c.root_cause), ("改进措施", c.improvement), ("改进负责人", c.improvement_owner),
            ("总结时间", _dt(c.summarised_at)),
        ]),
    ]


HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="E8F0FE")
WRAP = Alignment(wrap_text=True, vertical="top")


def record_workbook(c: Complaint, steps: Iterable[ComplaintStep], *, full: bool = True) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "投诉处理记录表"
    ws.append(_row(["客户投诉处理记录表", c.ticket.number]))
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
    log = wb.create_sheet("处理过程")
    log.append(_row(["时间", "步骤", "办理人", "轮次", "说明"]))
    for step in steps:
        log.append(_row([_dt(step.created_at), step.label, step.actor.name if step.actor else "客户", step.round,
                         step.note]))
    _style_table(log, [18, 18, 12, 6, 70])
    return wb


LIST_COLUMNS = ["工单号", "主题", "受理时间", "客户", "投诉来源", "投诉对象", "具体对象", "投诉分类", "严重程度",
                "情绪状态", "客户诉求", "状态", "处理部门", "责任方", "首问负责人", "答复期限", "首次答复时间",
                "实施期限", "实施完成时间", "客户满意", "轮次", "根本原因"]


def _list_row(c: Complaint) -> list:
    return [c.ticket.number, c.ticket.subject, _dt(c.received_at), c.ticket.customer.name, _source(c),
            c.get_object_kind_display(), c.object_detail, c.category.name if c.category else "",
            c.get_severity_display(), c.get_emotion_display(), c.demand, c.get_state_display(),
            c.dispatched_to.name if c.dispatched_to else "", c.get_responsible_party_display(),
            c.ticket.first_responder.name, _dt(c.reply_due_at), _dt(c.first_reply_at), _dt(c.implement_due_at),
            _dt(c.implemented_at), {True: "满意", False: "不满意"}.get(c.receipt_satisfied, ""), c.round,
            c.root_cause]


def list_workbook(complaints: Iterable[Complaint]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "投诉清单"
    ws.append(_row(LIST_COLUMNS))
    for c in complaints:
        ws.append(_row(_list_row(c)))
    _style_table(ws, [16, 28, 17, 10] + [12] * (len(LIST_COLUMNS) - 4))
    ws.freeze_panes = "A2"
    return wb


def _style_table(ws, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        ws.cell(1, index).font = HEAD
        ws.cell(1, index).fill = FILL


def as_bytes(wb: Workbook) -> bytes:
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
