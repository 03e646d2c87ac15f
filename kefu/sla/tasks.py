"""Background work of the SLA app (durable jobs, see kefu.jobs): recomputing deadlines after a calendar
or policy change, and the periodic alerts."""

from kefu.jobs import background, enqueue

from .alerts import sla_send_alerts
from .services import clocks_recompute_open, clocks_recompute_paused


def recompute_calendar_deadlines(calendar_id: int | None = None) -> None:
    """Enqueues the recompute of open orders' clocks after a calendar edit (None: every open order).
    One pending recompute per calendar: ten quick edits recompute once, after the last commit."""
    enqueue("sla.recompute_open", {"calendar": calendar_id}, key=f"sla.recompute_open:{calendar_id or 'all'}")


# Not atomic: it commits in chunks of orders; rerunning it recomputes the same figures (idempotent).
@background("sla.recompute_open", max_attempts=5, lease_seconds=300, atomic=False)
def recompute_open(payload: dict) -> None:
    clocks_recompute_open(calendar_id=payload.get("calendar"))


# Not atomic: each alert's notification carries a dedupe_key, so a rerun sends nothing twice.
@background("sla.alerts", max_attempts=3, lease_seconds=120, atomic=False)
def alerts(payload: dict) -> None:
    clocks_recompute_paused()
    sla_send_alerts()
