"""Real worker processes on PostgreSQL and Redis: SIGKILL mid-batch and SIGTERM lose nothing and do
nothing twice. The production path only (several workers need a shared database that can lock rows);
on SQLite kefu.jobs is covered in-process by test_jobs.py. In CI (CI=true) this runs in the PostgreSQL pass.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from kefu.jobs import enqueue
from kefu.jobs.models import Job, JobProbe, JobState
from tests.test_background import REDIS_URL, _redis_or_skip

pytestmark = [pytest.mark.redis, pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queue(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the test database only on PostgreSQL (set DATABASE_URL=postgres://...)")
    _redis_or_skip()
    from huey import RedisHuey
    from huey.contrib.djhuey import HUEY

    name = f"kefu-test-{uuid.uuid4().hex[:8]}"
    HUEY.immediate = False
    HUEY.storage = RedisHuey(name, url=REDIS_URL).storage
    db = connection.settings_dict
    url = (f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}:"
           f"{db['PORT'] or 5432}/{db['NAME']}")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL, "HUEY_NAME": name, "HUEY_IMMEDIATE": "false",
           "DJANGO_SETTINGS_MODULE": "kefu.settings", "KEFU_VAR_DIR": str(tmp_path)}
    workers: list[subprocess.Popen] = []

    def start(grace: float = 25.0) -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(workers)}.log", "wb")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen([sys.executable, "-m", "kefu.cli", "worker", "-w", "2", "--grace", str(grace)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        workers.append(proc)
        return proc

    def logs() -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log")))

    start.logs = logs
    try:
        yield start
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        HUEY.storage.flush_all()
        HUEY.immediate = True


def wait_for(condition, timeout: float, what: str, logs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    states = dict(Job.objects.values_list("state").annotate(n=Count("id")))
    pytest.fail(f"timed out after {timeout} s waiting for {what}; jobs {states}; worker output:\n{logs()[-4000:]}")


def enqueue_probes(count: int, sleep: float) -> list[str]:
    keys = [f"item-{i}" for i in range(count)]
    for key in keys:
        enqueue("jobs.probe", {"key": key, "sleep": sleep})
    return keys


def assert_each_done_once(keys: list[str]) -> None:
    assert sorted(JobProbe.objects.values_list("key", flat=True)) == sorted(keys)
    # only the probes: the worker's scheduler may meanwhile enqueue periodic jobs (alerts, sweep ...)
    assert set(Job.objects.filter(name="jobs.probe").values_list("state", flat=True)) == {JobState.DONE}


def test_sigkill_mid_batch_then_restart_does_every_item_exactly_once(queue):
    worker = queue()
    keys = enqueue_probes(30, sleep=0.4)
    running = Job.objects.filter(name="jobs.probe", state=JobState.RUNNING)
    wait_for(lambda: JobProbe.objects.count() >= 4 and running.count() == 2, 90, "a batch under way", queue.logs)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    interrupted = list(running.values_list("pk", "lease_until"))
    assert interrupted, "nothing was running when the worker was killed"
    # Restart only once the dead worker's leases ran out (no heartbeat renews them now), so that the new
    # worker's start-up sweep finds them; in production the minute sweep of any live worker does it.
    expiry = max(lease for _, lease in interrupted)
    time.sleep(max((expiry - timezone.now()).total_seconds() + 0.5, 0))
    queue()
    done = Job.objects.filter(name="jobs.probe", state=JobState.DONE)
    wait_for(lambda: done.count() == len(keys), 120, "every item", queue.logs)
    assert_each_done_once(keys)
    for pk, _lease in interrupted:  # killed mid-way: run again, and their first run left nothing behind
        job = Job.objects.get(pk=pk)
        assert job.attempts == 2, (job, job.last_error)
        assert JobProbe.objects.get(key=job.payload["key"]).attempt == 2


@pytest.mark.parametrize("grace,sleep,outcome", [(25.0, 1.5, "finished"), (0.5, 5.0, "handed back")])
def test_sigterm_loses_nothing(queue, grace, sleep, outcome):
    worker = queue(grace=grace)
    keys = enqueue_probes(6, sleep=sleep)
    running = Job.objects.filter(name="jobs.probe", state=JobState.RUNNING)
    wait_for(lambda: running.count() == 2, 60, "two running jobs", queue.logs)
    interrupted = list(running.values_list("pk", flat=True))
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(grace + 20) == 0, queue.logs()
    assert not running.exists(), "a stopped worker left a job running (it would wait for its lease)"
    stopped = Job.objects.filter(pk__in=interrupted)
    if outcome == "finished":
        assert set(stopped.values_list("state", flat=True)) == {JobState.DONE}
    else:
        assert set(stopped.values_list("state", "attempts")) == {(JobState.PENDING, 0)}
        assert not JobProbe.objects.filter(key__in=[j.payload["key"] for j in stopped]).exists()
    queue(grace=grace)
    done = Job.objects.filter(name="jobs.probe", state=JobState.DONE)
    wait_for(lambda: done.count() == len(keys), 90, "every item", queue.logs)
    assert_each_done_once(keys)
