"""Writes of ratings: computing a period's snapshots, and a supervisor's audited adjustment."""

from dataclasses import asdict
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User
from kefu.core.errors import DomainError
from kefu.notifications import notify

from . import evidence
from .models import RatingAdjustment, RatingConfig, RatingSnapshot
from .periods import Period
from .scoring import Rating, rate_agent

ADJUSTED_KIND = "rating.adjusted"


def current_config() -> dict:
    row = RatingConfig.objects.first()
    return row.as_dict() if row else {"thresholds": {}, "min_samples": {}, "min_sample": 20}


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's days in the installation's time zone (a month is Shanghai's month, not UTC's)."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(period.start, time.min), zone),
            timezone.make_aware(datetime.combine(period.end, time.min), zone))


def criteria_data(rating: Rating) -> list[dict]:
    return [{"code": c.code, "title": c.title, "value": c.value, "stars": c.stars,
             "measures": [asdict(m) for m in c.measures]} for c in rating.criteria]


def ratings_compute(*, period: Period, agents: list[User], now: datetime | None = None) -> list[RatingSnapshot]:
    """Rates every given agent for the period from the evidence and stores the snapshots (one upsert)."""
    now = now or timezone.now()
    start, end = bounds(period)
    ids = [a.pk for a in agents]
    handled, observed = evidence.collect(ids, start, end)
    config = current_config()
    rows = []
    for agent_id in ids:
        mine = {code: per_agent.get(agent_id) or evidence.Observed(None, 0) for code, per_agent in observed.items()}
        rating = rate_agent(mine, handled.get(agent_id, 0), config)
        rows.append(RatingSnapshot(agent_id=agent_id, period=period.code, stars=rating.stars, sample=rating.sample,
                                   criteria=criteria_data(rating), computed_at=now))
    RatingSnapshot.objects.bulk_create(rows, update_conflicts=True, unique_fields=["agent", "period"],
                                       update_fields=["stars", "sample", "criteria", "computed_at"], batch_size=500)
    return rows


@transaction.atomic
def rating_adjust(*, agent: User, period: Period, stars: int, reason: str, by: User) -> RatingAdjustment:
    """A supervisor sets the stars with a reason; the computed stars stay beside them in the record."""
    policy.require(policy.can_adjust_rating(by, agent), "只有该客服所在部门的主管可以调整星级")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写调整原因", field="reason")
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise DomainError("星级应为 1 到 5", field="stars")
    snapshot = RatingSnapshot.objects.filter(agent=agent, period=period.code).first()
    adjustment = RatingAdjustment.objects.create(
        agent=agent, period=period.code, computed_stars=snapshot.stars if snapshot else None, stars=stars,
        reason=reason[:2000], by=by, created_at=timezone.now())
    notify(users=[agent], text=f"您 {period.code} 的星级由 {by} 调整为 {stars} 星：{reason[:100]}",
           url=f"/ratings/{agent.username}/?period={period.code}", kind=ADJUSTED_KIND)
    return adjustment
