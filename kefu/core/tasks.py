import os
import socket
from datetime import timedelta

from django.utils import timezone
from huey.contrib.djhuey import task

from .models import Notification


@task()
def worker_echo(value: str) -> dict:
    """Answers with where it ran: proves a consumer (not the caller) executed the task."""
    return {"echo": value, "pid": os.getpid(), "host": socket.gethostname()}


def purge_read_notifications(days: int = 90) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    return deleted
