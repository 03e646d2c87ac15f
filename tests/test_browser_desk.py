"""In headless Chromium: log in, create a work order, reply with a standard phrase, find it in the inbox."""

import os

import pytest

from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_creates_order_replies_and_sees_it_in_inbox(page, live_server, desk, screenshot_dir):
    from kefu.phrases.models import Phrase

    if not Phrase.objects.exists():  # transactional tests flush the data migration's rows
        from kefu.phrases.defaults import DEFAULT_PHRASES

        Phrase.objects.bulk_create(Phrase(situation=s, text=t, shortcut=k) for s, t, k in DEFAULT_PHRASES)
    login(page, live_server, desk.agent.username)
    page.click("text=新建工单")
    page.fill("input[name=new_customer_name]", "欧阳娜娜")
    page.select_option("select[name=new_customer_salutation]", "ms")
    page.fill("input[name=new_customer_phone]", "13912345678")
    page.fill("input[name=subject]", "询问瓷砖送货时间")
    page.fill("textarea[name=body]", "我上周下的单，什么时候送货？")
    page.select_option("select[name=channel]", "wechat")
    page.screenshot(path=os.path.join(screenshot_dir, "desk-1-create.png"), full_page=True)
    page.click("button:has-text('创建工单')")
    page.wait_for_selector("[data-testid=thread]")
    assert "询问瓷砖送货时间" in page.inner_text("h1")
    assert page.inner_text("[data-testid=first-responder]") == desk.agent.name

    # one click inserts a standard phrase, a /shortcut expands another
    page.click("summary:has-text('问候')")
    page.click("button.phrase:has-text('很高兴为您服务')")
    body = page.locator("[data-testid=reply-body]")
    body.press("End")
    body.type(" 已为您查询，明天送达。/zb ")
    text = body.input_value()
    assert text.startswith("您好，很高兴为您服务！") and "再见" in text
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector(".msg.success")
    assert "已为您查询，明天送达" in page.inner_text("[data-testid=thread]")
    assert "回复客户" in page.inner_text("[data-testid=history]")
    page.screenshot(path=os.path.join(screenshot_dir, "desk-2-order.png"), full_page=True)

    page.click("text=工单收件箱")
    page.wait_for_selector("[data-testid=inbox]")
    inbox = page.inner_text("[data-testid=inbox]")
    assert "询问瓷砖送货时间" in inbox and "处理中" in inbox
    page.fill("input[name=q]", "瓷砖送货")
    page.wait_for_timeout(900)  # htmx search after the debounce
    assert "询问瓷砖送货时间" in page.inner_text("[data-testid=inbox]")
    page.screenshot(path=os.path.join(screenshot_dir, "desk-3-inbox.png"), full_page=True)
