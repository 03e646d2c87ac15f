"""Every periodic job of Kefu, declared in one place. The worker imports this module.

Each periodic entry only enqueues a durable job (kefu.jobs) under a fixed key: if the worker dies while
the work runs, the job is run again by another worker, and a slow run never piles up copies."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.jobs import enqueue
from kefu.jobs.services import jobs_sweep


@db_periodic_task(crontab(minute="*"))
def jobs_watch() -> None:
    """Jobs of dead workers (lease expired) go back to the queue; pending jobs whose ring was lost are rung."""
    jobs_sweep()


@db_periodic_task(crontab(hour="3", minute="17"))
def nightly_housekeeping() -> None:
    enqueue("core.housekeeping", {}, key="core.housekeeping")


@db_periodic_task(crontab(minute="*/5"))
def sla_alerts() -> None:
    """SLA clocks entering warning or breach notify their people (each alert once)."""
    enqueue("sla.alerts", {}, key="sla.alerts")


@db_periodic_task(crontab(minute="41"))
def sla_refresh_paused() -> None:
    """Paused clocks' provisional due times move on with time (the inbox sorts waiting orders by them)."""
    enqueue("sla.refresh_paused", {}, key="sla.refresh_paused")


@db_periodic_task(crontab(minute="23"))
def survey_reminders() -> None:
    """Unanswered surveys get their one reminder N days after sending (KEFU_SURVEY_REMINDER_DAYS)."""
    enqueue("surveys.remind", {}, key="surveys.remind")


@db_periodic_task(crontab(minute="*"))
def mail_poll() -> None:
    """New mail of every IMAP mailbox becomes work orders (a mail fetched twice is taken once)."""
    enqueue("mail.poll", {}, key="mail.poll")


@db_periodic_task(crontab(hour="3", minute="41"))
def live_prune() -> None:
    enqueue("live.prune", {}, key="live.prune")


@db_periodic_task(crontab(minute="41"))
def rating_refresh() -> None:
    """Open periods' star ratings are recomputed hourly, so pages and the API read fresh snapshots."""
    enqueue("ratings.refresh", {}, key="ratings.refresh")


@db_periodic_task(crontab(minute="7", hour="8-18"))
def reports_schedule() -> None:
    """Scheduled reports owed today go out (working days only; each period once per subscription)."""
    enqueue("reports.schedule", {}, key="reports.schedule")


@db_periodic_task(crontab(minute="*/10"))
def reports_worktime() -> None:
    """The reports' working-time rollup catches up with orders answered or resolved in the last minutes."""
    enqueue("reports.worktime", {}, key="reports.worktime")


@db_periodic_task(crontab(minute="3-59/10"))
def reports_rollup() -> None:
    """The reports' day rollup builds yesterday once it is over, and any day a change left dirty."""
    enqueue("reports.rollup", {}, key="reports.rollup")
