"""A change of a calendar's weekly hours (or of an SLA policy) recomputes the open orders' deadlines in a
durable background job, in chunks, each committed with its checkpoint: the request returns at once, the
admin sees how far the job got, and a worker that dies mid-way is followed by a run that resumes after
the last committed chunk, so every order is recomputed once."""

from datetime import datetime, timedelta
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.jobs.models import Job, JobState
from kefu.jobs.services import job_claim, job_run
from kefu.sla import calendar_services as cs
from kefu.sla import policy_services, services, tasks
from kefu.sla.models import Calendar, SlaPolicy
from kefu.tickets.models import Ticket
from tests import factories

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SH)


@pytest.fixture
def orders(desk, django_capture_on_commit_callbacks):
    with patch("django.utils.timezone.now", return_value=MONDAY), django_capture_on_commit_callbacks(execute=True):
        return [factories.ticket(desk.agent, subject=f"第{i}张", type="complaint") for i in range(5)]


def dues(orders) -> dict[int, datetime]:
    return dict(Ticket.objects.filter(pk__in=[t.pk for t in orders]).values_list("pk", "due_at"))


def longer_days(desk) -> Calendar:
    """The default calendar's weekdays become 13:00-14:00: every open order's deadline (received Monday
    10:00) moves later."""
    calendar = Calendar.objects.get(is_default=True)
    with patch("django.utils.timezone.now", return_value=MONDAY):
        cs.calendar_save(by=desk.admin, calendar=calendar, name=calendar.name,
                         weekly_hours={day: "13:00-14:00" if day < 5 else "" for day in range(7)})
    return calendar


def run_job(job: Job) -> bool:
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    claimed = job_claim(hint=job.pk, fallback=False)
    assert claimed is not None
    with patch("django.utils.timezone.now", return_value=MONDAY):
        return job_run(claimed)


def test_a_weekly_hours_change_returns_at_once_and_recomputes_in_the_background(desk, orders, client):
    before = dues(orders)
    with patch.object(tasks, "RECOMPUTE_CHUNK", 2):
        longer_days(desk)  # no commit callbacks run here: the worker has not picked the job up yet
        assert dues(orders) == before  # nothing recomputed in the request
        job = Job.objects.get(name="sla.recompute_open", state=JobState.PENDING)
        client.force_login(desk.admin)
        assert "已排队" in client.get("/calendars/").content.decode()
        assert run_job(job)
    job.refresh_from_db()
    after = dues(orders)
    assert job.state == JobState.DONE and job.progress["done"] == job.progress["total"] == 5
    assert all(after[pk] > before[pk] for pk in before)  # shorter days: every deadline later


def test_a_policy_change_is_a_background_job_too(desk, orders):
    policy = SlaPolicy.objects.filter(ticket_type="complaint").first() or SlaPolicy.objects.first()
    with patch("django.utils.timezone.now", return_value=MONDAY):
        policy_services.policy_save(by=desk.admin, policy_row=policy, resolution=1, resolution_unit="working_days",
                                    warning_share=0.5)
    assert Job.objects.filter(name="sla.recompute_open", state=JobState.PENDING).exists()


def test_a_run_killed_mid_way_resumes_after_the_last_committed_chunk(desk, orders, client):
    recomputed: list[list[int]] = []
    original = services.recompute_tickets
    crash = {"after_chunks": 1}

    def dying(tickets, ctx):
        if crash["after_chunks"] == 0:
            crash["after_chunks"] = -1
            raise RuntimeError("worker lost")  # the second chunk of the first run never commits
        crash["after_chunks"] -= 1
        recomputed.append(sorted(t.pk for t in tickets))
        return original(tickets, ctx)

    with patch.object(tasks, "RECOMPUTE_CHUNK", 2), patch.object(services, "recompute_tickets", dying):
        longer_days(desk)
        job = Job.objects.get(name="sla.recompute_open", state=JobState.PENDING)
        assert not run_job(job)
        job.refresh_from_db()
        assert (job.state, job.progress["done"], job.progress["total"]) == (JobState.PENDING, 2, 5)
        Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)  # as the admin sees it while it runs
        client.force_login(desk.admin)
        assert "2 / 5（40%）" in client.get("/calendars/").content.decode()
        Job.objects.filter(pk=job.pk).update(state=JobState.PENDING)
        assert run_job(job)
    job.refresh_from_db()
    flat = [pk for chunk in recomputed for pk in chunk]
    assert sorted(flat) == sorted(t.pk for t in orders)  # each order once over both runs
    assert (job.state, job.attempts, job.progress["done"], job.progress["total"]) == (JobState.DONE, 2, 5, 5)
    settled = dues(orders)
    with patch("django.utils.timezone.now", return_value=MONDAY):
        services.clocks_recompute_open()
    assert dues(orders) == settled  # the resumed job left the same figures as one full recompute
