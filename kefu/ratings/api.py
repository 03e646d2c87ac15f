"""GET /api/v1/ratings?period=YYYY-MM[&agent=<username>] (exact shape in issue 14)."""

from typing import Literal

from ninja import Query, Router, Schema

from kefu.core.errors import DomainError
from kefu.core.schema import ErrorOut

from .periods import PeriodError, parse_period
from .selectors import ratings_for

router = Router(tags=["ratings"])


class MeasureOut(Schema):
    code: str
    title: str
    value: float | None
    sample: int
    stars: int | None
    status: Literal["ok", "insufficient", "no_source"]  # 样本不足 / 暂无数据来源


class EvidenceOut(Schema):
    url: str
    measures: list[MeasureOut]


class CriterionOut(Schema):
    code: str
    title: str
    value: float | None
    stars: int | None
    evidence: EvidenceOut


class AdjustmentOut(Schema):
    stars: int
    computed_stars: int | None
    reason: str
    by: str
    at: str


class RatingOut(Schema):
    agent: str
    period: str
    stars: int | None
    sample: int
    criteria: list[CriterionOut]
    adjustment: AdjustmentOut | None


class RatingQuery(Schema):
    period: str
    agent: str | None = None


@router.get("", response={200: list[RatingOut], 400: ErrorOut, 404: ErrorOut},
            summary="Agents' star ratings for a period (month YYYY-MM; also YYYY-Www, YYYY-Qn)")
def list_ratings(request, filters: Query[RatingQuery]):
    try:
        period = parse_period(filters.period)
    except PeriodError as exc:
        raise DomainError(str(exc), field="period") from exc
    return ratings_for(request.user, period, filters.agent)
