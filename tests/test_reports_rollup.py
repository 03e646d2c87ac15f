"""The day rollup (issue 15): the figures it backs equal a live computation from the orders and clocks
after creating, answering, resolving, reopening, reassigning (team and agent), retyping, merging and
deleting orders; before the job ran (dirty days are read live) and after it (days read from the rollup);
when the job runs twice (idempotent) and when it is killed mid-way (its day rolls back and stays dirty)."""

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from kefu import policy
from kefu.jobs.models import Job
from kefu.reports import rollup
from kefu.reports.facts import built_days, report_facts
from kefu.reports.filters import Period, build_filter
from kefu.reports.models import DayFact, RollupDay
from kefu.sla.models import SlaClock
from kefu.sla.outcomes import outcome_counts
from kefu.tickets import services as ts
from kefu.tickets.models import ACTIVE_STATUSES, Ticket
from tests import factories

DIMS = ("team_id", "assignee_id", "channel", "type", "priority")
KINDS = ("first_response", "next_response", "resolution")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return call


def live(user, f, now) -> dict:
    """The definitions straight from the orders and their clocks, per order dimensions."""
    tickets = Ticket.objects.filter(policy.report_ticket_scope(user)).filter(f.tickets_q())
    created = tickets.filter(f.period.q("created_at"))
    out = {}
    for r in created.values(*DIMS).annotate(n=Count("id"), o=Count("id", filter=Q(status__in=ACTIVE_STATUSES))):
        out.setdefault(tuple(r[k] for k in DIMS), {})["orders"] = (r["n"], r["o"])
    for r in tickets.filter(f.period.q("resolved_at")).values(*DIMS).annotate(n=Count("id")):
        out.setdefault(tuple(r[k] for k in DIMS), {})["resolved"] = r["n"]
    clocks = SlaClock.objects.filter(ticket__in=created.values("pk"), kind__in=KINDS)
    for r in outcome_counts(clocks, now, (*[f"ticket__{k}" for k in DIMS], "kind")):
        out.setdefault(tuple(r[f"ticket__{k}"] for k in DIMS), {})[r["kind"]] = (r["due"], r["met"])
    return out


def rolled(user, f, now) -> dict:
    out = {}
    for key, facts in report_facts(user, f, DIMS, now).items():
        row = {}
        if facts.created:
            row["orders"] = (facts.created, facts.open)
        if facts.resolved:
            row["resolved"] = facts.resolved
        for kind in KINDS:
            if facts.clocks[kind]:
                row[kind] = (facts.due[kind], facts.met[kind])
        if row:
            out[key] = row
    return out


class World:
    def __init__(self, desk, run):
        self.desk, self.run = desk, run
        self.today = timezone.localdate()
        self.base = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        self.f = build_filter(desk.supervisor, Period(self.today - timedelta(days=8), self.today))
        self.yesterday_f = build_filter(desk.supervisor, Period(self.today - timedelta(days=8),
                                                                self.today - timedelta(days=1)))

    def at(self, days_ago: int, hour: int = 10):
        return self.base.replace(hour=hour) - timedelta(days=days_ago)

    def order(self, days_ago, agent, team, reply=None, resolve=None, **extra):
        created = self.at(days_ago)
        with patch("django.utils.timezone.now", return_value=created):
            t = self.run(factories.ticket, agent, created_at=created, team=team, assignee=agent, **extra)
        if reply is not None:
            answered = self.at(reply, 11)
            with patch("django.utils.timezone.now", return_value=answered):
                self.run(ts.ticket_add_message, ticket=t, by=agent, kind="reply", body="您好，已为您处理")
        if resolve is not None:
            resolved = self.at(resolve, 15)
            with patch("django.utils.timezone.now", return_value=resolved):
                self.run(ts.ticket_set_status, ticket=Ticket.objects.get(pk=t.pk), by=agent, status="resolved")
        return Ticket.objects.get(pk=t.pk)

    def check(self, *, built: bool) -> None:
        """Figures equal the live ones; ``built``: every past day of the period is read from the rollup."""
        now = timezone.now()
        past = [d for d in self.f.period.dates() if d < self.today]
        assert (built_days(past) == set(past)) is built
        for f in (self.f, self.yesterday_f, self.f.narrow(team=self.desk.team_a.pk)):
            assert rolled(self.desk.supervisor, f, now) == live(self.desk.supervisor, f, now)
        agent = build_filter(self.desk.agent, self.f.period)
        assert rolled(self.desk.agent, agent, now) == live(self.desk.agent, agent, now)


@pytest.fixture
def world(desk, run):
    w = World(desk, run)
    d = desk
    w.t1 = w.order(8, d.agent, d.team_a, reply=8, resolve=6)  # answered and resolved on past days
    w.t2 = w.order(7, d.agent, d.team_a, reply=5, resolve=5, channel="chat")
    w.t3 = w.order(6, d.other_agent, d.team_b, reply=6)  # answered, still open
    w.t4 = w.order(5, d.teammate, d.team_a)  # never answered: its first response ran late
    w.t5 = w.order(3, d.other_agent, d.team_b, reply=3, resolve=2, type="after_sales")
    w.t6 = w.order(0, d.agent, d.team_a, reply=0)  # today: always live
    return w


def test_figures_equal_live_before_and_after_the_job_and_it_is_rung_by_the_change(world):
    assert Job.objects.filter(name="reports.rollup").exists()  # order changes rang the rollup job
    rollup.rollup_refresh()
    world.check(built=True)
    assert DayFact.objects.filter(created__gt=0).exists() and DayFact.objects.filter(fr_stopped__gt=0).exists()
    # running clocks: already due ones in their order's row, the others by the day they fall due
    assert DayFact.objects.filter(Q(fr_running__gt=0) | Q(res_running__gt=0)).exists()
    # the summary and the tables read the rollup: built days cost no query on the orders
    from kefu.reports.summary import summary

    figures = summary(world.desk.supervisor, world.yesterday_f)
    assert figures["orders"] == {"created": 5, "resolved": 3, "open": 2}
    # a change made now rings the job, which (run at once here, as a worker would soon) rebuilds its days
    world.run(ts.ticket_assign, ticket=world.t3, by=world.desk.supervisor, assignee=world.desk.agent,
              team=world.desk.team_a)
    world.check(built=True)


@pytest.mark.parametrize("change", ["resolve", "reopen", "reassign", "retype", "merge", "delete", "answer"])
def test_every_kind_of_change_keeps_the_figures_exact(world, change):
    d, run = world.desk, world.run
    rollup.rollup_refresh()
    world.check(built=True)
    held = patch.object(rollup, "rollup_refresh", lambda **kwargs: 0)  # the job is rung but has not run yet
    held.start()
    if change == "resolve":
        resolved = world.at(1, 16)
        with patch("django.utils.timezone.now", return_value=resolved):
            run(ts.ticket_set_status, ticket=world.t3, by=d.other_agent, status="resolved")
    elif change == "reopen":  # resolved 6 days ago: that day loses a resolution
        run(ts.ticket_set_status, ticket=Ticket.objects.get(pk=world.t1.pk), by=d.agent, status="open")
    elif change == "reassign":
        run(ts.ticket_assign, ticket=world.t4, by=d.supervisor, assignee=d.other_agent, team=d.team_b)
    elif change == "retype":
        run(ts.ticket_update, ticket=world.t3, by=d.supervisor, type="complaint", channel="email", priority="high")
    elif change == "merge":
        dup = world.order(4, d.agent, d.team_a, cust=world.t4.customer)
        held.stop()
        rollup.rollup_refresh()
        held.start()
        run(ts.ticket_merge, source=dup, target=world.t4, by=d.agent)
    elif change == "delete":
        run(Ticket.objects.get(pk=world.t2.pk).delete)
    elif change == "answer":
        answered = world.at(1, 9)
        with patch("django.utils.timezone.now", return_value=answered):
            run(ts.ticket_add_message, ticket=world.t4, by=d.teammate, kind="reply", body="您好")
    held.stop()
    dirty = [day for day in world.f.period.dates()[:-1] if day not in built_days([day])]
    assert dirty  # the change marked its days: they are read live until the job rebuilt them
    world.check(built=False)
    rollup.rollup_refresh()
    world.check(built=True)


def test_the_job_twice_changes_nothing_and_a_killed_run_leaves_its_day_dirty(world, monkeypatch):
    monkeypatch.setattr(rollup, "SETTLE", timedelta(0))  # just after midnight yesterday would be rebuilt again
    rollup.rollup_refresh()
    for day in world.f.period.dates()[:-1]:
        rollup.build_day(day)  # every day built today (days the fixture's jobs built on earlier days differ)
    fields = [f.attname for f in DayFact._meta.fields if f.attname != "id"]
    before = sorted(DayFact.objects.values_list(*fields), key=str)
    assert rollup.rollup_refresh() == 0  # nothing dirty: nothing rebuilt
    for day in world.f.period.dates()[:-1]:
        rollup.build_day(day)  # rebuilding a clean day (a second delivery of the job) gives the same rows
    after = sorted(DayFact.objects.values_list(*fields), key=str)
    assert before == after
    # changes (the job held back), then the job dies while rebuilding the second dirty day
    with patch.object(rollup, "rollup_refresh", lambda **kwargs: 0):
        world.run(ts.ticket_assign, ticket=world.t3, by=world.desk.supervisor, assignee=world.desk.agent,
                  team=world.desk.team_a)
        world.run(ts.ticket_set_status, ticket=Ticket.objects.get(pk=world.t2.pk), by=world.desk.agent,
                  status="open")
    dirty = rollup.dirty_days()
    assert len(dirty) >= 2
    real = rollup.build_rows
    calls = []

    def dies(days, scope=None, today=None, clocks=True):
        calls.append(days)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(days, scope, today, clocks)

    with patch.object(rollup, "build_rows", dies), pytest.raises(SystemExit):
        rollup.rollup_refresh()
    still = rollup.dirty_days()
    assert dirty[1] in still and dirty[0] not in still  # the first day committed, the killed one rolled back
    assert DayFact.objects.filter(day=dirty[1]).exists()  # its old rows are still there, just not trusted
    world.check(built=False)
    assert rollup.rollup_refresh() == len(still)  # the job runs again (at least once) and finishes
    world.check(built=True)


def test_a_change_made_while_a_day_is_built_leaves_it_dirty(world):
    rollup.rollup_refresh()
    day = timezone.localtime(world.t3.created_at).date()
    real = rollup.build_rows

    def meanwhile(days, scope=None, today=None, clocks=True):
        rows = real(days, scope, today, clocks)
        rollup.days_changed([day])  # another request's change commits after the builder read the version
        return rows

    rollup.days_changed([day])
    with patch.object(rollup, "build_rows", meanwhile):
        rollup.build_day(day)
    state = RollupDay.objects.get(day=day)
    assert state.built_version == state.version - 1  # built for the version it read: still dirty
    assert day in rollup.dirty_days()


def test_a_calendar_edit_rebuilds_the_days_whose_running_clocks_it_moved(world):
    """Holidays entered for last week move the open orders' running clocks in bulk (the SLA recompute job,
    no order change): the days those orders were created on are rebuilt and equal the live figures."""
    from kefu.sla.calendar_services import exception_save
    from kefu.sla.calendars import default_calendar

    rollup.rollup_refresh()
    world.check(built=True)
    before = {c.pk: c.due_at for c in SlaClock.objects.filter(stopped_at__isnull=True)}
    calendar = default_calendar()
    first = world.today - timedelta(days=7)
    for offset in range(7):  # each edit enqueues the recompute; the test's worker runs the jobs at once
        world.run(exception_save, by=world.desk.admin, calendar=calendar, day=first + timedelta(days=offset),
                  kind="holiday", name="停电停工")
    assert any(c.due_at != before[c.pk] for c in SlaClock.objects.filter(pk__in=before))  # clocks moved
    world.check(built=True)  # the moved days were marked dirty and rebuilt: they equal the live figures
