"""kefu.jobs in one process: enqueue in the caller's transaction, leases, retries, sweep, hand back."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import transaction
from django.utils import timezone

from kefu.jobs import background, enqueue
from kefu.jobs.models import Job, JobProbe, JobState
from kefu.jobs.runner import RUNNER
from kefu.jobs.services import job_claim, job_run, jobs_hand_back, jobs_run_due, jobs_sweep

pytestmark = pytest.mark.django_db
CALLS: list[dict] = []


@background("test.flaky", max_attempts=2, lease_seconds=60)
def flaky(payload: dict) -> None:
    CALLS.append(payload)
    JobProbe.objects.create(key=f"flaky:{len(CALLS)}", attempt=len(CALLS), worker="test")
    if payload.get("fail_times", 0) >= len(CALLS):
        raise RuntimeError("upstream said no")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_a_job_runs_once_right_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            job = enqueue("jobs.probe", {"key": "a"})
            assert not JobProbe.objects.exists()  # nothing runs before commit
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 1)
    assert list(JobProbe.objects.values_list("key", "attempt")) == [("a", 1)]


def test_a_rolled_back_transaction_leaves_no_job(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            enqueue("jobs.probe", {"key": "never"})
            1 / 0  # noqa: B018
    assert not Job.objects.exists() and not JobProbe.objects.exists()


def test_a_key_makes_a_pending_job_unique(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            first = enqueue("jobs.probe", {"key": "k"}, key="probe:k")
            second = enqueue("jobs.probe", {"key": "k"}, key="probe:k")
    assert first.pk == second.pk
    assert Job.objects.count() == 1 and JobProbe.objects.count() == 1


def test_the_same_key_is_accepted_again_once_the_first_job_ran(django_capture_on_commit_callbacks):
    for key in ("x", "y"):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue("jobs.probe", {"key": key}, key="probe")
    assert Job.objects.filter(key="probe", state=JobState.DONE).count() == 2


def test_unknown_names_and_non_json_payloads_are_refused():
    with pytest.raises(LookupError, match="qa.inspektion"):
        enqueue("qa.inspektion", {})
    with pytest.raises(TypeError, match="JSON"):
        enqueue("jobs.probe", {"when": timezone.now()})
    assert not Job.objects.exists()


def test_a_failing_job_is_retried_later_and_its_failed_attempt_leaves_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("test.flaky", {"fail_times": 1})
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.PENDING, 1)
    assert "upstream said no" in job.last_error and job.run_after > timezone.now()
    assert not JobProbe.objects.exists()  # the failed attempt's write was rolled back with it
    assert jobs_run_due(drain=True) == 0  # not due yet
    with patch("django.utils.timezone.now", return_value=job.run_after + timedelta(seconds=1)):
        assert jobs_run_due(drain=True) == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert list(JobProbe.objects.values_list("attempt", flat=True)) == [2]


def test_a_job_fails_for_good_after_max_attempts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("test.flaky", {"fail_times": 5})
    with patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=1)):
        jobs_run_due(drain=True)
    job.refresh_from_db()
    assert (job.state, job.attempts, len(CALLS)) == (JobState.FAILED, 2, 2)


def test_the_sweep_returns_a_dead_workers_job_and_the_rerun_does_the_work_once():
    job = enqueue("jobs.probe", {"key": "orphan"})  # no commit hook runs: nobody rang
    claimed = job_claim(hint=job.pk)
    assert claimed.state == JobState.RUNNING  # ... and its worker died here, lease running
    later = timezone.now() + timedelta(seconds=claimed.lease_seconds + 1)
    with patch("django.utils.timezone.now", return_value=later):
        # the sweep hands it back and rings; Huey (immediate in tests) runs it at once
        assert jobs_sweep()["returned"] == 1
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert JobProbe.objects.get().attempt == 2


def test_the_sweep_fails_a_job_whose_attempts_are_used_up():
    job = enqueue("test.flaky", {})
    Job.objects.filter(pk=job.pk).update(attempts=1)
    job_claim(hint=job.pk)
    with patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=5)):
        assert jobs_sweep()["failed"] == 1
    assert Job.objects.get().state == JobState.FAILED


def test_an_expired_job_with_a_pending_twin_is_superseded_not_duplicated():
    job = enqueue("jobs.probe", {"key": "twin"}, key="probe:twin")
    job_claim(hint=job.pk)
    twin = enqueue("jobs.probe", {"key": "twin"}, key="probe:twin")
    assert twin.pk != job.pk  # the first is running: new work needs a new run
    with patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(minutes=5)):
        jobs_sweep()
    assert Job.objects.get(pk=job.pk).state == JobState.SUPERSEDED
    assert Job.objects.get(pk=twin.pk).state == JobState.DONE  # the sweep rang the waiting twin
    assert JobProbe.objects.count() == 1


def test_a_run_that_lost_its_lease_rolls_its_writes_back():
    job = enqueue("jobs.probe", {"key": "stolen"})
    claimed = job_claim(hint=job.pk)
    Job.objects.filter(pk=job.pk).update(worker="another-host:1:abc")  # the sweep gave it to someone else
    assert job_run(claimed) is False
    assert not JobProbe.objects.exists()
    assert Job.objects.get().state == JobState.RUNNING


def test_a_stopping_worker_hands_its_running_job_back_without_counting_the_attempt():
    job = enqueue("jobs.probe", {"key": "sigterm"})
    claimed = job_claim(hint=job.pk)
    RUNNER.hold(claimed)
    try:
        assert jobs_hand_back() == 1
    finally:
        RUNNER.release(claimed)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.lease_until) == (JobState.PENDING, 0, None)


def test_a_calendar_change_enqueues_one_recompute_per_calendar(desk, django_capture_on_commit_callbacks):
    from kefu.sla.calendar_services import calendar_set_default
    from kefu.sla.models import Calendar

    calendar = Calendar.objects.get(is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            calendar_set_default(by=desk.admin, calendar=calendar)
            calendar_set_default(by=desk.admin, calendar=calendar)
    jobs = list(Job.objects.values_list("name", "state"))
    assert jobs == [("sla.recompute_open", JobState.DONE)]
