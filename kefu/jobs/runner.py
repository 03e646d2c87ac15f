"""What one process knows about the jobs it runs: its identity, the jobs it holds, whether it is stopping."""

from __future__ import annotations

import os
import socket
import threading
import uuid


class Runner:
    def __init__(self) -> None:
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:120]
        self._held: dict[int, object] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self.stop_flag: threading.Event | None = None  # the Huey consumer's, set by `kefu worker`
        self.rings_per_sweep = 4

    def hold(self, job) -> None:
        with self._lock:
            self._held[job.pk] = job
        self._local.job = job

    def current(self):
        """The job this thread is running (handlers may read its attempts), or None."""
        return getattr(self._local, "job", None)

    def release(self, job) -> None:
        with self._lock:
            self._held.pop(job.pk, None)
        self._local.job = None

    def held(self) -> list:
        with self._lock:
            return list(self._held.values())

    def stopping(self) -> bool:
        return self.stop_flag is not None and self.stop_flag.is_set()


RUNNER = Runner()
