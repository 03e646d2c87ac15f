"""Cells for XLSX exports: customer text is data, never a formula (CSV/XLSX injection)."""

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# The header row of every export: bold on a light fill.
HEAD = Font(bold=True)
FILL = PatternFill("solid", fgColor="E8F0FE")

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A leading apostrophe makes Excel/WPS show the text as typed; characters XML cannot hold are
    dropped (openpyxl would refuse the whole file for one stray control character)."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in values]


def style_header(ws, widths: list[int]) -> None:
    """Column widths, and the first row styled as the header."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
        ws.cell(1, index).font = HEAD
        ws.cell(1, index).fill = FILL
