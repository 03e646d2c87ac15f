"""Durable background work (后台任务): at least once, effects once. Design and reasons: docs/jobs.md.

Usage::

    from kefu.jobs import background, enqueue

    # in your app's tasks.py (discovered at start-up by every web and worker process)
    @background("qa.inspect", max_attempts=5, lease_seconds=300)
    def inspect_conversation(payload: dict) -> None:
        ...  # may run more than once (a worker dies after the work, before "done"): make it idempotent

    # anywhere, usually inside a service's transaction
    enqueue("qa.inspect", {"conversation": 12}, key="qa.inspect:12")

- ``enqueue`` writes a Job row in the caller's transaction (a rollback cancels it) and rings a worker
  after commit. ``key``: while a job with that key is pending, enqueueing it again returns that job.
- The handler runs in a worker (`kefu worker`); in tests (Huey immediate) it runs right after commit,
  so use ``django_capture_on_commit_callbacks(execute=True)`` or a transactional test.
- By default (``atomic=True``) the handler's database writes commit in one transaction with the job's
  "done": a worker killed mid-way leaves nothing, the rerun does it all, once. Long batch work that
  commits in chunks passes ``atomic=False`` and must be idempotent itself. Mail and other effects
  outside the database: record "sent" in the database under a unique key before or with the send.
- A failing handler is retried with backoff (5 s, 10 s, 20 s ... 10 min) up to ``max_attempts``, then the
  job is ``failed`` (visible in the admin, last_error kept). A worker that dies loses its leases when
  ``lease_seconds`` pass without its heartbeat; the sweep (kefu/periodic.py) gives the jobs to others.
- Payloads are JSON; pass ids, not objects. Periodic work is declared in kefu/periodic.py.
- Long work in chunks: ``checkpoint()`` says where a previous run stopped; ``progress(done=, total=,
  **checkpoint)`` inside each chunk's transaction records how far it got (shown in the admin), so a
  rerun resumes there and every chunk's effects happen once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import background

if TYPE_CHECKING:
    from .models import Job


def enqueue(name: str, payload: dict, key: str | None = None) -> Job:
    """Records the job ``name(payload)`` in the current transaction; a worker runs it after commit."""
    # Imported here: this package is also the Django app module, imported before models can be.
    from .services import job_enqueue

    return job_enqueue(name=name, payload=payload, key=key)


def progress(*, done: int, total: int, **checkpoint) -> None:
    """How far the running job got (its checkpoint), written in the caller's transaction."""
    from .services import job_progress

    job_progress(done=done, total=total, **checkpoint)


def checkpoint() -> dict:
    """The running job's last committed progress: where a rerun resumes ({} on a first run)."""
    from .services import job_checkpoint

    return job_checkpoint()


__all__ = ["background", "checkpoint", "enqueue", "progress"]
