"""Every periodic job of Kefu, declared in one place. The worker imports this module."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.tasks import purge_read_notifications
from kefu.sla.alerts import sla_send_alerts
from kefu.sla.services import clocks_recompute_paused
from kefu.surveys.delivery import surveys_send_reminders


@db_periodic_task(crontab(hour="3", minute="17"))
def nightly_housekeeping() -> None:
    purge_read_notifications()


@db_periodic_task(crontab(minute="*/5"))
def sla_alerts() -> None:
    """SLA clocks entering warning or breach notify their people (each alert once); paused clocks'
    provisional due times move on meanwhile."""
    clocks_recompute_paused()
    sla_send_alerts()


@db_periodic_task(crontab(minute="23"))
def survey_reminders() -> None:
    """Unanswered surveys get their one reminder N days after sending (KEFU_SURVEY_REMINDER_DAYS)."""
    surveys_send_reminders()
