"""Every role's pages at 390 px (a phone) and 1440 px in headless Chromium: nothing wider than the
screen, the navigation behind a menu button on phones, the inbox as cards; screenshots saved."""

import os

import pytest

from kefu.complaints.models import ComplaintState as S
from tests import factories
from tests.conftest import login
from tests.test_complaint_support import ensure_seed_data, walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 1440)


def _pages(desk, ticket, complaint) -> dict[str, list[tuple[str, str]]]:
    common = [("inbox", "/tickets/"), ("order", f"/tickets/{ticket.number}/"),
              ("complaints", "/complaints/"), ("complaint", f"/complaints/{complaint.ticket.number}/")]
    desk_pages = [("customers", "/customers/"), ("customer", f"/customers/{ticket.customer_id}/"),
                  ("new-order", "/tickets/new/"), ("phrases", "/phrases/")]
    return {
        desk.agent.username: common + desk_pages,
        desk.supervisor.username: common + desk_pages[:2] + [("overview", "/tickets/overview/"),
                                                             ("analysis", "/complaints/analysis/")],
        desk.handler.username: [("inbox", "/tickets/"), ("complaints", "/complaints/"),
                                ("complaint", f"/complaints/{complaint.ticket.number}/")],
        desk.admin.username: [("inbox", "/tickets/"), ("calendars", "/calendars/"), ("users", "/manage/users/"),
                              ("departments", "/manage/departments/"), ("user", f"/manage/users/{desk.agent.pk}/"),
                              ("complaint-limits", "/manage/complaint-limits/"), ("tokens", "/security/tokens/")],
    }


def _overflow(page, width: int) -> int:
    # Against the device width, not innerWidth: a phone browser zooms out to fit wide content, which
    # would make innerWidth grow with the overflow.
    return page.evaluate("document.documentElement.scrollWidth") - width


def _widest(page, width: int) -> str:
    """The first element wider than the screen, to name in the failure."""
    return page.evaluate("""w => { for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect(); if (r.right > w + 1 && r.width > 0)
        return el.tagName + '.' + el.className + ' ' + Math.round(r.right); } return ''; }""", width)


def test_every_role_at_phone_and_desktop_width(browser, live_server, desk, screenshot_dir):
    ensure_seed_data()
    complaint = walk_to(desk, S.DISPATCHED)
    ticket = factories.ticket(desk.agent, subject="新装木地板一周内起鼓，客户要求上门查看并给出处理方案")
    problems = []
    for username, pages in _pages(desk, ticket, complaint).items():
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900},
                                          locale="zh-CN", is_mobile=width < 500, has_touch=width < 500)
            page = context.new_page()
            page.set_default_timeout(15000)
            login(page, live_server, username)
            for name, path in pages:
                response = page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("load")
                assert response is not None and response.status == 200, (username, path, response)
                assert page.url == f"{live_server.url}{path}", (username, path, page.url)  # not a login page
                if _overflow(page, width) > 1:
                    problems.append(f"{username} {path} at {width}px is {_overflow(page, width)}px too wide:"
                                    f" {_widest(page, width)}")
                page.screenshot(path=os.path.join(screenshot_dir, f"phone-{width}-{username}-{name}.png"),
                                full_page=True)
            if width < 500:
                _phone_navigation(page, live_server)
            elif username == desk.agent.username:
                _keyboard(page, live_server)
            context.close()
    assert problems == [], "\n".join(problems)


def _phone_navigation(page, live_server) -> None:
    page.goto(f"{live_server.url}/tickets/")
    assert not page.is_visible("nav.sidebar")
    page.click(".nav-toggle")
    assert page.is_visible("nav.sidebar a[href='/customers/']") or page.is_visible("nav.sidebar a")
    page.click(".nav-toggle")
    rows = page.locator("[data-inbox-row]")
    if rows.count():
        assert rows.first.evaluate("el => getComputedStyle(el).display") == "block"  # a card, not a table row


def _keyboard(page, live_server) -> None:
    """j/k move between orders, x selects one for the bulk bar, / puts the cursor in the search box, a opens
    the assignee picker, r opens the order with the cursor in the reply box."""
    page.goto(f"{live_server.url}/tickets/?view=all")
    page.keyboard.press("j")
    assert page.locator("tr.kbd-focus").count() == 1
    page.keyboard.press("x")
    assert page.inner_text("[data-selected-count]") == "1"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-inbox-search]')")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("k")  # back up to the first row
    assert page.locator("tr.kbd-focus").count() == 1
    first = page.locator("tr.kbd-focus").get_attribute("data-href")
    page.keyboard.press("a")  # the bulk bar's assignee picker, for the selected order
    assert page.evaluate("document.activeElement.matches('#bulk-form select[name=assignee]')")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("r")  # the focused order, cursor in the reply box
    page.wait_for_url(f"**{first}#reply")
    page.wait_for_load_state("load")
    assert page.evaluate("document.activeElement.matches('#reply-form textarea[name=body]')")
