"""Background work of the reports (kefu.jobs): the daily schedule and each delivery."""

from datetime import date

from kefu.jobs import background

from .schedule import report_deliver, reports_schedule


@background("reports.schedule", max_attempts=3, lease_seconds=300)
def schedule(payload: dict) -> None:
    reports_schedule()


@background("reports.deliver", max_attempts=6, lease_seconds=600, atomic=False)
def deliver(payload: dict) -> None:
    report_deliver(subscription_id=payload["subscription"], code=payload["period"],
                   today=date.fromisoformat(payload["today"]))


@background("reports.worktime", max_attempts=3, lease_seconds=900, atomic=False)
def worktime(payload: dict) -> None:
    """The working-time rollup catches up with orders answered or resolved since (chunked, idempotent)."""
    from .worktime import worktime_refresh

    worktime_refresh()


@background("reports.worktime_calendar", max_attempts=3, lease_seconds=900, atomic=False)
def worktime_calendar(payload: dict) -> None:
    """A calendar edit: the stored working times it changes are recomputed (chunked, idempotent)."""
    from .worktime import worktime_recalendar

    days = (date.fromisoformat(payload["from"]), date.fromisoformat(payload["to"])) if payload.get("from") else None
    worktime_recalendar(calendar_id=payload["calendar"], days=days)


@background("reports.rollup", max_attempts=5, lease_seconds=600, atomic=False)
def rollup(payload: dict) -> None:
    """The day rollup rebuilds the days changed since (one transaction per day, idempotent)."""
    from .rollup import rollup_refresh

    rollup_refresh()
