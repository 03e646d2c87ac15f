"""In headless Chromium: a visitor on a phone (390 px) chats through the one-script-tag widget while an
agent answers in the workspace's chat panel (two browser contexts); the transcript lands in the order,
whose page then updates live."""

import os

import pytest

from kefu.channels.webchat.models import ChatSession, ChatSettings
from kefu.sla.models import Calendar
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_chat(desk, settings):
    from django.core.cache import cache

    cache.clear()  # the per-address start limit counts every session the suite made from 127.0.0.1
    settings.LIVE_POLL_SECONDS = 0.1
    calendar = Calendar.objects.create(name="全天", weekly={str(d): [["00:00", "24:00"]] for d in range(7)},
                                       observes_holidays=False)
    return ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)


def test_visitor_on_phone_chats_with_agent_and_transcript_is_the_order(browser, live_server, desk, open_chat,
                                                                      screenshot_dir):
    agent_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    agent = agent_ctx.new_page()
    agent.set_default_timeout(15000)
    login(agent, live_server, desk.agent.username)
    agent.goto(f"{live_server.url}/chat/panel/")  # opening the panel puts the agent online

    visitor_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
    visitor = visitor_ctx.new_page()
    visitor.set_default_timeout(15000)
    visitor.goto(f"{live_server.url}/static/kefu/chat-widget.js")  # any page of the site's origin
    visitor.set_content(
        "<!doctype html><html><head><meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        "<body><h1>某某家居商城</h1>"
        f"<script src='{live_server.url}/static/kefu/chat-widget.js' data-department='{desk.service.code}'></script>"
        "</body></html>")
    visitor.click("[data-kefu-chat=open]")
    chat = visitor.frame_locator("iframe[data-kefu-chat=frame]")
    box = visitor.locator("iframe[data-kefu-chat=frame]").bounding_box()
    assert box["width"] == 390  # full screen on a phone
    chat.locator("#status.open").wait_for()
    assert chat.locator("#status").inner_text() == "客服在线"
    chat.locator("#name").fill("周女士")
    chat.locator("#phone").fill("13700001234")
    chat.locator("#start").click()
    chat.locator("#text").fill("你好，沙发的退货运费谁出？")
    chat.locator("#send").click()
    chat.locator(".line.visitor").first.wait_for()

    agent.locator("[data-testid=waiting]").first.wait_for()  # the queue updates live
    assert "周女士" in agent.locator("[data-testid=waiting]").first.inner_text()
    agent.screenshot(path=os.path.join(screenshot_dir, "chat-1-panel-queue.png"))
    agent.click("[data-testid=accept]")
    agent.locator(".chat-line.visitor:has-text('退货运费')").wait_for()
    agent.fill("[data-testid=chat-reply]", "您好周女士，质量问题的退货运费由我们承担。")
    agent.press("[data-testid=chat-reply]", "Enter")

    chat.locator(".line.agent:has-text('运费由我们承担')").wait_for()
    visitor.screenshot(path=os.path.join(screenshot_dir, "chat-2-visitor-390.png"))
    chat.locator("#text").fill("好的，谢谢")
    chat.locator("#send").click()
    agent.locator(".chat-line.visitor:has-text('好的，谢谢')").wait_for()
    agent.screenshot(path=os.path.join(screenshot_dir, "chat-3-panel-talk.png"))

    session = ChatSession.objects.get()
    ticket = session.ticket
    assert [(m.kind, m.body) for m in ticket.messages.all()] == [
        ("customer", "你好，沙发的退货运费谁出？"), ("reply", "您好周女士，质量问题的退货运费由我们承担。"),
        ("customer", "好的，谢谢")]
    assert ticket.first_responder == desk.agent and ticket.customer.phones == ["13700001234"]

    # the order page is live too: the visitor's next line appears in its thread without a reload
    agent.goto(f"{live_server.url}/tickets/{ticket.number}/")
    agent.wait_for_timeout(500)  # the page's stream connects
    chat.locator("#text").fill("另外能开发票吗？")
    chat.locator("#send").click()
    agent.locator("[data-testid=thread]:has-text('另外能开发票吗？')").wait_for()
    agent_ctx.close()
    visitor_ctx.close()
