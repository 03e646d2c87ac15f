"""Each criterion rated from fixture data: the evidence queries count the right records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.complaints.models import Complaint, ComplaintState, ObjectKind, Party
from kefu.ratings.models import RatingConfig
from kefu.ratings.periods import current_period
from kefu.ratings.services import ratings_compute
from kefu.sla.models import SlaClock
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Trigger
from kefu.surveys.services import survey_answer, survey_send
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_assign, ticket_set_status
from tests import factories


@pytest.fixture
def period():
    return current_period("month", timezone.localdate())


@pytest.fixture
def small_samples(db):
    """Fixture data is small: every measure counts from 2 records, the overall from 4 orders."""
    from kefu.ratings.criteria import MEASURES

    return RatingConfig.objects.create(min_sample=4, min_samples={code: 2 for code in MEASURES})


def _rate(agent, period):
    snapshot = ratings_compute(period=period, agents=[agent])[0]
    return {c["code"]: c for c in snapshot.criteria}, snapshot


def _measure(criteria, code):
    return next(m for c in criteria.values() for m in c["measures"] if m["code"] == code)


def test_solutions_from_resolution_and_reopen_rates(desk, period, small_samples):
    tickets = [factories.ticket(desk.agent) for _ in range(5)]
    for t in tickets[:4]:
        ticket_set_status(ticket=t, by=desk.agent, status=Status.RESOLVED)
    ticket_set_status(ticket=tickets[0], by=desk.agent, status=Status.OPEN)  # reopened
    ticket_set_status(ticket=tickets[0], by=desk.agent, status=Status.RESOLVED)
    factories.ticket(desk.teammate)  # someone else's order counts for nobody here
    criteria, snapshot = _rate(desk.agent, period)
    resolution = _measure(criteria, "resolution_rate")
    reopen = _measure(criteria, "reopen_rate")
    assert (resolution["value"], resolution["sample"], resolution["stars"]) == (0.8, 5, 3)
    assert (reopen["value"], reopen["sample"], reopen["stars"]) == (0.25, 4, 1)
    assert criteria["solutions"]["stars"] == 2 and snapshot.sample == 5


def test_knowledge_from_orders_handed_on_and_no_qa_source(desk, period, small_samples, settings):
    mine = [factories.ticket(desk.agent) for _ in range(3)]
    ticket_assign(ticket=mine[0], by=desk.agent, assignee=desk.teammate)
    criteria, _snapshot = _rate(desk.agent, period)
    escalation = _measure(criteria, "escalation_rate")
    assert (escalation["value"], escalation["sample"]) == (pytest.approx(1 / 3), 3)
    knowledge = _measure(criteria, "qa_knowledge")
    assert knowledge["stars"] is None and knowledge["status"] == "no_source"


def _clock(ticket, kind, late: bool):
    now = timezone.now()
    return SlaClock.objects.update_or_create(ticket=ticket, kind=kind, defaults=dict(
        target_amount=1, target_unit="business_hours", started_at=now - timedelta(hours=3),
        stopped_at=now - timedelta(minutes=5), due_at=now - timedelta(minutes=10 if late else -60),
        warn_at=now - timedelta(hours=1)))


def test_speed_from_sla_clocks_stopped_in_the_period(desk, period, small_samples):
    tickets = [factories.ticket(desk.agent) for _ in range(4)]
    for i, t in enumerate(tickets):
        _clock(t, "first_response", late=i == 0)
        _clock(t, "resolution", late=i < 2)
    criteria, _snapshot = _rate(desk.agent, period)
    assert _measure(criteria, "first_response_met")["value"] == 0.75
    assert _measure(criteria, "resolution_met")["value"] == 0.5
    assert criteria["speed"]["stars"] == 2  # 2 stars and 1 star: 1.5 rounds half up


def _answer(desk, agent, scores: dict):
    ticket = factories.ticket(agent)
    survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=agent)
    data = {}
    for q in survey.questionnaire.questions.all():
        data[f"q_{q.pk}"] = str(scores.get(q.code, {"stars": 4, "yes_no": 1}.get(q.kind, "")))
    survey_answer(token=survey_token(survey), data=data)
    return survey


def test_attitude_and_needs_from_survey_answers(desk, period, small_samples):
    _answer(desk, desk.agent, {"service_quality": 5, "satisfaction": 5, "resolved": 1})
    _answer(desk, desk.agent, {"service_quality": 4, "satisfaction": 3, "resolved": 0})
    _answer(desk, desk.teammate, {"service_quality": 1, "satisfaction": 1})
    criteria, _snapshot = _rate(desk.agent, period)
    assert _measure(criteria, "survey_attitude")["value"] == 4.5
    assert _measure(criteria, "survey_attitude")["stars"] == 4
    assert _measure(criteria, "satisfaction")["value"] == 4.0
    assert _measure(criteria, "first_contact_resolution")["value"] == 0.5
    # QA is installed, but this agent has no inspected conversation in the period
    assert _measure(criteria, "qa_politeness")["status"] == "insufficient"
    assert criteria["attitude"]["stars"] == 4  # only the survey measure has a source


def _complaint(ticket, **fields):
    return Complaint.objects.create(ticket=ticket, received_at=timezone.now(), **fields)


def test_complaint_outcomes_and_confirmed_complaints_against_the_agent(desk, period, small_samples):
    now = timezone.now()
    orders = [factories.ticket(desk.agent, type="complaint") for _ in range(4)]
    _complaint(orders[0], state=ComplaintState.RECEIPTED, receipt_satisfied=True, receipt_at=now)
    _complaint(orders[1], state=ComplaintState.RESPONSIBILITY, receipt_satisfied=False, receipt_at=now)
    # against the agent: about staff, our responsibility, naming them; the last is not confirmed yet
    other = factories.ticket(desk.teammate, type="complaint")
    _complaint(other, object_kind=ObjectKind.STAFF, responsible_party=Party.OURS, responsible_person="agent_a",
               state=ComplaintState.NOTIFIED)
    _complaint(orders[2], object_kind=ObjectKind.STAFF, responsible_party=Party.OURS,
               responsible_person="agent_a", state=ComplaintState.DISPATCHED)
    criteria, _snapshot = _rate(desk.agent, period)
    assert _measure(criteria, "complaint_satisfied")["value"] == 0.5
    confirmed = _measure(criteria, "confirmed_complaints")
    assert (confirmed["value"], confirmed["sample"], confirmed["stars"]) == (0.25, 4, 1)
    assert _measure(criteria, "qa_fatal")["status"] == "insufficient"  # QA installed, nothing inspected
    assert criteria["errors"]["stars"] == 1


def test_records_outside_the_period_do_not_count(desk, period, small_samples):
    old = factories.ticket(desk.agent, created_at=timezone.now() - timedelta(days=70))
    ticket_set_status(ticket=old, by=desk.agent, status=Status.RESOLVED)
    criteria, snapshot = _rate(desk.agent, period)
    assert snapshot.sample == 0 and _measure(criteria, "resolution_rate")["sample"] == 0


def test_below_the_minimum_sample_the_agent_has_no_stars(desk, period):
    for _ in range(3):
        factories.ticket(desk.agent)
    _criteria, snapshot = _rate(desk.agent, period)
    assert snapshot.stars is None and snapshot.sample == 3
