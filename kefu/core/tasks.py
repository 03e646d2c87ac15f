import os
import socket
from datetime import timedelta

from django.utils import timezone
from huey.contrib.djhuey import task

from kefu.jobs import background

from .models import Notification


@task()
def worker_echo(value: str) -> dict:
    """Answers with where it ran: proves a consumer (not the caller) executed the task."""
    return {"echo": value, "pid": os.getpid(), "host": socket.gethostname()}


def purge_read_notifications(days: int = 90) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted


@background("core.housekeeping", max_attempts=3, lease_seconds=600, atomic=False)
def housekeeping(payload: dict) -> None:
    """Nightly: read notifications after 90 days, finished jobs after 14 (both deletes are idempotent)."""
    from kefu.jobs.services import jobs_purge

    purge_read_notifications()
    jobs_purge()
