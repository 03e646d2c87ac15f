"""Working-day calendar core (工作日历): business hours, holidays and make-up days (调休), deadlines.

Pure Python, no Django: the SLA clocks of tickets and complaints call into this package.
The chinese-calendar seed lives in ``kefu.workcal.seed`` so this import stays dependency-free.
"""

from kefu.workcal.calendar import SHANGHAI, WorkCalendar
from kefu.workcal.types import DEFAULT_WEEKLY, DayException, Deadline, Period, Span, WeeklySchedule

__all__ = ["DEFAULT_WEEKLY", "SHANGHAI", "DayException", "Deadline", "Period", "Span", "WeeklySchedule",
           "WorkCalendar"]
