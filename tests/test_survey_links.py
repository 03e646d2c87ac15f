"""The survey link: signed, single use, expiring; a GET answers nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kefu.surveys import links
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Answer, Delivery, Survey, Trigger
from kefu.surveys.services import survey_answer, survey_send
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_add_message, ticket_set_status
from tests import factories


@pytest.fixture
def survey(desk, django_capture_on_commit_callbacks):
    customer = factories.customer(desk.agent, email="kehu@example.com")
    ticket = factories.ticket(desk.agent, customer, channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        return survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)


def _url(survey: Survey) -> str:
    return f"/survey/{survey_token(survey)}/"


def _full_answer(survey: Survey, **overrides) -> dict:
    data = {}
    for q in survey.questionnaire.questions.all():
        value = {"stars": "5", "yes_no": "1", "text": "很好"}.get(q.kind, "")
        data[f"q_{q.pk}"] = overrides.get(q.code, value)
    return data


def test_sent_survey_is_mailed_with_a_working_link(survey):
    survey.refresh_from_db()
    assert survey.delivery == Delivery.SENT and survey.channel == "email"
    assert len(mail.outbox) == 1 and _url(survey) in mail.outbox[0].body


def test_get_by_a_link_scanner_records_nothing(survey):
    scanner = Client(enforce_csrf_checks=True)
    for _ in range(3):
        response = scanner.get(_url(survey))
        assert response.status_code == 200
    assert "提交评价" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None and not Answer.objects.exists()


def test_post_without_the_page_csrf_token_is_refused(survey):
    scanner = Client(enforce_csrf_checks=True)
    response = scanner.post(_url(survey), _full_answer(survey))
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_customer_answers_once_and_reuse_is_refused(survey, client):
    url = _url(survey)
    response = client.post(url, _full_answer(survey))
    assert response.status_code == 200 and "感谢您的评价" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is not None and survey.nonce == ""
    assert Answer.objects.filter(survey=survey).count() == survey.questionnaire.questions.count()
    again = client.post(url, _full_answer(survey))
    assert again.status_code == 410 and "已经提交过" in again.content.decode()
    assert client.get(url).status_code == 410
    assert Answer.objects.filter(survey=survey).count() == survey.questionnaire.questions.count()


def test_expired_link_shows_expired_and_records_nothing(survey, client):
    url = _url(survey)
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url, _full_answer(survey))
    assert response.status_code == 410 and "过期" in response.content.decode()
    assert not Answer.objects.exists()


def test_tampered_link_is_invalid(survey, client):
    token = survey_token(survey)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    response = client.get(f"/survey/{tampered}/")
    assert response.status_code == 410 and "无效" in response.content.decode()
    forged = links.link_token(purpose="other", pk=survey.pk, nonce=survey.nonce)
    assert client.get(f"/survey/{forged}/").status_code == 410


def test_link_of_another_nonce_is_refused(survey):
    wrong = links.link_token(purpose="survey", pk=survey.pk, nonce="0" * 32)
    with pytest.raises(links.LinkError) as exc:
        survey_answer(token=wrong, data=_full_answer(survey))
    assert exc.value.code == "used"


def test_missing_required_answer_names_the_question_and_keeps_the_others(survey, client):
    data = _full_answer(survey)
    first = survey.questionnaire.questions.get(code="satisfaction")
    del data[f"q_{first.pk}"]
    response = client.post(_url(survey), data)
    assert response.status_code == 400
    assert "请回答「您对本次服务的总体满意度」" in response.content.decode()
    assert not Answer.objects.exists()
    out_of_range = _full_answer(survey, satisfaction="9")
    response = client.post(_url(survey), out_of_range)
    assert response.status_code == 400 and "1 到 5" in response.content.decode()


def test_answers_attach_to_order_and_agent_and_history(desk, django_capture_on_commit_callbacks):
    customer = factories.customer(desk.agent, email="a@example.com")
    ticket = factories.ticket(desk.agent, customer, channel="email")
    ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="您好，已为您处理")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.trigger == Trigger.RESOLVED and survey.agent == desk.agent
    survey_answer(token=survey_token(survey), data=_full_answer(survey))
    facts = dict(ticket.events.filter(code__startswith="survey.").values_list("code", "params"))
    assert facts["survey.sent"] == {"survey_id": survey.pk, "trigger": "resolved"}
    assert facts["survey.answered"]["scores"]["satisfaction"] == 5 and facts["survey.answered"]["low"] is False
