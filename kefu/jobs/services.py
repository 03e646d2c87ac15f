"""Writes on jobs: enqueue in the caller's transaction, claim with a lease, finish, sweep, hand back.

A job's state is a database row; Huey only rings a worker (kefu.jobs.tasks.jobs_ring) after commit.
A ring that is lost (worker SIGKILLed after taking it, Redis flushed) costs nothing but time: the
periodic sweep re-rings pending work and returns running work whose lease expired.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Job, JobState
from .registry import JobType, job_type
from .runner import RUNNER

log = logging.getLogger("kefu.jobs")
RING_STALE = timedelta(seconds=30)  # pending and due this long without a claim: its ring was lost
MAX_BACKOFF = 600


def job_enqueue(*, name: str, payload: dict, key: str | None = None) -> Job:
    """Records ``name(payload)`` in the caller's transaction; a worker is rung after commit."""
    kind = job_type(name)
    if kind is None:
        raise LookupError(f"no background job named {name!r} (is its tasks.py in an installed app?)")
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"payload of {name!r} must be JSON: {exc}") from exc
    now = timezone.now()
    with transaction.atomic():
        job = _insert_or_join(kind, payload, key, now)
    transaction.on_commit(lambda: ring(job.pk))
    return job


def _insert_or_join(kind: JobType, payload: dict, key: str | None, now: datetime) -> Job:
    fields = {"name": kind.name, "payload": payload, "key": key or "", "max_attempts": kind.max_attempts,
              "lease_seconds": kind.lease_seconds, "run_after": now, "rung_at": now}
    if not key:
        return Job.objects.create(**fields)
    for _ in range(5):
        try:
            with transaction.atomic():
                return Job.objects.create(**fields)
        except IntegrityError:
            pass
        # The same work is already waiting: lock it so that no worker starts it before this transaction
        # commits (it would miss what this transaction wrote); if it started meanwhile, insert again.
        twin = Job.objects.select_for_update().filter(key=key, state=JobState.PENDING).first()
        if twin is not None:
            return twin
    raise RuntimeError(f"could not enqueue {kind.name!r} with key {key!r}")


def ring(job_id: int | None = None, delay: float = 0) -> None:
    """Tells a worker there is work. Never raises: a ring that fails is repeated by the sweep."""
    from .tasks import jobs_ring  # here, not at the top: the ring task calls back into this module

    try:
        if delay > 0:
            jobs_ring.schedule(args=(job_id,), delay=delay)
        else:
            jobs_ring(job_id)
    except Exception:  # Redis down: the job is safe in the database; the sweep rings it later
        log.exception("could not ring a worker for job %s; the sweep will", job_id)


def job_claim(*, hint: int | None = None, fallback: bool = True, now: datetime | None = None) -> Job | None:
    """Takes one due pending job (``hint`` first, then with ``fallback`` the oldest due) for this process,
    with a lease; None when none is due."""
    now = now or timezone.now()
    due = Job.objects.filter(state=JobState.PENDING, run_after__lte=now)
    candidates = [due.filter(pk=hint)] if hint else []
    if fallback or not hint:
        candidates.append(due.order_by("run_after", "id"))
    for query in candidates:
        for _ in range(3):
            with transaction.atomic():
                # SKIP LOCKED on PostgreSQL: concurrent workers take different rows without waiting.
                # SQLite ignores FOR UPDATE; the conditional UPDATE below lets only one claimer win.
                job = query.select_for_update(skip_locked=True).only("pk", "lease_seconds").first()
                if job is None:
                    break
                claimed = Job.objects.filter(pk=job.pk, state=JobState.PENDING).update(
                    state=JobState.RUNNING, worker=RUNNER.worker_id, started_at=now,
                    lease_until=now + timedelta(seconds=job.lease_seconds), attempts=F("attempts") + 1)
            if claimed:
                return Job.objects.get(pk=job.pk)
    return None


def job_run(job: Job) -> bool:
    """Runs a claimed job's handler; True when it finished. Failures are recorded, never raised."""
    kind = job_type(job.name)
    if kind is None:  # enqueued by a newer release than this worker: leave it to one that knows it
        _release(job, error=f"no handler for {job.name!r} on worker {RUNNER.worker_id}", delay=60, count=False)
        return False
    RUNNER.hold(job)
    try:
        if kind.atomic:
            with transaction.atomic():
                kind.handler(job.payload)
                _finish(job, in_transaction=True)
        else:
            kind.handler(job.payload)
            _finish(job, in_transaction=False)
        return True
    except LeaseLost:
        log.warning("job %s lost its lease while running; its other run counts", job.pk)
        return False
    except Exception as exc:
        _fail(job, exc)
        return False
    finally:
        RUNNER.release(job)


class LeaseLost(Exception):
    """This process no longer holds the job (the sweep gave it to another worker)."""


def _finish(job: Job, *, in_transaction: bool) -> None:
    done = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(
        state=JobState.DONE, finished_at=timezone.now(), lease_until=None, last_error="")
    if not done and in_transaction:
        raise LeaseLost  # rolls back this run's writes: the run that holds the lease makes them


def _fail(job: Job, exc: Exception) -> None:
    error = "".join(traceback.format_exception(exc))[-4000:]
    log.error("job %s %s attempt %s failed: %s", job.pk, job.name, job.attempts, exc)
    if job.attempts >= job.max_attempts:
        Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(
            state=JobState.FAILED, finished_at=timezone.now(), lease_until=None, last_error=error)
        return
    _release(job, error=error, delay=min(5 * 2 ** (job.attempts - 1), MAX_BACKOFF), count=True)


def _release(job: Job, *, error: str, delay: float, count: bool) -> None:
    """Back to pending after ``delay`` seconds; ``count=False`` gives the attempt back (not its fault)."""
    now = timezone.now()
    changes = {"state": JobState.PENDING, "worker": "", "lease_until": None, "last_error": error[-4000:],
               "run_after": now + timedelta(seconds=delay), "rung_at": now}
    if not count:
        changes["attempts"] = F("attempts") - 1
    try:
        with transaction.atomic():
            released = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(**changes)
    except IntegrityError:  # a pending twin with the same key waits already: it will do this work
        released = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(
            state=JobState.SUPERSEDED, lease_until=None, finished_at=now, last_error=error[-4000:])
        return
    if released:
        transaction.on_commit(lambda: ring(job.pk, delay=delay))


def job_progress(*, done: int, total: int, **checkpoint) -> None:
    """Records how far the running job got, in the caller's transaction: a long handler commits each
    chunk's writes together with its checkpoint, so the admin sees the progress and a rerun (the worker
    died) resumes after the last committed chunk, doing each chunk's work once. Outside a worker (a
    direct call) it records nothing."""
    job = RUNNER.current()
    if job is None:
        return
    progress = {"done": done, "total": total, **checkpoint}
    held = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(progress=progress)
    if not held:
        raise LeaseLost  # another worker has this job now: roll this chunk back, its run does the work
    job.progress = progress


def job_checkpoint() -> dict:
    """The running job's last recorded progress (empty on a first run or outside a worker)."""
    job = RUNNER.current()
    return dict(job.progress or {}) if job is not None else {}


def jobs_hand_back() -> int:
    """SIGTERM / Ctrl+C: the jobs this process still runs go back to pending now, attempt not counted."""
    held = RUNNER.held()
    for job in held:
        _release(job, error=f"handed back by stopping worker {RUNNER.worker_id}", delay=0, count=False)
    return len(held)


def jobs_renew_leases(now: datetime | None = None) -> int:
    """Heartbeat: extends the leases of the jobs this process is running, so only a dead process loses them."""
    now = now or timezone.now()
    renewed = 0
    for job in RUNNER.held():
        renewed += Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=RUNNER.worker_id).update(
            lease_until=now + timedelta(seconds=job.lease_seconds))
    return renewed


def jobs_sweep(*, now: datetime | None = None, limit: int = 1000) -> dict:
    """Returns expired leases to pending (or fails them when attempts are used up) and re-rings
    pending work whose ring was lost. Safe to run on every worker at once."""
    now = now or timezone.now()
    expired = list(Job.objects.filter(state=JobState.RUNNING, lease_until__lt=now).order_by("lease_until")[:limit])
    returned = failed = 0
    for job in expired:
        note = f"lease expired (worker {job.worker} lost) during attempt {job.attempts}"
        if job.attempts >= job.max_attempts:
            failed += Job.objects.filter(pk=job.pk, state=JobState.RUNNING, lease_until__lt=now).update(
                state=JobState.FAILED, finished_at=now, lease_until=None, last_error=note)
            continue
        try:
            with transaction.atomic():
                returned += Job.objects.filter(pk=job.pk, state=JobState.RUNNING, lease_until__lt=now).update(
                    state=JobState.PENDING, worker="", lease_until=None, run_after=now, rung_at=None,
                    last_error=note)
        except IntegrityError:  # a pending twin (same key) will do the work
            Job.objects.filter(pk=job.pk, state=JobState.RUNNING, lease_until__lt=now).update(
                state=JobState.SUPERSEDED, finished_at=now, lease_until=None, last_error=note)
    stale = Job.objects.filter(state=JobState.PENDING, run_after__lte=now - RING_STALE)
    stale = stale.exclude(rung_at__gte=now - RING_STALE)
    to_ring = list(stale.order_by("run_after", "id").values_list("pk", flat=True)[:limit])
    Job.objects.filter(pk__in=to_ring).update(rung_at=now)
    for pk in to_ring[:RUNNER.rings_per_sweep]:  # one ring drains many: a few suffice for any backlog
        ring(pk)
    for _ in range(returned):
        ring(None)
    return {"returned": returned, "failed": failed, "rung": min(len(to_ring), RUNNER.rings_per_sweep)}


def jobs_purge(*, days: int = 14) -> int:
    """Finished jobs older than ``days`` (failed ones are kept for a person to look at)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = Job.objects.filter(state__in=[JobState.DONE, JobState.SUPERSEDED], finished_at__lt=cutoff).delete()
    return deleted


def jobs_run_due(*, hint: int | None = None, budget_seconds: float = 10.0, drain: bool = True) -> int:
    """Runs ``hint`` if due, then (``drain``) other due jobs until none is left, the budget is spent or the
    worker is stopping; returns how many ran."""
    started = timezone.now()
    ran = claimed = 0
    while not RUNNER.stopping():
        job = job_claim(hint=hint if claimed == 0 else None, fallback=drain)
        if job is None:
            break
        claimed += 1
        ran += job_run(job)
        if not drain or (timezone.now() - started).total_seconds() > budget_seconds:
            if drain and Job.objects.filter(state=JobState.PENDING, run_after__lte=timezone.now()).exists():
                ring(None)  # more is due: let the queue hand it to whichever worker is free
            break
    return ran
