"""In headless Chromium: a supervisor opens the ratings, an agent's rating and the evidence behind a criterion."""

import os

import pytest
from django.utils import timezone

from kefu.ratings.criteria import MEASURES
from kefu.ratings.models import RatingConfig
from kefu.ratings.periods import current_period
from kefu.surveys.delivery import survey_token
from kefu.surveys.models import Trigger
from kefu.surveys.services import survey_answer, survey_send
from kefu.tickets.models import Status
from kefu.tickets.services import ticket_set_status
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _month_of_work(desk) -> None:
    RatingConfig.objects.create(min_sample=4, min_samples={code: 2 for code in MEASURES})
    for i in range(8):
        ticket = factories.ticket(desk.agent, subject=f"咨询订单 {i + 1} 的发货进度")
        if i < 7:
            ticket_set_status(ticket=ticket, by=desk.agent, status=Status.RESOLVED)
        if i < 3:
            survey = survey_send(ticket=ticket, trigger=Trigger.MANUAL, by=desk.agent)
            data = {f"q_{q.pk}": {"stars": str(5 - (i == 2) * 3), "yes_no": "1"}.get(q.kind, "")
                    for q in survey.questionnaire.questions.all()}
            survey_answer(token=survey_token(survey), data=data)


def test_supervisor_opens_an_agents_evidence(browser, live_server, screenshot_dir):
    desk = factories.Desk()
    _month_of_work(desk)
    period = current_period("month", timezone.localdate())
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, desk.supervisor.username)
    page.click("text=星级评定")
    page.wait_for_selector("[data-testid=rating-agent_a]")
    page.screenshot(path=os.path.join(screenshot_dir, "ratings-list.png"), full_page=True)
    page.click("[data-testid=rating-agent_a] td:first-child a")
    page.wait_for_selector("[data-testid=criterion-needs]")
    page.screenshot(path=os.path.join(screenshot_dir, "ratings-agent.png"), full_page=True)
    page.click("[data-testid=criterion-needs] h3 a")
    page.wait_for_selector("[data-testid=measure-satisfaction]")
    table = page.inner_text("[data-testid=measure-satisfaction]")
    assert "4.00" in table and table.count(period.code[:4]) >= 3  # three answered surveys listed with dates
    page.screenshot(path=os.path.join(screenshot_dir, "ratings-evidence.png"), full_page=True)
    page.goto(f"{live_server.url}/ratings/agent_a/?period={period.code}")
    page.select_option("[data-testid=adjust-form] select[name=stars]", "5")
    page.fill("[data-testid=adjust-form] textarea[name=reason]", "客户来信表扬，季度表彰")
    page.click("[data-testid=adjust-form] button")
    page.wait_for_selector(".msg.success")
    assert "客户来信表扬" in page.inner_text("[data-testid=adjustments]")
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    mine = phone.new_page()
    login(mine, live_server, desk.agent.username)
    mine.goto(f"{live_server.url}/ratings/agent_a/?period={period.code}")
    mine.wait_for_selector("[data-testid=criterion-solutions]")
    assert mine.locator("[data-testid=adjust-form]").count() == 0
    mine.screenshot(path=os.path.join(screenshot_dir, "ratings-agent-own-390.png"), full_page=True)
    phone.close()
