"""XLSX of a period's ratings: one row per agent, the six criteria with value and stars."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from .criteria import CRITERIA


def _fmt(value: float | None, unit: str) -> object:
    if value is None:
        return ""
    return round(value * 100, 1) if unit == "rate" else round(value, 2)


def ratings_workbook(rows: list[dict], headings: dict[str, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = rows[0]["period"] if rows else "ratings"
    header = [headings["agent"], headings["period"], headings["stars"], headings["computed"], headings["sample"]]
    for criterion in CRITERIA:
        header += [f"{criterion.title} {headings['value']}", f"{criterion.title} {headings['stars']}"]
    header.append(headings["reason"])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        adjustment = row["adjustment"]
        line = [row["agent"], row["period"], row["stars"] or headings["insufficient"],
                adjustment["computed_stars"] if adjustment else row["stars"], row["sample"]]
        by_code = {c["code"]: c for c in row["criteria"]}
        for criterion in CRITERIA:
            data = by_code.get(criterion.code, {})
            unit = criterion.measures[0].unit
            line += [_fmt(data.get("value"), unit), data.get("stars") or ""]
        line.append(adjustment["reason"] if adjustment else "")
        ws.append(line)
    ws.column_dimensions["A"].width = 16
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
