"""Dashboard tables as XLSX: one sheet per table, Chinese headers (the reader's language), bold filled
header row, frozen, columns sized; every cell through kefu.core.spreadsheet (no formula injection)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.core.spreadsheet import safe_row, style_header

from .tables import Table


def _sheet_title(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]}-{n}", n + 1
    used.add(name)
    return name


def tables_workbook(tables: Iterable[Table], *, summary: list[tuple[str, object]] | None = None) -> Workbook:
    wb = Workbook()
    used: set[str] = set()
    first = wb.active
    if summary is not None:
        first.title = _sheet_title(_("汇总"), used)
        first.append(safe_row([_("指标"), _("数值")]))
        for label, value in summary:
            first.append(safe_row([label, value]))
        _style(first, [28, 14])
        first = None
    for table in tables:
        ws = first if first is not None else wb.create_sheet()
        first = None
        ws.title = _sheet_title(str(table.title), used)
        ws.append(safe_row([str(c) for c in table.columns]))
        for row in table.plain_rows():
            ws.append(safe_row(row))
        _style(ws, [max(12, min(40, len(str(c)) * 2 + 4)) for c in table.columns])
    return wb


def _style(ws, widths: list[int]) -> None:
    style_header(ws, widths)
    ws.freeze_panes = "A2"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0#"
