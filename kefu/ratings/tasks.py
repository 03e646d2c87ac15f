"""Background work of ratings (durable jobs, see kefu.jobs): refreshing the open periods' snapshots."""

from django.utils import timezone

from kefu.accounts.models import Role, User
from kefu.jobs import background

from .periods import current_period
from .services import ratings_compute


# Atomic: one upsert of every agent's snapshot; a rerun computes the same figures.
@background("ratings.refresh", max_attempts=3, lease_seconds=900)
def refresh(payload: dict) -> None:
    agents = list(User.objects.filter(role=Role.AGENT, is_active=True))
    today = timezone.localdate()
    for kind in ("month", "week", "quarter"):
        ratings_compute(period=current_period(kind, today), agents=agents)


