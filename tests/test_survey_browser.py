"""In headless Chromium: an agent sends a survey from the order page; the customer answers on a phone."""

import os

import pytest

from kefu.surveys.models import Survey
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_answers_the_survey_on_a_phone(browser, live_server, screenshot_dir):
    desk = factories.Desk()
    customer = factories.customer(desk.agent, name="欧阳女士")
    ticket = factories.ticket(desk.agent, customer, subject="咨询退货运费由谁承担")
    agent_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    agent = agent_ctx.new_page()
    login(agent, live_server, desk.agent.username)
    agent.goto(f"{live_server.url}/tickets/{ticket.number}/")
    agent.click("[data-testid=survey-send]")
    agent.wait_for_selector(".msg")
    agent.screenshot(path=os.path.join(screenshot_dir, "survey-order-page.png"), full_page=True)
    link = agent.input_value("[data-testid=survey-link]")
    agent.locator("[data-testid=survey-panel]").screenshot(path=os.path.join(screenshot_dir, "survey-panel.png"))
    agent_ctx.close()
    path = link.split("/survey/", 1)[1]

    phone_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                    has_touch=True, device_scale_factor=2)
    phone = phone_ctx.new_page()
    phone.goto(f"{live_server.url}/survey/{path}")
    phone.wait_for_selector("[data-testid=survey-submit]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways at 390 px ({width})"
    phone.screenshot(path=os.path.join(screenshot_dir, "survey-phone-form.png"), full_page=True)
    phone.click("[data-testid=survey-submit]")  # nothing chosen: the first required question is named
    phone.wait_for_selector("[data-testid=survey-form-error]")
    assert "请回答" in phone.inner_text("[data-testid=survey-form-error]")
    for code, value in (("satisfaction", "4"), ("service_quality", "5"), ("response_time", "3"), ("resolved", "1")):
        phone.locator(f"[data-testid=question-{code}] input[value='{value}'] + span").tap()
    phone.fill("[data-testid=question-comment] textarea", "客服很耐心，谢谢")
    phone.screenshot(path=os.path.join(screenshot_dir, "survey-phone-filled.png"), full_page=True)
    phone.click("[data-testid=survey-submit]")
    phone.wait_for_selector("[data-testid=survey-done]")
    phone.screenshot(path=os.path.join(screenshot_dir, "survey-phone-done.png"), full_page=True)
    phone.reload()  # the browser re-posts or re-opens: the link is spent either way
    phone_ctx.close()

    survey = Survey.objects.get(ticket=ticket)
    answers = {a.code: (a.score, a.text) for a in survey.answers.all()}
    assert answers["satisfaction"] == (4, "") and answers["resolved"] == (1, "")
    assert answers["comment"] == (None, "客服很耐心，谢谢") and survey.agent == desk.agent
