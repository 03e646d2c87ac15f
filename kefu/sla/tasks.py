"""Background work of the SLA app: recomputing deadlines after a calendar change, and alerts."""

from huey.contrib.djhuey import db_task

from .services import clocks_recompute_open


@db_task()
def recompute_calendar_deadlines(calendar_id: int | None = None) -> int:
    """Open work orders' clocks after a calendar edit; returns how many orders were recomputed."""
    return clocks_recompute_open(calendar_id=calendar_id)
