"""/api/v1/reports: the supervisor's summary (exact shape of issue 15) and every dashboard table as JSON."""

from __future__ import annotations

from datetime import date
from enum import Enum

from django.http import HttpRequest
from ninja import Query, Router, Schema

from kefu.core.limits import MAX_ID
from kefu.core.schema import ErrorOut
from kefu.tickets.models import Channel, TicketType

from . import tables
from .filters import build_filter, check_period
from .summary import summary as summary_figures

router = Router(tags=["reports"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
TableName = Enum("TableName", {name: name for name in tables.TABLES}, type=str)


class OrdersOut(Schema):
    created: int
    resolved: int
    open: int


class SlaOut(Schema):
    first_response_met_pct: float | None
    resolution_met_pct: float | None


class CsatOut(Schema):
    answered: int
    avg: float | None


class QaOut(Schema):
    inspected: int
    avg_score: float | None


class ComplaintsOut(Schema):
    received: int
    replied_in_24h_pct: float | None
    implemented_in_5wd_pct: float | None


class SummaryOut(Schema):
    orders: OrdersOut
    sla: SlaOut
    csat: CsatOut
    qa: QaOut
    complaints: ComplaintsOut


class TableOut(Schema):
    name: str
    title: str
    columns: list[str]
    rows: list[list]


@router.get("/summary", response={200: SummaryOut, **ERRORS}, summary="Summary figures of a period")
def summary(request: HttpRequest, from_: date = Query(..., alias="from"), to: date = Query(...),
            team: int | None = Query(None, ge=1, le=MAX_ID), agent: int | None = Query(None, ge=1, le=MAX_ID),
            channel: Channel | None = None):
    f = build_filter(request.user, check_period(from_, to), team=team, agent=agent,
                     channel=channel.value if channel else "")
    return summary_figures(request.user, f)


@router.get("/tables/{name}", response={200: TableOut, 404: ErrorOut, **ERRORS},
            summary="One dashboard table (the same rows as the page and its XLSX)")
def table(request: HttpRequest, name: TableName, from_: date = Query(..., alias="from"), to: date = Query(...),
          team: int | None = Query(None, ge=1, le=MAX_ID), agent: int | None = Query(None, ge=1, le=MAX_ID),
          channel: Channel | None = None, type: TicketType | None = None,
          department: int | None = Query(None, ge=1, le=MAX_ID)):
    f = build_filter(request.user, check_period(from_, to), team=team, agent=agent, department=department,
                     channel=channel.value if channel else "", type=type.value if type else "")
    result = tables.build(name.value, request.user, f)
    return {"name": name.value, "title": str(result.title), "columns": [str(c) for c in result.columns],
            "rows": result.plain_rows()}
