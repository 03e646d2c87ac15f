"""In headless Chromium: one complaint along the main path across agent, handler, supervisor and the customer link."""

import os

import pytest

from kefu.complaints.models import Complaint, ComplaintState
from tests.conftest import login
from tests.test_complaint_support import ensure_seed_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Desk:
    """One browser context per person, so each logs in once and keeps their session."""

    def __init__(self, browser, live_server, shots: str) -> None:
        self.browser, self.live_server, self.shots, self.pages = browser, live_server, shots, {}

    def as_user(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(15000)
            login(page, self.live_server, username)
            self.pages[username] = page
        return self.pages[username]

    def shot(self, page, name: str) -> None:
        page.screenshot(path=os.path.join(self.shots, f"complaint-{name}.png"), full_page=True)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _act(page, action: str, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    form = f"[data-testid=action-{action}]"
    for name, value in (selects or {}).items():
        page.select_option(f"{form} select[name={name}]", label=value)
    for name, value in fields.items():
        page.fill(f"{form} [name={name}]", value)
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(".msg.success")


def _open(page, live_server, number: str) -> None:
    page.goto(f"{live_server.url}/complaints/{number}/")
    page.wait_for_selector("[data-testid=steps]")


def _register(page, people: Desk) -> str:
    page.click("text=投诉处理")
    page.click("text=登记投诉")
    page.fill("input[name=new_customer_name]", "欧阳先生")
    page.fill("input[name=new_customer_phone]", "13912345678")
    page.fill("input[name=subject]", "投诉安装师傅迟到且态度差")
    page.fill("input[name=contact_phone]", "13912345678")
    page.select_option("select[name=object_kind]", "staff")
    page.fill("input[name=object_detail]", "安装师傅")
    page.fill("textarea[name=description]", "约好九点上门，十一点才到，还嫌我家电梯慢")
    page.fill("input[name=place]", "客户家中")
    page.fill("textarea[name=demand]", "道歉并更换安装师傅")
    page.select_option("select[name=emotion]", "angry")
    page.fill("textarea[name=key_quotes]", "我请了半天假，你们就这样对待客户？")
    page.select_option("select[name=category]", label="服务态度")
    people.shot(page, "1-register")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("[data-testid=action-dispatch]")
    return page.url.rstrip("/").split("/")[-1]


def test_main_path_across_agent_handler_supervisor_and_customer(browser, live_server, desk, screenshot_dir):
    ensure_seed_data()
    people = Desk(browser, live_server, screenshot_dir)
    try:
        agent = people.as_user(desk.agent.username)
        number = _register(agent, people)
        _act(agent, "dispatch", {"note": "请核实安装师傅到达时间"}, {"department": desk.aftersales.name})
        assert "已派发" in agent.inner_text("[data-testid=complaint-state]")
        people.shot(agent, "2-dispatched")

        handler = people.as_user(desk.handler.username)
        handler.click("text=投诉处理")
        assert number in handler.inner_text("[data-testid=complaint-rows]")  # the handler's queue
        _open(handler, live_server, number)
        _act(handler, "analyse", {"cause": "师傅前一单超时，未提前告知客户"})
        _act(handler, "assign_responsibility", {"person": "安装师傅李某"},
             {"party": "我方", "department": desk.aftersales.name})
        _act(handler, "propose", {"solution": "书面道歉，更换师傅，减免安装费"})
        people.shot(handler, "3-handler-proposed")

        supervisor = people.as_user(desk.supervisor.username)
        supervisor.click("text=投诉处理")
        assert number in supervisor.inner_text("[data-testid=complaint-rows]")  # the approval queue
        _open(supervisor, live_server, number)
        people.shot(supervisor, "4-approval")
        _act(supervisor, "approve", {"comment": "同意，三天内完成"})

        _open(agent, live_server, number)
        _act(agent, "notify_customer", {"customer_response": "客户接受"}, {"method": "电话"})
        _open(handler, live_server, number)
        _act(handler, "implement", {"implementation": "已更换师傅并完成安装"})
        _act(handler, "report", {"result": "安装完成，安装费已减免"})

        _open(agent, live_server, number)
        link = agent.input_value("[data-testid=receipt-url]")
        people.shot(agent, "5-receipt-link")
        customer = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        phone = customer.new_page()
        phone.goto(link)
        assert "安装完成，安装费已减免" in phone.inner_text("main")
        phone.check("input[name=satisfied][value=true]")
        phone.fill("textarea[name=comment]", "新师傅很专业")
        phone.screenshot(path=os.path.join(screenshot_dir, "complaint-6-customer-receipt.png"), full_page=True)
        phone.click("button[type=submit]")
        phone.wait_for_selector("[data-testid=receipt-done]")
        phone.goto(link)  # the link works once
        assert "已使用" in phone.inner_text("[data-testid=receipt-error]")
        customer.close()

        _open(agent, live_server, number)
        _act(agent, "archive", {})
        _open(supervisor, live_server, number)
        _act(supervisor, "summarise", {"root_cause": "排单过满", "improvement": "每位师傅每天最多四单",
                                       "owner": "售后主管"})
        assert "已总结" in supervisor.inner_text("[data-testid=complaint-state]")
        assert "总结评价" in supervisor.inner_text("[data-testid=step-log]")
        people.shot(supervisor, "7-summarised")
    finally:
        people.close()
    complaint = Complaint.objects.get(ticket__number=number)
    assert complaint.state == ComplaintState.SUMMARISED and complaint.receipt_via == "link"
    assert complaint.steps.count() == 13
