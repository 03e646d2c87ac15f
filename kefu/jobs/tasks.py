"""The Huey side of kefu.jobs: a ring that makes a worker run due jobs, and the jobs of this app."""

from __future__ import annotations

import time

from huey.contrib.djhuey import HUEY, db_task

from .registry import background


@db_task()
def jobs_ring(job_id: int | None = None) -> int:
    """Runs job ``job_id`` if it is still due, then drains other due jobs (only that one in tests,
    where Huey runs immediately and a test should see exactly the work it committed)."""
    from .services import jobs_run_due

    return jobs_run_due(hint=job_id, drain=not HUEY.immediate)


@background("jobs.probe", max_attempts=3, lease_seconds=5)
def probe(payload: dict) -> None:
    """Leaves one JobProbe row per key: `kefu jobs probe` and the worker tests count them."""
    from .models import JobProbe
    from .runner import RUNNER

    time.sleep(min(float(payload.get("sleep", 0)), 5.0))
    attempt = getattr(RUNNER.current(), "attempts", 0)
    JobProbe.objects.create(key=str(payload["key"]), attempt=attempt, worker=RUNNER.worker_id)
