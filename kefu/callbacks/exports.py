"""XLSX of a campaign: the summary figures, then one row per callback (phones masked per role)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.core.spreadsheet import safe_row
from kefu.customers.presenters import customer_phones

from .models import Result


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def campaign_workbook(campaign, report: dict, user) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = _("汇总")
    rows = [(_("回访计划"), campaign.name), (_("回访对象"), report["total"]), (_("已完成"), report["done"]),
            (_("已拨打"), report["called"]), (_("已接通"), report["reached"]), (_("接通率"), _pct(report["reach_rate"])),
            (_("满意率"), _pct(report["satisfaction"])), (_("平均评分"), report["average_score"] or ""),
            (_("跟进工单"), len(report["follow_ups"])), (_("跟进已解决"), report["fixed"])]
    rows += [(_("问题：") + label, n) for label, n in report["faults"]]
    for row in rows:
        summary.append(safe_row(row))
    sheet = wb.create_sheet(_("回访明细"))
    sheet.append([_("客户"), _("电话"), _("来源工单"), _("回访人"), _("拨打次数"), _("最近拨打"), _("结果"), _("满意"),
                  _("回答"), _("备注"), _("跟进工单"), _("审阅")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for task in report["tasks"]:
        answers = "；".join(f"{a.get('question', '')[:30]} → {a.get('answer', '')}" for a in task.answers)
        satisfied = "" if task.satisfied is None else (_("满意") if task.satisfied else _("不满意"))
        sheet.append(safe_row([
            task.customer.name, " ".join(customer_phones(task.customer, user)),
            task.ticket.number if task.ticket_id else "", task.assignee.name, task.attempts,
            _when(task.last_attempt_at), str(Result(task.result).label) if task.result else "", satisfied, answers,
            task.note, task.follow_up.number if task.follow_up_id else "", task.get_review_display()]))
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
