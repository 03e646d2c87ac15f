"""Background work of ratings (durable jobs, see kefu.jobs): refreshing the open periods' snapshots."""

from django.utils import timezone

from kefu import policy
from kefu.jobs import background

from .periods import current_period
from .services import ratings_compute


# Atomic: one upsert of every agent's snapshot; a rerun computes the same figures.
@background("ratings.refresh", max_attempts=3, lease_seconds=900)
def refresh(payload: dict) -> None:
    agents = list(policy.rateable_agents())
    today = timezone.localdate()
    for kind in ("month", "week", "quarter"):
        ratings_compute(period=current_period(kind, today), agents=agents)


