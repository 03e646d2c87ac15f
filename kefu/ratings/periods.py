"""Rating periods: a month (2026-11, the default), an ISO week (2026-W45) or a quarter (2026-Q4).
Pure: no Django."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    code: str  # "2026-11", "2026-W45", "2026-Q4"
    kind: str  # "month", "week", "quarter"
    start: date  # first day
    end: date  # the day after the last day (half-open, like the SQL filters)

    def previous(self) -> "Period":
        return parse_period(_code(self.kind, self.start - timedelta(days=1)))


def _month_end(year: int, month: int) -> date:
    return date(year + (month == 12), month % 12 + 1, 1)


def _code(kind: str, day: date) -> str:
    if kind == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def parse_period(code: str) -> Period:
    code = (code or "").strip()
    if m := _MONTH.match(code):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(f"月份无效：{code}")
        return Period(code, "month", date(year, month, 1), _month_end(year, month))
    if m := _WEEK.match(code):
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError as exc:
            raise PeriodError(f"周次无效：{code}") from exc
        return Period(code, "week", start, start + timedelta(days=7))
    if m := _QUARTER.match(code):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * (quarter - 1) + 1
        return Period(code, "quarter", date(year, first, 1), _month_end(year, first + 2))
    raise PeriodError(f"期间格式应为 YYYY-MM、YYYY-Www 或 YYYY-Qn：{code[:20]}")


def current_period(kind: str, today: date) -> Period:
    if kind not in {"month", "week", "quarter"}:
        raise PeriodError(f"期间类型无效：{kind}")
    return parse_period(_code(kind, today))


def recent_periods(last: Period, count: int) -> list[Period]:
    """`count` periods ending with `last`, oldest first (for the trend)."""
    periods = [last]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))
