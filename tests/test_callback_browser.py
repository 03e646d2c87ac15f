"""In headless Chromium: an agent works through three callbacks with the script — each offered in turn
without searching — on a desktop, then the same page on a phone."""

import os

import pytest

from kefu.callbacks.defaults import install_defaults
from kefu.callbacks.models import CallbackScript, CallbackTask
from kefu.callbacks.services import campaign_create
from kefu.sla.models import Calendar
from kefu.tickets.models import Status, Ticket
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ALL_DAY = {str(day): [["00:00", "24:00"]] for day in range(7)}
# (answers clicked, expected satisfied, a follow-up expected)
CALLS = [(["是本人，方便", "一切正常", "非常满意", "结束通话"], True, False),
         (["是本人，方便", "有问题", "设备问题（猫、路由器、电脑）", "还没有处理好", "已记录，结束通话"], False, True),
         (["是本人，方便", "有问题", "操作问题（账号密码、接线）", "已经可以正常使用", "满意", "结束通话"], True, False)]


def _campaign(desk):
    install_defaults(CallbackScript)  # a transactional test starts from an empty database
    for name, subject in (("欧阳女士", "宽带安装"), ("司马先生", "路由器更换"), ("诸葛女士", "光猫维修")):
        ticket = factories.ticket(desk.agent, factories.customer(desk.agent, name=name, tags=["宽带用户"]),
                                  subject=subject, type="after_sales")
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED, resolved_at=ticket.created_at)
    # A 7x24 calendar and an all-day window, so the test runs whatever the hour.
    always = Calendar.objects.create(name="全天候测试", weekly=ALL_DAY, observes_holidays=False)
    return campaign_create(by=desk.supervisor, name="宽带安装回访", script=CallbackScript.objects.get(),
                           source={"kind": "resolved_orders"}, agents=[desk.agent.username],
                           windows=[["00:00", "24:00"]], calendar=always)


def _no_sideways_scroll(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page scrolls sideways at {width} px ({scroll})"


def test_agent_works_through_three_callbacks_with_the_script(browser, live_server, screenshot_dir):
    desk = factories.Desk()
    campaign = _campaign(desk)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, live_server, desk.agent.username)
    page.goto(f"{live_server.url}/callbacks/")
    page.screenshot(path=os.path.join(screenshot_dir, "callbacks-queue-1440.png"), full_page=True)
    page.click("[data-testid=start-callback]")
    seen = []
    for number, (answers, _satisfied, follow_up) in enumerate(CALLS):
        page.wait_for_selector("[data-testid=question]")
        seen.append(page.inner_text("[data-testid=customer-panel] h2"))
        history = page.inner_text("[data-testid=customer-history]")
        assert any(subject in history for subject in ("宽带安装", "路由器更换", "光猫维修"))  # next to the script
        for i, label in enumerate(answers):
            if number == 1 and i == 3:
                page.screenshot(path=os.path.join(screenshot_dir, "callbacks-script-1440.png"), full_page=True)
            page.click(f"[data-testid=answer][data-label='{label}']")
            page.wait_for_load_state("networkidle")
        page.wait_for_selector("[data-testid=script-end]")
        if follow_up:
            assert "跟进工单" in page.inner_text("[data-testid=script-end]")
        page.click("[data-testid=result-reached]")
        page.wait_for_load_state("networkidle")
        flash = page.inner_text(".flash")
        assert ("已生成跟进工单" in flash) == follow_up, flash
    assert page.url.endswith("/callbacks/")  # nothing more due: back to the queue
    page.wait_for_selector("[data-testid=no-callback]")
    context.close()

    assert len(set(seen)) == 3  # three different customers, each offered in turn
    done = {t.customer.name: t for t in CallbackTask.objects.filter(campaign=campaign).select_related("customer")}
    assert [t.state for t in done.values()] == ["done"] * 3
    by_name = {name: t for name, t in done.items()}
    for name, (answers, satisfied, follow_up) in zip(seen, CALLS, strict=True):
        task = by_name[name]
        assert [a["answer"] for a in task.answers] == answers
        assert task.satisfied is satisfied and bool(task.follow_up_id) is follow_up


def test_the_callback_page_on_a_phone(browser, live_server, screenshot_dir):
    desk = factories.Desk()
    task = _campaign(desk).tasks.order_by("id").first()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, live_server, desk.agent.username)
    page.goto(f"{live_server.url}/callbacks/")
    _no_sideways_scroll(page, 390)
    page.screenshot(path=os.path.join(screenshot_dir, "callbacks-queue-390.png"), full_page=True)
    page.goto(f"{live_server.url}/callbacks/tasks/{task.pk}/?path=0.1")
    page.wait_for_selector("[data-testid=question]")
    _no_sideways_scroll(page, 390)
    page.screenshot(path=os.path.join(screenshot_dir, "callbacks-script-390.png"), full_page=True)
    page.tap("[data-testid=answer][data-label='线路问题（网线、室内线路）']")
    page.wait_for_selector("[data-testid=question][data-node=fixed]")
    page.tap("[data-testid=result-no_answer]")
    page.wait_for_load_state("networkidle")
    assert "再次拨打" in page.inner_text(".flash")
    context.close()
    task.refresh_from_db()
    assert task.attempts == 1 and task.state == "pending" and task.result == "no_answer" and task.answers == []


@pytest.mark.parametrize("width", [1440, 390])
def test_the_supervisor_campaign_pages_fit_the_screen(browser, live_server, screenshot_dir, width):
    desk = factories.Desk()
    campaign = _campaign(desk)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    login(page, live_server, desk.supervisor.username)
    for name, url in (("campaign", f"/callbacks/campaigns/{campaign.pk}/"), ("new", "/callbacks/campaigns/new/"),
                      ("script-editor", f"/callbacks/scripts/{campaign.script_id}/")):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        _no_sideways_scroll(page, width)
        page.screenshot(path=os.path.join(screenshot_dir, f"callbacks-{name}-{width}.png"), full_page=True)
    context.close()
