import os
import socket

from huey.contrib.djhuey import task


@task()
def worker_echo(value: str) -> dict:
    """Answers with where it ran: proves a consumer (not the caller) executed the task."""
    return {"echo": value, "pid": os.getpid(), "host": socket.gethostname()}
