"""In headless Chromium (notifications permission granted): an agent waiting in the chat panel, looking at
another window, gets a desktop notification when a visitor starts a chat; the reminder options at 1440 and
390 px."""

import os

import pytest

from kefu.channels.webchat.models import ChatSettings
from kefu.channels.webchat.services import chat_start
from kefu.sla.models import Calendar
from tests.conftest import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records each notice the page makes through the real API (a subclass: permission and requestPermission
# stay the browser's own), and plays an agent whose attention is on another window.
WATCH = """
window.__notices = [];
if (window.Notification) {
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) { super(title, options); window.__notices.push({title: title, body: options.body}); }
  };
}
document.hasFocus = function () { return false; };
"""


@pytest.fixture
def open_chat(desk, settings):
    settings.LIVE_WSGI_RETRY_MS = 300
    calendar = Calendar.objects.create(name="全天", weekly={str(d): [["00:00", "24:00"]] for d in range(7)},
                                       observes_holidays=False)
    return ChatSettings.objects.create(department=desk.service, owner=desk.supervisor, calendar=calendar)


@pytest.mark.parametrize("width,height", [(1440, 900), (390, 844)])
def test_waiting_agent_gets_a_desktop_notification_for_a_new_chat(browser, live_server, desk, open_chat,
                                                                  screenshot_dir, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  permissions=["notifications"], is_mobile=width < 500, has_touch=width < 500)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, desk.agent.username)
    page.goto(f"{live_server.url}/chat/panel/")
    assert page.evaluate("Notification.permission") == "granted"
    page.click("#live-options summary")
    page.check("#live-options input[data-pref=desktop]")
    page.screenshot(path=os.path.join(screenshot_dir, f"live-notify-options-{width}.png"))
    # no need to wait for the stream: it starts from the page's cursor, so nothing after rendering is lost

    assert page.evaluate("window.__notices") == []
    chat_start(department=desk.service, name="周女士")
    wait_until(page, "window.__notices.length > 0")
    notices = page.evaluate("window.__notices")
    assert notices == [{"title": "Kefu", "body": "新的在线咨询：周女士"}]
    page.locator("[data-testid=waiting]").first.wait_for()  # and the queue shows the visitor
    page.screenshot(path=os.path.join(screenshot_dir, f"live-notify-queue-{width}.png"))

    # With the option off nothing pops up (the preference is the agent's, kept in the browser).
    page.uncheck("#live-options input[data-pref=desktop]")
    chat_start(department=desk.service, name="钱先生")
    page.locator("[data-testid=waiting]", has_text="钱先生").wait_for()
    assert len(page.evaluate("window.__notices")) == 1
    context.close()
