import os
import socket

from huey.contrib.djhuey import task

from kefu.core.extensions import HOUSEKEEPING
from kefu.jobs import background


@task()
def worker_echo(value: str) -> dict:
    """Answers with where it ran: proves a consumer (not the caller) executed the task."""
    return {"echo": value, "pid": os.getpid(), "host": socket.gethostname()}


@background("core.housekeeping", max_attempts=3, lease_seconds=600, atomic=False)
def housekeeping(payload: dict) -> None:
    """Nightly: finished jobs after 14 days, and whatever apps registered (read notifications after 90 days).
    Every step is an idempotent delete."""
    from kefu.jobs.services import jobs_purge

    for step in HOUSEKEEPING:
        step()
    jobs_purge()
