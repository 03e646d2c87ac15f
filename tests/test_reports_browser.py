"""In headless Chromium (issue 15): the supervisor's dashboards at 1440 and 390 px with their charts, a
drill-down from a figure to the inbox showing as many orders as it said, and the self-refreshing wall."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.tickets.models import Status
from kefu.tickets.services import ticket_add_message, ticket_set_status
from tests import factories
from tests.conftest import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fortnight(desk) -> None:
    now = timezone.now()
    channels = ["phone", "chat", "wechat", "email"]
    for i in range(14):
        agent = [desk.agent, desk.teammate, desk.other_agent][i % 3]
        team = desk.team_b if agent == desk.other_agent else desk.team_a
        created = now - timedelta(days=i % 9, hours=i % 5)
        ticket = factories.ticket(agent, created_at=created, channel=channels[i % 4], team=team, assignee=agent,
                                  subject=f"咨询订单 {i + 1} 的发货进度", type=["consultation", "after_sales", "complaint"][i % 3])
        if i % 4 != 3:
            ticket_add_message(ticket=ticket, by=agent, kind="reply", body="您好，已为您查询")
        if i % 3 != 2:
            ticket_set_status(ticket=ticket, by=agent, status=Status.RESOLVED)


def test_supervisor_dashboard_drill_down_and_wall(browser, live_server, screenshot_dir):
    desk = factories.Desk()
    _fortnight(desk)
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, desk.supervisor.username)
    page.click("text=统计报表")
    page.wait_for_selector("[data-testid=table-volume_channel] canvas")  # ECharts drew (local asset, no CSP error)
    page.screenshot(path=os.path.join(screenshot_dir, "reports-1440.png"), full_page=True)
    created = int(page.inner_text("[data-testid=kpi-created] b"))
    wait_until(page, "!document.querySelector('[data-testid=kpi-prev-created]').textContent.includes('…')")
    assert "上期" in page.inner_text("[data-testid=kpi-prev-created]")  # the previous period's request swapped in
    assert created == 14 or timezone.localdate().day < 9  # the month may have begun less than 9 days ago
    page.click("[data-testid=kpi-created]")
    page.wait_for_selector("[data-testid=drill-chip]")
    assert page.locator("tr[data-inbox-row]").count() == min(created, 50)
    page.go_back()
    # a channel's number opens the orders of that channel, as many as it said
    cell = page.locator("[data-testid=table-volume_channel] tbody tr").first.locator("a").first
    expected = int(cell.inner_text())
    cell.click()
    page.wait_for_selector("[data-testid=drill-chip]")
    rows = page.locator("tr[data-inbox-row]")
    assert rows.count() == expected
    page.goto(f"{live_server.url}/reports/monthly/")  # panels and the previous month's column load by themselves
    page.wait_for_selector("[data-testid=print-teams]")
    wait_until(page, "!document.getElementById('monthly-prev-1').textContent.includes('…')")
    page.goto(f"{live_server.url}/reports/wall/")
    page.wait_for_selector("[data-testid=wall-active]")
    assert int(page.inner_text("[data-testid=wall-active] b")) == 14 - len([i for i in range(14) if i % 3 != 2])
    context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    small = phone.new_page()
    small.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(small, live_server, desk.supervisor.username)
    small.goto(f"{live_server.url}/reports/")
    small.wait_for_selector("[data-testid=table-volume_day] canvas")
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width  # nothing pushes the page sideways at 390 px
    small.screenshot(path=os.path.join(screenshot_dir, "reports-390.png"), full_page=True)
    small.screenshot(path=os.path.join(screenshot_dir, "reports-390-top.png"))
    small.locator("[data-testid=table-agents]").screenshot(path=os.path.join(screenshot_dir, "reports-390-agents.png"))
    small.goto(f"{live_server.url}/reports/wall/")
    small.wait_for_selector("[data-testid=wall-late]")
    small.screenshot(path=os.path.join(screenshot_dir, "reports-wall-390.png"), full_page=True)
    phone.close()
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
