"""The surveys' low-score hook opens a callback (background work) in the department's standing campaign."""

import pytest

from kefu.callbacks.models import CallbackTask, Campaign, DoNotCall
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Trigger
from kefu.surveys.services import survey_answer, survey_send
from tests import factories

pytestmark = pytest.mark.django_db


def _answer(desk, ticket, stars: str, capture):
    survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
    data = {f"q_{q.pk}": {"stars": stars, "yes_no": "1"}.get(q.kind, "") for q in survey.questionnaire.questions.all()}
    with capture(execute=True):
        return survey_answer(token=survey_token(survey), data=data)


def test_a_low_score_becomes_a_callback_for_an_agent_of_the_department(desk, django_capture_on_commit_callbacks):
    ticket = factories.ticket(desk.agent)
    survey = _answer(desk, ticket, "1", django_capture_on_commit_callbacks)
    assert survey.low_score
    task = CallbackTask.objects.get()
    assert task.customer_id == ticket.customer_id and task.ticket == ticket and task.state == "pending"
    assert task.assignee.department_id == desk.service.pk and task.assignee.role == "agent"
    assert task.campaign.source == {"kind": "low_scores"} and task.campaign.review_percent == 100
    # a second low score of the same customer this month waits on the same callback
    _answer(desk, factories.ticket(desk.agent, ticket.customer), "2", django_capture_on_commit_callbacks)
    assert CallbackTask.objects.count() == 1 and Campaign.objects.count() == 1


def test_good_scores_and_do_not_call_customers_get_no_callback(desk, django_capture_on_commit_callbacks):
    _answer(desk, factories.ticket(desk.agent), "5", django_capture_on_commit_callbacks)
    ticket = factories.ticket(desk.agent)
    DoNotCall.objects.create(customer=ticket.customer, added_at=ticket.created_at)
    _answer(desk, ticket, "1", django_capture_on_commit_callbacks)
    assert not CallbackTask.objects.exists()
