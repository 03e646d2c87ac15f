"""The survey set-up: editable star words and questions, rules, who may change them; answers keep their words."""

import pytest

from kefu.core.errors import DomainError, Forbidden
from kefu.surveys import config
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Questionnaire, SurveyRule, Trigger
from kefu.surveys.rules import default_questionnaire
from kefu.surveys.services import survey_answer, survey_send
from tests import factories


def test_supervisor_edits_star_words_and_the_customer_page_shows_them(desk, client):
    questionnaire = default_questionnaire()
    question = questionnaire.questions.get(code="satisfaction")
    config.question_save(by=desk.supervisor, questionnaire=questionnaire, question=question, code="satisfaction",
                         kind="stars", text="总体感受如何？", labels=["很差", "差", "还行", "好", "太棒了"])
    survey = survey_send(ticket=factories.ticket(desk.agent), trigger=Trigger.MANUAL, by=desk.agent)
    page = client.get(f"/survey/{survey_token(survey)}/").content.decode()
    assert "总体感受如何？" in page and "太棒了" in page


def test_answers_keep_the_words_they_were_given_under(desk):
    questionnaire = default_questionnaire()
    survey = survey_send(ticket=factories.ticket(desk.agent), trigger=Trigger.MANUAL, by=desk.agent)
    data = {f"q_{q.pk}": {"stars": "4", "yes_no": "1"}.get(q.kind, "") for q in questionnaire.questions.all()}
    survey_answer(token=survey_token(survey), data=data)
    question = questionnaire.questions.get(code="satisfaction")
    config.question_save(by=desk.admin, questionnaire=questionnaire, question=question, code="satisfaction",
                         kind="stars", text="改过的题目", labels=[])
    assert survey.answers.get(code="satisfaction").question_text == "您对本次服务的总体满意度"


@pytest.mark.parametrize(("kind", "labels", "field"), [
    ("stars", ["一", "二"], "labels"), ("choice", ["只有一个"], "labels"), ("yes_no", ["是"], "labels"),
    ("nosuch", [], "kind"),
])
def test_bad_questions_name_the_field(desk, kind, labels, field):
    with pytest.raises(DomainError) as exc:
        config.question_save(by=desk.supervisor, questionnaire=default_questionnaire(), code="extra", kind=kind,
                             text="题目", labels=labels)
    assert exc.value.field == field


def test_codes_are_checked_and_unique(desk):
    questionnaire = default_questionnaire()
    for code in ("Bad Code", "satisfaction", ""):
        with pytest.raises(DomainError) as exc:
            config.question_save(by=desk.supervisor, questionnaire=questionnaire, code=code, kind="nps", text="推荐吗")
        assert exc.value.field == "code"
    added = config.question_save(by=desk.supervisor, questionnaire=questionnaire, code="nps", kind="nps",
                                 text="您会推荐我们吗？", labels=["ignored"])
    assert added.labels == []


def test_only_supervisors_and_admins_change_the_set_up(desk, client):
    for user in (desk.agent, desk.qa, desk.handler):
        with pytest.raises(Forbidden):
            config.questionnaire_save(by=user, name="X")
        client.force_login(user)
        assert client.get("/survey/manage/").status_code == 403


def test_one_default_questionnaire_and_rules(desk, client):
    client.force_login(desk.supervisor)
    client.post("/survey/manage/", {"action": "questionnaire", "name": "售后回访问卷", "is_default": "1",
                                    "is_active": "1"})
    assert Questionnaire.objects.filter(is_default=True).get().name == "售后回访问卷"
    client.post("/survey/manage/", {"action": "rule", "ticket_type": "after_sales", "channel": "wechat",
                                    "questionnaire": str(Questionnaire.objects.get(name="售后回访问卷").pk)})
    rule = SurveyRule.objects.get(ticket_type="after_sales", channel="wechat")
    assert rule.send_on_resolve is False and rule.questionnaire.name == "售后回访问卷"
    page = client.get("/survey/manage/").content.decode()
    assert "售后回访问卷" in page and 'data-testid="rules"' in page
    response = client.post("/survey/manage/", {"action": "rule", "ticket_type": "nosuch"}, follow=True)
    assert "工单类型无效" in response.content.decode()
