"""Every periodic job of Kefu, declared in one place. The worker imports this module."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kefu.channels.email.imap import mailboxes_poll
from kefu.core.tasks import purge_read_notifications
from kefu.live.broadcast import prune as live_prune
from kefu.sla.alerts import sla_send_alerts
from kefu.sla.services import clocks_recompute_paused


@db_periodic_task(crontab(hour="3", minute="17"))
def nightly_housekeeping() -> None:
    purge_read_notifications()
    live_prune()


@db_periodic_task(crontab(minute="*/5"))
def sla_alerts() -> None:
    """SLA clocks entering warning or breach notify their people (each alert once); paused clocks'
    provisional due times move on meanwhile."""
    clocks_recompute_paused()
    sla_send_alerts()


@db_periodic_task(crontab(minute="*"))
def mail_poll() -> None:
    """New mail of every IMAP mailbox becomes work orders (a mail fetched twice is taken once)."""
    mailboxes_poll()
