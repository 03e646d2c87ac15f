"""Every periodic job of Kefu, declared in one place. The worker imports this module."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.core.tasks import purge_read_notifications


@db_periodic_task(crontab(hour="3", minute="17"))
def nightly_housekeeping() -> None:
    purge_read_notifications()
