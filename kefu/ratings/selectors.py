"""Reads of ratings, through the permission policy: the API/page shape, history and trend."""

from datetime import timedelta

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from kefu import policy
from kefu.accounts.models import User

from .models import RatingAdjustment, RatingSnapshot
from .periods import Period, recent_periods
from .services import bounds, ratings_compute


def _stale(snapshot: RatingSnapshot | None, period_end, now) -> bool:
    """Closed periods keep the snapshot computed after they ended; open ones refresh every few minutes."""
    if snapshot is None:
        return True
    if snapshot.computed_at >= period_end:
        return False
    return now - snapshot.computed_at > timedelta(minutes=settings.KEFU_RATING_REFRESH_MINUTES)


def snapshots(agents: list[User], period: Period, now=None) -> dict[int, RatingSnapshot]:
    """The agents' snapshots for the period, computing (for all stale ones at once) where needed."""
    now = now or timezone.now()
    _start, end = bounds(period)
    found = {s.agent_id: s for s in RatingSnapshot.objects.filter(agent__in=agents, period=period.code)}
    stale = [a for a in agents if _stale(found.get(a.pk), end, now)]
    if stale:
        for row in ratings_compute(period=period, agents=stale, now=now):
            found[row.agent_id] = row
    return found


def latest_adjustments(agents: list[User], period: Period) -> dict[int, RatingAdjustment]:
    latest: dict[int, RatingAdjustment] = {}
    for adj in RatingAdjustment.objects.filter(agent__in=agents, period=period.code).select_related("by"):
        latest.setdefault(adj.agent_id, adj)  # ordered newest first
    return latest


def evidence_url(agent: User, period: Period, criterion: str) -> str:
    return f"/ratings/{agent.username}/{period.code}/{criterion}/"


def rating_dict(agent: User, period: Period, snapshot: RatingSnapshot, adjustment: RatingAdjustment | None) -> dict:
    """The API's shape; "stars" is what is in force (the adjusted stars when a supervisor adjusted)."""
    return {
        "agent": agent.username,
        "period": period.code,
        "stars": adjustment.stars if adjustment else snapshot.stars,
        "sample": snapshot.sample,
        "criteria": [{"code": c["code"], "title": c["title"], "value": c["value"], "stars": c["stars"],
                      "evidence": {"url": evidence_url(agent, period, c["code"]), "measures": c["measures"]}}
                     for c in snapshot.criteria],
        "adjustment": None if adjustment is None else {
            "stars": adjustment.stars, "computed_stars": adjustment.computed_stars, "reason": adjustment.reason,
            "by": adjustment.by.username, "at": adjustment.created_at.isoformat()},
    }


def visible_agents(user: User, username: str | None = None) -> list[User]:
    agents = policy.rated_agents(user).order_by("username")
    if username:
        agents = agents.filter(username=username)
        if not agents.exists():
            raise Http404("客服不存在或无权查看")
    return list(agents)


def ratings_for(user: User, period: Period, username: str | None = None) -> list[dict]:
    agents = visible_agents(user, username)
    found = snapshots(agents, period)
    adjusted = latest_adjustments(agents, period)
    return [rating_dict(a, period, found[a.pk], adjusted.get(a.pk)) for a in agents]


def trend(user: User, agent: User, last: Period, count: int = 6) -> list[dict]:
    """The agent's last `count` periods, oldest first, each with stars in force."""
    policy.require(policy.can_view_rating(user, agent))
    rows = []
    for period in recent_periods(last, count):
        snapshot = snapshots([agent], period)[agent.pk]
        adjustment = latest_adjustments([agent], period).get(agent.pk)
        rows.append(rating_dict(agent, period, snapshot, adjustment))
    return rows


def adjustment_history(user: User, agent: User) -> list[RatingAdjustment]:
    policy.require(policy.can_view_rating(user, agent))
    return list(RatingAdjustment.objects.filter(agent=agent).select_related("by")[:100])
