"""Background work of the SLA app (durable jobs, see kefu.jobs): recomputing deadlines after a calendar
or policy change, and the periodic alerts."""

from datetime import date

from kefu.jobs import background, checkpoint, enqueue, progress

from .alerts import sla_send_alerts
from .services import clocks_recompute_open, clocks_recompute_paused

RECOMPUTE_CHUNK = 2000  # orders a transaction (and a checkpoint)


def recompute_calendar_deadlines(calendar_id: int | None = None, days: tuple[date, date] | None = None) -> None:
    """Enqueues the recompute of open orders' clocks after a calendar or policy edit (calendar None: every
    open order; ``days``: only clocks running across those days). One pending recompute per calendar and
    range: ten quick edits of one day recompute once, after the last commit."""
    span = {"from": days[0].isoformat(), "to": days[1].isoformat()} if days else {}
    key = f"sla.recompute_open:{calendar_id or 'all'}:{span.get('from', '')}:{span.get('to', '')}"
    enqueue("sla.recompute_open", {"calendar": calendar_id, **span}, key=key)


# Not atomic: it commits in chunks of orders, each with its checkpoint (kefu.jobs.progress), so the admin
# sees how far it got and a rerun after a crash resumes after the last committed chunk; a chunk that is
# redone anyway (its commit was lost) recomputes the same figures.
@background("sla.recompute_open", max_attempts=5, lease_seconds=300, atomic=False)
def recompute_open(payload: dict) -> None:
    days = (date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"])) if payload.get("from") else None
    start = checkpoint()
    before = start.get("done", 0)

    def record(done: int, total: int, last_id: int) -> None:
        progress(done=before + done, total=before + total, after=last_id)

    clocks_recompute_open(calendar_id=payload.get("calendar"), days=days, after_id=start.get("after", 0),
                          chunk=payload.get("chunk", RECOMPUTE_CHUNK), on_chunk=record)


# Not atomic: each alert's notification carries a dedupe_key, so a rerun sends nothing twice.
@background("sla.alerts", max_attempts=3, lease_seconds=120, atomic=False)
def alerts(payload: dict) -> None:
    sla_send_alerts()


@background("sla.refresh_paused", max_attempts=3, lease_seconds=300, atomic=False)
def refresh_paused(payload: dict) -> None:
    """Paused clocks' provisional due times ("if the customer answered now") move on with time; only the
    inbox's sort order of waiting orders uses them, so an hourly refresh suffices."""
    clocks_recompute_paused()
