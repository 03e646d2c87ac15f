"""Drill-down filters: the lists behind the supervisor's report figures (issue 15).

A report figure and the inbox list it links to filter work orders with this one function, so the list
shows exactly the orders the figure counted. Parameters (all optional, in the inbox's query string):

- ``team``, ``agent`` (the handler), ``department`` (受理部门): ids;
- ``on`` + ``from`` / ``to``: which time falls on the local days from .. to (inclusive): ``created``,
  ``resolved``, ``first_response``, ``complaint_received``, ``survey_answered`` (a satisfaction answer);
- ``hour``: the local hour (0-23) of creation;
- ``sla``: ``<clock kind>.<met|breached|due|warning|late>`` — the order has a clock of that kind (``any``:
  of any kind) with that outcome now (kefu.sla.outcomes);
- ``category``: the complaint category id; ``score``: the satisfaction answer (1-5, with on=survey_answered).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

DATE_FIELDS = {"created": "created_at", "resolved": "resolved_at", "first_response": "first_response_at",
               "complaint_received": "complaint__received_at"}
ON_CHOICES = (*DATE_FIELDS, "survey_answered")
KEYS = ("team", "agent", "department", "on", "from", "to", "hour", "sla", "category", "score")
_SLA = re.compile(r"^([a-z_]{1,40})\.(met|breached|due|warning|late)$")


@dataclass(frozen=True)
class Drill:
    team: int | None = None
    agent: int | None = None
    department: int | None = None
    on: str = ""
    start: date | None = None
    end: date | None = None
    hour: int | None = None
    sla: str = ""
    category: int | None = None
    score: int | None = None

    def __bool__(self) -> bool:
        return any(value not in (None, "") for value in asdict(self).values())

    def params(self) -> dict[str, str]:
        """The query-string form (what parse reads back)."""
        out = {"team": self.team, "agent": self.agent, "department": self.department, "on": self.on,
               "from": self.start.isoformat() if self.start else None, "to": self.end.isoformat() if self.end else None,
               "hour": self.hour, "sla": self.sla, "category": self.category, "score": self.score}
        return {k: str(v) for k, v in out.items() if v not in (None, "")}

    def query(self) -> str:
        return urlencode(self.params())


def _int(value: str | None, low: int = 1, high: int = 2**31 - 1) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def _date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if 1970 <= day.year <= 2200 else None


def parse(params) -> Drill:
    """A Drill from a query string; values that do not parse are ignored, as the inbox ignores an unknown type."""
    on = params.get("on", "")
    sla = params.get("sla", "")
    return Drill(team=_int(params.get("team")), agent=_int(params.get("agent")),
                 department=_int(params.get("department")), on=on if on in ON_CHOICES else "",
                 start=_date(params.get("from")), end=_date(params.get("to")),
                 hour=_int(params.get("hour"), 0, 23), sla=sla if _SLA.match(sla) else "",
                 category=_int(params.get("category")), score=_int(params.get("score"), 0, 10))


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def day_range_q(field: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": local_midnight(start)})
    if end is not None:
        q &= Q(**{f"{field}__lt": local_midnight(end + timedelta(days=1))})
    return q


def dims_q(*, team: int | None = None, agent: int | None = None, department: int | None = None,
           channel: str = "", type: str = "") -> Q:
    q = Q()
    if team:
        q &= Q(team_id=team)
    if agent:
        q &= Q(assignee_id=agent)
    if department:
        q &= Q(department_id=department)
    if channel:
        q &= Q(channel=channel)
    if type:
        q &= Q(type=type)
    return q


def satisfaction_answered(start: date | None, end: date | None, score: int | None = None) -> Exists:
    from kefu.surveys.models import Answer

    answers = Answer.objects.filter(day_range_q("survey__answered_at", start, end), survey__ticket=OuterRef("pk"),
                                    code="satisfaction", score__isnull=False)
    return Exists(answers.filter(score=score) if score is not None else answers)


def sla_exists(spec: str, now: datetime) -> Exists:
    from kefu.sla.models import SlaClock
    from kefu.sla.outcomes import outcome_q

    kind, outcome = spec.split(".")
    clocks = SlaClock.objects.filter(outcome_q(outcome, now), ticket=OuterRef("pk"))
    return Exists(clocks if kind == "any" else clocks.filter(kind=kind))


def apply(qs, drill: Drill, now: datetime | None = None):
    """Orders of ``qs`` that match ``drill``."""
    if not drill:
        return qs
    now = now or timezone.now()
    qs = qs.filter(dims_q(team=drill.team, agent=drill.agent, department=drill.department))
    if drill.on in DATE_FIELDS:
        qs = qs.filter(day_range_q(DATE_FIELDS[drill.on], drill.start, drill.end))
    elif drill.on == "survey_answered":
        qs = qs.filter(satisfaction_answered(drill.start, drill.end, drill.score))
    if drill.hour is not None:
        qs = qs.annotate(created_hour=ExtractHour("created_at", tzinfo=timezone.get_current_timezone())).filter(
            created_hour=drill.hour)
    if drill.sla:
        qs = qs.filter(sla_exists(drill.sla, now))
    if drill.category:
        qs = qs.filter(complaint__category_id=drill.category)
    return qs
