"""Ratings read QA results (kefu.qa): politeness findings and fatal inspections, per agent and period."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.ratings.criteria import MEASURES
from kefu.ratings.models import RatingConfig
from kefu.ratings.periods import current_period
from kefu.ratings.records import measure_records
from kefu.ratings.services import bounds, ratings_compute
from tests import factories

# Ratings read the qa app's results when it is installed (it lands separately); until then this skips.
qa_models = pytest.importorskip("kefu.qa.models", reason="the qa app (kefu.qa) is not in this tree yet")
Conversation, Finding, Inspection = qa_models.Conversation, qa_models.Finding, qa_models.Inspection


def _inspection(agent, *, fatal=False, categories=(), counts=True, current=True, started=None):
    started = started or timezone.now()
    ticket = factories.ticket(agent)
    conversation = Conversation.objects.create(ticket=ticket, source="api", channel="chat", agent=agent,
                                               started_at=started, external_id=f"c-{ticket.pk}-{len(categories)}")
    inspection = Inspection.objects.create(
        conversation=conversation, pack_name="default", pack_version="1", trigger="import", is_current=current,
        auto_score=80, score=80, fatal=fatal, agent=agent, channel="chat", started_at=started,
        created_at=started)
    for category in categories:
        Finding.objects.create(inspection=inspection, rule=category.upper()[:8], category=category, severity="major",
                               turn=0, start=0, end=2, evidence="喂", counts=counts)
    return inspection


@pytest.fixture
def small_samples(db):
    return RatingConfig.objects.create(min_sample=1, min_samples={code: 2 for code in MEASURES})


def _measures(agent):
    period = current_period("month", timezone.localdate())
    snapshot = ratings_compute(period=period, agents=[agent])[0]
    return {m["code"]: m for c in snapshot.criteria for m in c["measures"]}, period


def test_politeness_and_fatal_from_current_inspections(desk, small_samples):
    _inspection(desk.agent, categories=["impolite_address"])
    _inspection(desk.agent, categories=["forbidden_phrase", "missing_closing"])  # one inspection, counted once
    _inspection(desk.agent, fatal=True)
    _inspection(desk.agent, categories=["impolite_address"], counts=False)  # rejected by review / appeal upheld
    _inspection(desk.agent, categories=["speech_rate"])  # not a politeness category
    _inspection(desk.agent, categories=["insult"], current=False)  # superseded by a re-inspection
    _inspection(desk.agent, categories=["insult"], started=timezone.now() - timedelta(days=70))  # other period
    _inspection(desk.teammate, categories=["insult"], fatal=True)
    measures, period = _measures(desk.agent)
    assert (measures["qa_politeness"]["value"], measures["qa_politeness"]["sample"]) == (0.4, 5)
    assert measures["qa_politeness"]["stars"] == 1
    assert (measures["qa_fatal"]["value"], measures["qa_fatal"]["sample"]) == (0.2, 5)
    assert measures["qa_knowledge"]["status"] == "no_source"  # the QA engine has no knowledge category yet
    start, end = bounds(period)
    assert len(measure_records("qa_politeness", desk.agent, start, end)) == 3  # the three counted findings
    assert len(measure_records("qa_fatal", desk.agent, start, end)) == 1


def test_agent_without_inspections_has_a_source_but_no_sample(desk, small_samples):
    measures, _period = _measures(desk.agent)
    assert measures["qa_fatal"]["status"] == "insufficient" and measures["qa_fatal"]["sample"] == 0
